"""The changelist's built-in action: delete the selected objects, after a confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.admin.decorators import action

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.http import Request, Response


@action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
def delete_selected(
    modeladmin: ModelAdmin[Any], request: Request, objects: Sequence[Any]
) -> Response | None:
    """Show what would be deleted; delete once the page's form is sent back (post=yes)."""
    from core import messages
    from core.admin.deletion import delete_objects, plan_deletion
    from core.template_response import TemplateResponse

    plan = plan_deletion(objects)
    if request.POST.get("post") == "yes" and plan.allowed:
        if delete_objects(request, modeladmin, objects):
            name = (
                modeladmin.get_verbose_name()
                if len(objects) == 1
                else (modeladmin.get_verbose_name_plural())
            )
            messages.add_message(
                request, messages.SUCCESS, f"Deleted {len(objects)} {name}.", fail_silently=True
            )
        else:
            messages.add_message(
                request,
                messages.ERROR,
                "The objects could not be deleted: other data still refers to them.",
                fail_silently=True,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Are you sure?",
        "opts": modeladmin,
        "plan": plan,
        "action_name": "delete_selected",
        "selected": [modeladmin.admin_site.object_key(obj) for obj in objects],
    }
    return TemplateResponse(request, "admin/delete_selected_confirmation.html", context)


__all__ = ["delete_selected"]
