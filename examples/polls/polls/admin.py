"""The polls app in the admin: questions with their choices inline, as in Django's tutorial."""

from __future__ import annotations

from core import admin
from polls.models import Choice, Question


class ChoiceInline(admin.TabularInline[Choice]):
    model = Choice
    fields = ["choice_text", "votes"]
    extra = 3


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    fieldsets = [
        (None, {"fields": ["question_text"]}),
        ("Date information", {"fields": ["pub_date"]}),
    ]
    inlines = [ChoiceInline]
    list_display = ["question_text", "pub_date", "published_recently"]
    list_filter = ["pub_date"]
    search_fields = ["question_text"]

    @admin.display(description="Published recently?", boolean=True)
    def published_recently(self, obj: Question) -> bool:
        return obj.was_published_recently()
