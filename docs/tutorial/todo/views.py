"""Views of the to-do app: generic views, and one small form view."""

from __future__ import annotations

from typing import Any

from core.forms import Form, InputRequired, Length, StringField
from core.http import Request, Response
from core.shortcuts import get_object_or_404, redirect
from core.views import CreateView, DeleteView, DetailView, FormView, ListView, View
from todo.models import Checklist, Task


class ChecklistList(ListView[Checklist]):
    model = Checklist
    ordering = "title"
    orderings = ("title", "-created")
    paginate_by = 10


class ChecklistDetail(DetailView[Checklist]):
    model = Checklist

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["form"] = TaskForm()
        return super().get_context_data(**kwargs)


class ChecklistCreate(CreateView[Checklist]):
    model = Checklist
    fields = ["title"]


class ChecklistDelete(DeleteView[Checklist]):
    model = Checklist
    success_url = "/todo/"


class TaskForm(Form):
    text = StringField("New task", [InputRequired(), Length(max=200)])


class TaskCreate(FormView):
    form_class = TaskForm
    template_name = "todo/checklist_detail.html"

    def form_valid(self, form: Form) -> Response:
        checklist = get_object_or_404(Checklist, self.kwargs["pk"])
        checklist.tasks.append(Task(text=form.cleaned_data["text"]))
        return redirect("todo:detail", pk=checklist.id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["checklist"] = get_object_or_404(Checklist, self.kwargs["pk"])
        return super().get_context_data(**kwargs)


class TaskToggle(View):
    def post(self, request: Request, pk: int, task_id: int) -> Response:
        task = get_object_or_404(Task, task_id)
        if task.checklist_id != pk:
            return redirect("todo:detail", pk=pk)
        task.done = not task.done
        return redirect("todo:detail", pk=pk)
