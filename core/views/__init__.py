"""Class-based views: the base `View`, templates, redirects, and generic model views."""

from core.views.base import ContextMixin, RedirectView, TemplateResponseMixin, TemplateView, View
from core.views.detail import (
    BaseDetailView,
    DetailView,
    SingleObjectMixin,
    SingleObjectTemplateResponseMixin,
)
from core.views.edit import (
    BaseCreateView,
    BaseDeleteView,
    BaseFormView,
    BaseUpdateView,
    CreateView,
    DeleteView,
    DeletionMixin,
    FormMixin,
    FormView,
    ModelFormMixin,
    ProcessFormView,
    UpdateView,
)
from core.views.list import (
    BaseListView,
    ListView,
    MultipleObjectMixin,
    MultipleObjectTemplateResponseMixin,
)

__all__ = [
    "BaseCreateView",
    "BaseDeleteView",
    "BaseDetailView",
    "BaseFormView",
    "BaseListView",
    "BaseUpdateView",
    "ContextMixin",
    "CreateView",
    "DeleteView",
    "DeletionMixin",
    "DetailView",
    "FormMixin",
    "FormView",
    "ListView",
    "ModelFormMixin",
    "MultipleObjectMixin",
    "MultipleObjectTemplateResponseMixin",
    "ProcessFormView",
    "RedirectView",
    "SingleObjectMixin",
    "SingleObjectTemplateResponseMixin",
    "TemplateResponseMixin",
    "TemplateView",
    "UpdateView",
    "View",
]
