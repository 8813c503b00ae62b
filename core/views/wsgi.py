"""Serve a plain PEP 3333 application as a view, under a URL prefix (see `core.urls.mount`)."""

from __future__ import annotations

from webob import Request as WebObRequest
from webob import Response as WebObResponse

from core.http import Request
from core.types import WSGIApplication
from core.utils import qualified_name


class WSGIAppView:
    """Call a WSGI application with SCRIPT_NAME and PATH_INFO moved past the mount point."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.__name__ = f"mount({qualified_name(app)})"
        self.__qualname__ = self.__name__

    def __call__(self, request: Request, path_info: str = "") -> WebObResponse:
        environ = dict(request.environ)
        full = request.path_info
        prefix = full[: len(full) - len(path_info)] if path_info else full
        environ["SCRIPT_NAME"] = _wsgi_str(request.script_name + prefix.rstrip("/"))
        environ["PATH_INFO"] = _wsgi_str("/" + path_info)
        response: WebObResponse = WebObRequest(environ).get_response(self.app, catch_exc_info=True)
        return response


def _wsgi_str(text: str) -> str:
    # PEP 3333: environ strings carry the raw bytes as latin-1.
    return text.encode("utf-8").decode("latin-1")
