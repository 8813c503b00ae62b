"""Views behind login: one per access rule."""

from __future__ import annotations

from core.auth import (
    LoginRequiredMixin,
    PermissionRequiredMixin,
    UserPassesTestMixin,
    login_required,
    update_session_auth_hash,
)
from core.auth.decorators import permission_required
from core.http import Request, Response
from core.views import View


class WhoAmI(View):
    """Say who the request's user is."""

    def get(self, request: Request) -> Response:
        user = request.user
        return Response(f"user={user.get_username() or 'anonymous'}")


class Private(LoginRequiredMixin, View):
    def get(self, request: Request) -> Response:
        return Response(f"private for {request.user.get_username()}")


class Editor(PermissionRequiredMixin, View):
    permission_required = "blog.change_article"

    def get(self, request: Request) -> Response:
        return Response("editing")


class StaffOnly(UserPassesTestMixin, View):
    def test_func(self) -> bool:
        return bool(self.request.user.is_staff)

    def get(self, request: Request) -> Response:
        return Response("staff")


@login_required
def private_function(request: Request) -> Response:
    return Response("private function")


@permission_required("blog.delete_article")
def deleter(request: Request) -> Response:
    return Response("deleting")


class ChangePassword(View):
    """Set a new password and keep this session logged in."""

    def post(self, request: Request) -> Response:
        user = request.user
        user.set_password(request.POST["password"])
        update_session_auth_hash(request, user)
        return Response("changed")
