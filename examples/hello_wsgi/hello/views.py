"""Views of the hello project: Stoa's own, beside the mounted WSGI applications."""

from __future__ import annotations

from core.http import Request, Response
from core.urls import reverse
from core.views import View


class HomeView(View):
    """A plain-text page that points at the mounted applications."""

    def get(self, request: Request) -> Response:
        """List what this site serves."""
        lines = [
            "Hello from a Stoa view!",
            f"{reverse('hello')}     a plain WSGI callable, mounted",
            f"{reverse('echo')}      the WSGI environ it is called with",
            f"{reverse('reversed')}  the hello callable inside the ReverseBody middleware",
        ]
        return Response("\n".join(lines) + "\n", content_type="text/plain")
