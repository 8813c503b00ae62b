"""Serve one of these applications with the standard library's wsgiref server.

    python -m wsgiapps.serve                          # wsgiapps.hello:application on :8000
    python -m wsgiapps.serve wsgiapps.echo:application --port 8001

wsgiref is for trying things out: one request at a time, no TLS, HTTP/1.0. In
production use gunicorn or uWSGI, which take the same `module:callable` name.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from typing import TYPE_CHECKING, cast
from wsgiref.simple_server import WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


class QuietHandler(WSGIRequestHandler):
    """Log requests on stderr, one line each, as wsgiref does, but never their host name."""

    def address_string(self) -> str:
        """Return the client's address (wsgiref's default looks up its name)."""
        return str(self.client_address[0])


def load(name: str) -> WSGIApplication:
    """Import `module:callable` and return the callable."""
    module_name, _, attribute = name.partition(":")
    app = getattr(importlib.import_module(module_name), attribute or "application")
    return cast("WSGIApplication", app)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m wsgiapps.serve", description=__doc__)
    parser.add_argument("app", nargs="?", default="wsgiapps.hello:application")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        app = load(args.app)
    except (ImportError, AttributeError) as exc:
        parser.error(f"cannot load {args.app!r}: {exc}")
    with make_server(args.host, args.port, app, handler_class=QuietHandler) as server:
        print(f"Serving {args.app} on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop quietly
            server.serve_forever()


if __name__ == "__main__":
    main()
