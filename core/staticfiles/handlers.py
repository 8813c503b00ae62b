"""Serve static files from the WSGI application itself, on WhiteNoise.

`get_wsgi_application()` wraps the project's handler with `static_files_application()`
when SERVE_STATIC is on (the default):

- DEBUG on (the dev server): each request under STATIC_URL is looked up through the
  finders (STATICFILES_DIRS, then apps' `static/`), so files added or changed show up
  without a restart; `Cache-Control: max-age=0` makes browsers revalidate (304s).
- DEBUG off (gunicorn): the files of STATIC_ROOT are listed once at start-up; names
  collectstatic hashed are cached for ten years (`immutable`), others for a minute;
  `.gz`/`.br` variants are sent to clients that accept them.

Only paths under STATIC_URL are looked at: every other request costs one `startswith`.
Their Host is checked against ALLOWED_HOSTS as every other request's is: a bad one goes
on to the project, which answers 400 and logs it. A path that could climb out of a
directory (`..`, a backslash, NUL, a hidden segment) is answered 404 here, without
reaching the files or the project's views; a well-formed path with no file behind it
goes on to the project, whose URLconf answers 404. Files and these answers carry the
security headers the project's middleware gives its pages (`headers`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.headers import Headers
from wsgiref.util import FileWrapper

from core.conf import settings
from core.exceptions import DisallowedHost
from core.hosts import validate_host
from core.staticfiles.finders import FileSystemFinder, clean_name, get_finder
from core.staticfiles.urls import get_manifest
from core.types import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("stoa.staticfiles")
security_logger = logging.getLogger("stoa.security.SuspiciousFileOperation")

# Files whose names are not hashed may change under the same URL: cache them briefly.
MAX_AGE = 60
_QUOTED_CHARSET = re.compile(r'charset="([A-Za-z0-9_.:-]+)"')


class StaticFilesHandler:
    """Answer requests under `prefix` with static files; pass every other one on.

    Give `root` to serve a directory listed once (production), or `finder` to look each
    request up in the source directories (development). `headers` are sent with every
    answer (the security headers of the site's pages).
    """

    def __init__(
        self,
        application: WSGIApplication,
        prefix: str,
        *,
        root: Path | None = None,
        finder: FileSystemFinder | None = None,
        hashed_names: frozenset[str] = frozenset(),
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.application = application
        # nosniff always: browsers must trust the Content-Type derived from the suffix.
        names = {name.lower() for name, _ in headers}
        nosniff = () if "x-content-type-options" in names else (NOSNIFF,)
        self.headers = (*nosniff, *headers)
        self.prefix = prefix
        # PATH_INFO holds the URL's bytes as latin-1 text (PEP 3333); compare like with like.
        self.raw_prefix = prefix.encode("utf-8").decode("latin-1")
        self.finder = finder
        self.hashed_names = hashed_names
        # Imported here: a project with nothing to serve never loads WhiteNoise.
        from whitenoise import WhiteNoise  # type: ignore[import-untyped]
        from whitenoise.responders import NotARegularFileError  # type: ignore[import-untyped]
        from whitenoise.string_utils import decode_path_info  # type: ignore[import-untyped]

        self._decode_path_info = decode_path_info
        self._not_a_regular_file = NotARegularFileError
        self.whitenoise = WhiteNoise(
            None,  # never called: this class decides what reaches the application
            autorefresh=finder is not None,
            max_age=0 if finder is not None else MAX_AGE,
            immutable_file_test=self.is_immutable,
            add_headers_function=self._add_headers,
        )
        if root is not None:
            self.whitenoise.add_files(str(root), prefix)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path_info: str = environ.get("PATH_INFO", "")
        if not path_info.startswith(self.raw_prefix) or not _host_allowed(environ):
            return self.application(environ, start_response)
        url: str = self._decode_path_info(path_info)
        name = clean_name(url[len(self.prefix) :])
        if name is None:
            security_logger.warning("Refused the static file path %.200r", url)
            return self._plain_response(environ, start_response, HTTPStatus.NOT_FOUND)
        static_file = self.find(url, name)
        if static_file is None:
            return self.application(environ, start_response)
        return self.serve(static_file, environ, start_response)

    def find(self, url: str, name: str) -> Any:
        """Return WhiteNoise's StaticFile for `url` (naming the file `name`), or None."""
        if self.finder is None:
            return self.whitenoise.files.get(url)
        path = self.finder.find(name)
        if path is None:
            return None
        try:
            return self.whitenoise.find_file_at_path(str(path), url)
        except (self._not_a_regular_file, OSError):  # gone since found, or not a plain file
            return None

    def serve(
        self, static_file: Any, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer with the file: 200, 206, 304 (conditional GET), 405 or 416."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            allow = [("Allow", "GET, HEAD")]
            return self._plain_response(
                environ, start_response, HTTPStatus.METHOD_NOT_ALLOWED, allow
            )
        try:
            response = static_file.get_response(method, environ)
        except OSError:
            # Removed since start-up (collectstatic --clear under a running server).
            return self.application(environ, start_response)
        status = HTTPStatus(response.status)
        headers = [(str(name), str(value)) for name, value in response.headers]
        if status == HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE:
            # WhiteNoise sends no Content-Type with a 416, which PEP 3333 validation wants.
            headers += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")]
        start_response(f"{status.value} {status.phrase}", headers)
        if response.file is None:
            return []
        file_wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
        body: Iterable[bytes] = file_wrapper(response.file)
        return body

    def is_immutable(self, path: str, url: str) -> bool:
        """Say whether `url` names a hashed copy, whose content never changes."""
        return url[len(self.prefix) :] in self.hashed_names

    def _add_headers(self, headers: Headers, path: str, url: str) -> None:
        # Once per file (at start-up in production). WhiteNoise quotes the charset
        # (charset="utf-8"); send the form every other response of the framework uses.
        content_type = headers.get("Content-Type")
        if content_type is not None:
            headers["Content-Type"] = _QUOTED_CHARSET.sub(r"charset=\1", content_type)
        for name, value in self.headers:
            headers[name] = value

    def _plain_response(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        status: HTTPStatus,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> Iterable[bytes]:
        body = f"{status.value} {status.phrase}\n".encode()
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *self.headers,
            *(extra_headers or []),
        ]
        start_response(f"{status.value} {status.phrase}", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


NOSNIFF = ("X-Content-Type-Options", "nosniff")


def _host_allowed(environ: WSGIEnvironment) -> bool:
    # A bad Host is the project's to answer (400, logged), as for any other path.
    try:
        validate_host(environ)
    except DisallowedHost:
        return False
    return True


def static_prefix(static_url: str) -> str:
    """Return the path part of STATIC_URL with one slash at each end: `/static/`."""
    path = urlsplit(static_url).path.strip("/")
    return f"/{path}/" if path else "/"


def static_files_application(
    application: WSGIApplication, headers: tuple[tuple[str, str], ...] = ()
) -> WSGIApplication:
    """Wrap `application` to serve static files as the settings say, sending `headers`.

    With DEBUG off and no STATIC_ROOT directory there is nothing to serve, and
    `application` comes back unwrapped.
    """
    prefix = static_prefix(settings.STATIC_URL)
    if settings.DEBUG:
        return StaticFilesHandler(application, prefix, finder=get_finder(), headers=headers)
    if settings.STATIC_ROOT is None:
        return application
    root = Path(settings.STATIC_ROOT)
    if not root.is_dir():
        logger.warning(
            "STATIC_ROOT %r does not exist, so no static files are served: run "
            "'manage.py collectstatic --noinput' before starting the server.",
            str(root),
        )
        return application
    manifest = get_manifest()
    hashed = manifest.hashed_names if manifest is not None else frozenset()
    return StaticFilesHandler(application, prefix, root=root, hashed_names=hashed, headers=headers)


__all__ = ["StaticFilesHandler", "static_files_application", "static_prefix"]
