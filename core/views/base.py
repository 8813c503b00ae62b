"""The base of every class-based view: `View`, plus `TemplateView` and `RedirectView`."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from functools import update_wrapper
from typing import Any, ClassVar

from core.exceptions import ImproperlyConfigured
from core.http import HTTPGone, Request, Response
from core.template_response import TemplateResponse
from core.urls import reverse

logger = logging.getLogger("stoa.request")


class View:
    """Dispatch a request to the method named after its HTTP verb.

        class Hello(View):
            def get(self, request: Request) -> Response:
                return Response("Hello")

    A method the view does not define is answered with 405 and an Allow header;
    HEAD is served by `get` without a body; OPTIONS lists the allowed methods.
    """

    http_method_names: ClassVar[Sequence[str]] = (
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
    )

    request: Request
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., Response]:
        """Return a view function that makes a new instance of this class per request."""
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"{cls.__name__}.as_view() got {key!r}, an HTTP method name: define "
                    f"a method {key}() on the class instead."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}.as_view() got {key!r}, which is not an attribute of "
                    f"{cls.__name__}: declare it on the class first."
                )

        def view(request: Request, *args: Any, **kwargs: Any) -> Response:
            self = cls(**initkwargs)
            self.setup(request, *args, **kwargs)
            return self.dispatch(request, *args, **kwargs)

        view.view_is_async = cls.view_is_async()  # type: ignore[attr-defined]
        view.view_class = cls  # type: ignore[attr-defined]
        view.view_initkwargs = initkwargs  # type: ignore[attr-defined]
        update_wrapper(view, cls, updated=())
        view.__doc__ = cls.__doc__
        return view

    @classmethod
    def view_is_async(cls) -> bool:
        """Say whether the handlers are `async def` (awaited on the event loop under ASGI).

        A view's handlers are all async or all sync (`options()` aside, which answers
        either way); a mix is refused, since one request would need both kinds.
        """
        handlers = [
            getattr(cls, name)
            for name in cls.http_method_names
            if name != "options" and hasattr(cls, name)
        ]
        kinds = {inspect.iscoroutinefunction(handler) for handler in handlers}
        if len(kinds) > 1:
            names = sorted(
                name
                for name in cls.http_method_names
                if name != "options" and inspect.iscoroutinefunction(getattr(cls, name, None))
            )
            raise ImproperlyConfigured(
                f"{cls.__name__} has async handlers ({', '.join(names)}) and sync ones: make "
                f"them all `async def` or all plain `def`."
            )
        return kinds == {True}

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Store the request and the URL's arguments on the instance."""
        if hasattr(self, "get") and not hasattr(self, "head"):
            self.head = self.get
        self.request = request
        self.args = args
        self.kwargs = kwargs

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Call the handler for the request's method, or answer 405."""
        method = request.method.lower()
        handler: Callable[..., Response] | None = None
        if method in self.http_method_names:
            handler = getattr(self, method, None)
        if handler is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return handler(request, *args, **kwargs)

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Answer 405 Method Not Allowed, listing the allowed methods."""
        logger.warning(
            "Method Not Allowed (%s): %s", request.method, request.path_info, extra={"status": 405}
        )
        from core.http import HTTPMethodNotAllowed

        raise HTTPMethodNotAllowed(headers=[("Allow", ", ".join(self.allowed_methods()))])

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Answer OPTIONS with the allowed methods and no body."""
        response = Response(status=200, headerlist=[("Allow", ", ".join(self.allowed_methods()))])
        response.content_type = "text/plain"
        response.content_length = 0
        return response

    def allowed_methods(self) -> list[str]:
        """Return the upper-case methods this view answers."""
        return [name.upper() for name in self.http_method_names if hasattr(self, name)]


class ContextMixin:
    """Provide `get_context_data()`, which templates receive as their context."""

    extra_context: dict[str, Any] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Return the template context: the view, the URL's arguments and extra_context."""
        kwargs.setdefault("view", self)
        if self.extra_context is not None:
            kwargs.update(self.extra_context)
        return kwargs


class TemplateResponseMixin:
    """Render a response from `template_name`."""

    template_name: str | None = None
    content_type: str | None = None
    status: int = 200
    request: Request

    def get_template_names(self) -> list[str]:
        """Return the templates to try, first found wins."""
        if self.template_name is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a template: set {type(self).__name__}.template_name "
                f"or override get_template_names()."
            )
        return [self.template_name]

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> Response:
        """Return a TemplateResponse of the template with `context` (rendered later)."""
        response_kwargs.setdefault("status", self.status)
        if self.content_type:
            response_kwargs.setdefault("content_type", self.content_type)
        return TemplateResponse(self.request, self.get_template_names(), context, **response_kwargs)


class TemplateView(TemplateResponseMixin, ContextMixin, View):
    """Render a template on GET, with the URL's arguments in the context."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.render_to_response(self.get_context_data(**kwargs))


class RedirectView(View):
    """Redirect to `url` (formatted with the URL's arguments) or to a named pattern."""

    permanent = False
    url: str | None = None
    pattern_name: str | None = None
    query_string = False

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str | None:
        """Return the target, or None to answer 410 Gone."""
        if self.url:
            url = self.url % kwargs
        elif self.pattern_name:
            url = reverse(self.pattern_name, args or None, kwargs or None)
        else:
            return None
        query = self.request.environ.get("QUERY_STRING", "")
        if self.query_string and query:
            url = f"{url}?{query}"
        return url

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        url = self.get_redirect_url(*args, **kwargs)
        if url is None:
            logger.warning("Gone: %s", request.path_info, extra={"status": 410})
            raise HTTPGone()
        return Response(status=301 if self.permanent else 302, location=url)

    head = options = post = delete = put = patch = get
