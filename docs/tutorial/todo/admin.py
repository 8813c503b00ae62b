"""The to-do app in the admin: checklists with their tasks inline, and the tasks alone."""

from __future__ import annotations

from collections.abc import Sequence

from core import admin
from core.http import Request
from todo.models import Checklist, Task


class TaskInline(admin.TabularInline[Task]):
    model = Task
    fields = ["text", "done"]
    extra = 2


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin[Checklist]):
    list_display = ["title", "task_count", "created"]
    search_fields = ["title", "tasks__text"]
    list_filter = ["created"]
    readonly_fields = ["created"]
    inlines = [TaskInline]

    @admin.display(description="Tasks")
    def task_count(self, obj: Checklist) -> int:
        return len(obj.tasks)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ["text", "checklist", "done"]
    list_filter = ["done", "checklist"]
    search_fields = ["text", "checklist__title"]
    actions = ["mark_done"]

    @admin.action(description="Mark the selected tasks done", permissions=["change"])
    def mark_done(self, request: Request, objects: Sequence[Task]) -> None:
        for task in objects:
            task.done = True
