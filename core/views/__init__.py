"""Class-based views."""

from core.views.base import ContextMixin, RedirectView, TemplateResponseMixin, TemplateView, View

__all__ = ["ContextMixin", "RedirectView", "TemplateResponseMixin", "TemplateView", "View"]
