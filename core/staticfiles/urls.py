"""Build the URL of a static file: `static_url("css/site.css")`, behind the `static()` global.

With DEBUG off and a manifest in STATIC_ROOT (written by collectstatic), the URL names the
content-hashed copy, which may be cached forever: `/static/css/site.3f2a9c1b2e4d.css`.
Otherwise it is STATIC_URL joined with the name as given.

A name missing from the manifest does not break the page: the URL falls back to the
unhashed name and a warning naming collectstatic is logged, once per name. The manifest
is read once per configuration, so a running server sees a new collectstatic after a
restart (gunicorn reloads on HUP), like the files WhiteNoise serves.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from core.conf import per_settings, settings

logger = logging.getLogger("stoa.staticfiles")


class Manifest:
    """The {original: hashed} names of one collectstatic run, and the misses logged."""

    def __init__(self, paths: dict[str, str]) -> None:
        self.paths = paths
        self.hashed_names = frozenset(paths.values())
        self.reported: set[str] = set()

    def lookup(self, name: str) -> str:
        """Return the hashed name of `name`; log and return `name` itself if it is missing."""
        hashed = self.paths.get(name)
        if hashed is not None:
            return hashed
        if name not in self.reported:
            # Set operations are atomic under the GIL: at worst two threads both log once.
            self.reported.add(name)
            logger.warning(
                "The static file %r is not in the manifest of STATIC_ROOT: its URL is not "
                "hashed. Check the name, or run 'manage.py collectstatic' after adding it.",
                name,
            )
        return name


@per_settings
def get_manifest() -> Manifest | None:
    """Return the manifest in STATIC_ROOT, or None without STATIC_ROOT or a manifest."""
    from core.staticfiles.storage import load_manifest  # loaded only with a STATIC_ROOT

    root = settings.STATIC_ROOT
    if root is None:
        return None
    paths = load_manifest(root)
    return None if paths is None else Manifest(paths)


def static_url(path: str) -> str:
    """Return the URL of the static file `path`, hashed when collected and DEBUG is off."""
    name, suffix = _split_suffix(path.lstrip("/"))
    if not settings.DEBUG:
        manifest = get_manifest()
        if manifest is not None:
            name = manifest.lookup(name)
    # As in Django: a space or a non-ASCII letter in a file name still makes a valid URL.
    return settings.STATIC_URL + quote(name, safe="/~!*()'@") + suffix


def _split_suffix(path: str) -> tuple[str, str]:
    # "fonts/icons.woff?v=2" and "sprite.svg#logo": the manifest knows the file only.
    cut = min((index for index in (path.find("?"), path.find("#")) if index >= 0), default=-1)
    return (path, "") if cut < 0 else (path[:cut], path[cut:])


__all__ = ["Manifest", "get_manifest", "static_url"]
