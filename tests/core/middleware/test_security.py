"""SecurityMiddleware (and XFrameOptionsMiddleware): headers, HSTS, HTTPS redirect, CSP nonce."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.handlers import WSGIHandler
from core.http import JsonResponse, Request, Response
from core.middleware.clickjacking import xframe_options_exempt
from core.template_response import TemplateResponse
from core.testing import Client
from core.urls import path

HERE = __name__
SECURITY = "core.middleware.security.SecurityMiddleware"
CLICKJACKING = "core.middleware.clickjacking.XFrameOptionsMiddleware"
CSP = "default-src 'self'; script-src 'self' 'nonce-{nonce}'"
DEFAULT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def page(request: Request) -> Response:
    return Response("<p>hello</p>")


def own_headers(request: Request) -> Response:
    response = Response("<p>mine</p>")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Strict-Transport-Security"] = "max-age=60"
    return response


@xframe_options_exempt
def frameable(request: Request) -> Response:
    return Response("<p>frame me</p>")


def api(request: Request) -> Response:
    return JsonResponse({"ok": True})


def scripted(request: Request) -> TemplateResponse:
    return TemplateResponse(request, "scripted.html")


urlpatterns = [
    path("page/", page),
    path("own/", own_headers),
    path("frameable/", frameable),
    path("api/", api),
    path("health/", page),
    path("scripted/", scripted),
]

MakeClient = Callable[..., Client]


@pytest.fixture
def make(settings: Any, tmp_path: Path) -> MakeClient:
    (tmp_path / "scripted.html").write_text(
        '<script nonce="{{ csp_nonce }}">go()</script>', encoding="utf-8"
    )

    def build(*, scheme: str = "http", **overrides: Any) -> Client:
        settings.ROOT_URLCONF = HERE
        settings.MIDDLEWARE = [SECURITY, CLICKJACKING]
        settings.TEMPLATES = {"DIRS": [str(tmp_path)], "APP_DIRS": True}
        for name, value in overrides.items():
            setattr(settings, name, value)
        return Client(WSGIHandler(), scheme=scheme)

    return build


@pytest.mark.parametrize(("header", "value"), DEFAULT_HEADERS.items())
def test_html_response_has_the_default_header(make: MakeClient, header: str, value: str) -> None:
    response = make().get("/page/")

    assert response.status_code == 200
    assert response.headers[header] == value


def test_json_response_has_the_headers_too(make: MakeClient) -> None:
    response = make().get("/api/")

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_responses_have_the_headers(make: MakeClient) -> None:
    response = make().get("/nowhere/")

    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_headers_the_view_set_are_kept(make: MakeClient) -> None:
    response = make(SECURE_CONTENT_SECURITY_POLICY=CSP).get("/own/")

    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_xframe_options_exempt_view_can_be_framed(make: MakeClient) -> None:
    response = make().get("/frameable/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers


def test_headers_can_be_turned_off(make: MakeClient) -> None:
    response = make(SECURE_CONTENT_TYPE_NOSNIFF=False, SECURE_REFERRER_POLICY=None).get("/page/")

    assert response.status_code == 200
    assert "X-Content-Type-Options" not in response.headers
    assert "Referrer-Policy" not in response.headers


def test_no_hsts_by_default(make: MakeClient) -> None:
    response = make(scheme="https").get("/page/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_on_https_when_configured(make: MakeClient) -> None:
    response = make(scheme="https", SECURE_HSTS_SECONDS=3600).get("/page/")

    assert response.headers["Strict-Transport-Security"] == "max-age=3600"


def test_hsts_never_on_plain_http(make: MakeClient) -> None:
    response = make(SECURE_HSTS_SECONDS=3600).get("/page/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_with_subdomains_and_preload(make: MakeClient) -> None:
    client = make(
        scheme="https",
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
    )

    response = client.get("/page/")

    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_hsts_behind_a_trusted_proxy(make: MakeClient) -> None:
    client = make(
        SECURE_HSTS_SECONDS=3600, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    )

    response = client.get("/page/", headers={"X-Forwarded-Proto": "https"})

    assert response.headers["Strict-Transport-Security"] == "max-age=3600"


def test_ssl_redirect_sends_http_to_https(make: MakeClient) -> None:
    response = make(SECURE_SSL_REDIRECT=True).get("/page/?a=1&b=%C3%A9")

    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/page/?a=1&b=%C3%A9"


def test_ssl_redirect_keeps_the_validated_port(make: MakeClient) -> None:
    response = make(SECURE_SSL_REDIRECT=True).get("/page/", headers={"Host": "localhost:8000"})

    assert response.headers["Location"] == "https://localhost:8000/page/"


def test_ssl_redirect_to_the_configured_host(make: MakeClient) -> None:
    client = make(SECURE_SSL_REDIRECT=True, SECURE_SSL_HOST="secure.example.com")

    response = client.get("/page/")

    assert response.headers["Location"] == "https://secure.example.com/page/"


def test_ssl_redirect_never_uses_a_disallowed_host(make: MakeClient) -> None:
    response = make(SECURE_SSL_REDIRECT=True).get("/page/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_ssl_redirect_leaves_https_alone(make: MakeClient) -> None:
    response = make(scheme="https", SECURE_SSL_REDIRECT=True).get("/page/")

    assert response.status_code == 200


def test_ssl_redirect_exempt_paths_are_served(make: MakeClient) -> None:
    client = make(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^health/$"])

    exempt = client.get("/health/")
    other = client.get("/page/")

    assert exempt.status_code == 200
    assert other.status_code == 301


def test_ssl_redirect_response_has_security_headers(make: MakeClient) -> None:
    response = make(SECURE_SSL_REDIRECT=True).get("/page/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_csp_header_by_default(make: MakeClient) -> None:
    response = make().get("/page/")

    assert "Content-Security-Policy" not in response.headers


def nonce_in(response: Any) -> str:
    match = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"])
    assert match is not None
    return match.group(1)


def test_csp_header_has_the_nonce_templates_see(make: MakeClient) -> None:
    response = make(SECURE_CONTENT_SECURITY_POLICY=CSP).get("/scripted/")

    nonce = nonce_in(response)
    assert response.status_code == 200
    assert len(nonce) >= 16
    assert response.text == f'<script nonce="{nonce}">go()</script>'


def test_csp_nonce_is_fresh_per_request(make: MakeClient) -> None:
    client = make(SECURE_CONTENT_SECURITY_POLICY=CSP)

    first, second = client.get("/scripted/"), client.get("/scripted/")

    assert nonce_in(first) != nonce_in(second)


def test_without_csp_templates_get_an_empty_nonce(make: MakeClient) -> None:
    response = make().get("/scripted/")

    assert response.text == '<script nonce="">go()</script>'
