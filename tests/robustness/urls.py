"""The site of the robustness tests: redirects built from the request, auth, a static-ish page."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from core.auth.decorators import login_required
from core.csrf import csrf_exempt
from core.http import HTTPFound, JsonResponse, Request, Response
from core.shortcuts import redirect
from core.urls import include, path
from core.views import RedirectView, View


def cafe(request: Request) -> Response:
    return redirect("/articles/café/")


def to(request: Request) -> Response:
    """Redirect to `?to=`, as a view that trusts its input would."""
    return redirect(request.GET["to"])


def raw_to(request: Request) -> Response:
    """Build the redirect by hand from `?to=`."""
    return Response(status=302, location=request.GET["to"])


def found(request: Request) -> Response:
    raise HTTPFound(location="/articles/naïve/")


def article(request: Request, slug: str) -> Response:
    return Response(f"article {slug}", content_type="text/plain")


@login_required
def private(request: Request) -> Response:
    return Response("private")


def boom(request: Request) -> Response:
    raise RuntimeError("kaboom: internal detail")


def database_down(request: Request) -> Response:
    # What SQLAlchemy raises when no connection can be opened.
    raise OperationalError(None, None, ConnectionRefusedError("connection refused"))


def bad_header(request: Request) -> Response:
    response = Response("x")
    response.headers["X-Injected"] = "a\r\nSet-Cookie: evil=1"
    return response


class WhoAmI(View):
    def get(self, request: Request) -> Response:
        user = request.user
        name = user.username if user.is_authenticated else "anonymous"
        return Response(name, content_type="text/plain")

    def post(self, request: Request) -> Response:
        return self.get(request)


def echo_json(request: Request) -> Response:
    """Send back the JSON the client sent (views that echo input are common)."""
    return JsonResponse({"got": request.json})


urlpatterns = [
    path("accounts/", include("core.auth.urls")),
    path("cafe/", cafe),
    path("echo-json/", csrf_exempt(echo_json)),
    path("to/", to),
    path("raw-to/", raw_to),
    path("found/", found),
    path("go/<str:slug>/", RedirectView.as_view(url="/articles/%(slug)s/")),
    path("articles/<str:slug>/", article),
    path("blog/", include(([path("<str:slug>/", article, name="detail")], "blog"))),
    path("private/", private),
    path("whoami/", WhoAmI.as_view()),
    path("boom/", boom),
    path("database-down/", database_down),
    path("bad-header/", bad_header),
]
