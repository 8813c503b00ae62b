"""The library app's admin, as a project writes it (registered on the site under test)."""

from __future__ import annotations

from typing import Any

from core import admin
from tests.core.admin.library.models import Chapter, Novel, Writer


class ChapterInline(admin.TabularInline[Chapter]):
    model = Chapter
    fields = ["title", "pages"]
    extra = 2


class NovelAdmin(admin.ModelAdmin[Novel]):
    list_display = [
        "title",
        "writer",
        "genre",
        "in_print",
        "published",
        "short_title",
        "title_length",
    ]
    list_filter = ["in_print", "genre", "writer", "published"]
    search_fields = ["title", "writer__name"]
    ordering = ["title"]
    list_per_page = 3
    date_hierarchy = "published"
    inlines = [ChapterInline]
    readonly_fields = ["added"]

    @admin.display(description="Short", ordering="title")
    def short_title(self, obj: Novel) -> str:
        return obj.title[:5]


class WriterAdmin(admin.ModelAdmin[Writer]):
    list_display = ["name", "born"]
    search_fields = ["name"]


def register(site: admin.AdminSite) -> None:
    """Register the app's models on `site`."""
    site.register(Novel, NovelAdmin)
    site.register(Writer, WriterAdmin)


ADMINS: dict[type[Any], type[admin.ModelAdmin[Any]]] = {Novel: NovelAdmin, Writer: WriterAdmin}
