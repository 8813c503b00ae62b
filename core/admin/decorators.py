"""Decorators of the admin: `@register`, `@display` and `@action`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.admin.sites import AdminSite

F = TypeVar("F", bound=Callable[..., Any])
A = TypeVar("A", bound="type[ModelAdmin[Any]]")


@overload
def display(function: F) -> F: ...


@overload
def display(
    function: None = None,
    *,
    description: str | None = None,
    ordering: str | None = None,
    boolean: bool | None = None,
    empty_value: str | None = None,
) -> Callable[[F], F]: ...


def display(
    function: F | None = None,
    *,
    description: str | None = None,
    ordering: str | None = None,
    boolean: bool | None = None,
    empty_value: str | None = None,
) -> Any:
    """Describe a list_display (or readonly_fields) callable: its header, sort column, icon.

    @admin.display(description="Published?", boolean=True, ordering="published_at")
    def is_published(self, obj): return obj.published_at is not None
    """

    def decorate(func: F) -> F:
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        if ordering is not None:
            func.admin_order_field = ordering  # type: ignore[attr-defined]
        if boolean is not None:
            func.boolean = boolean  # type: ignore[attr-defined]
        if empty_value is not None:
            func.empty_value_display = empty_value  # type: ignore[attr-defined]
        return func

    return decorate if function is None else decorate(function)


@overload
def action(function: F) -> F: ...


@overload
def action(
    function: None = None,
    *,
    description: str | None = None,
    permissions: tuple[str, ...] | list[str] | None = None,
) -> Callable[[F], F]: ...


def action(
    function: F | None = None,
    *,
    description: str | None = None,
    permissions: tuple[str, ...] | list[str] | None = None,
) -> Any:
    """Describe a changelist action: its label, and the permissions ("change") it needs.

    @admin.action(description="Mark as done", permissions=["change"])
    def mark_done(modeladmin, request, objects): ...
    """

    def decorate(func: F) -> F:
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        if permissions is not None:
            func.allowed_permissions = tuple(permissions)  # type: ignore[attr-defined]
        return func

    return decorate if function is None else decorate(function)


def register(*models: type[Any], site: AdminSite | None = None) -> Callable[[A], A]:
    """Register the decorated ModelAdmin for `models` on `site` (default: admin.site).

    @admin.register(Article)
    class ArticleAdmin(admin.ModelAdmin[Article]): ...
    """
    if not models:
        raise ValueError("@admin.register() needs at least one model: @admin.register(Article).")

    def decorate(admin_class: A) -> A:
        from core.admin.sites import site as default_site

        (site or default_site).register(models, admin_class)
        return admin_class

    return decorate


__all__ = ["action", "display", "register"]
