"""Collect static files into STATIC_ROOT with content-hashed names and a manifest.

For `css/site.css` the root gets the original, `css/site.3f2a9c1b2e4d.css` (the first 12
hex digits of the SHA-256 of its content), gzip variants of both when that saves space,
and `staticfiles.json`:

    {"version": 1, "paths": {"css/site.css": "css/site.3f2a9c1b2e4d.css", ...}}

In a hashed CSS file, `url(...)` and `@import "..."` references to other collected files
name their hashed copies, so the CSS file's own hash changes when an image it uses does
(as Django's ManifestStaticFilesStorage does). Originals are copied byte for byte.

Every file is written to a temporary name and renamed into place, and the manifest is
written last: a server reading the root never sees half a file, nor a manifest naming a
file not there yet. Hashed files of earlier runs stay, so pages rendered before a deploy
keep working while it rolls out.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from core.exceptions import ImproperlyConfigured

MANIFEST_NAME = "staticfiles.json"
MANIFEST_VERSION = 1
HASH_LENGTH = 12

# Already compressed: gzip would only cost CPU (WhiteNoise's list, trimmed).
UNCOMPRESSED_SKIPPED = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "avif", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"}
    | {"zst", "woff", "woff2", "mp3", "mp4", "m4v", "mov", "mpeg", "mpg", "webm", "ogg", "avi"}
    | {"wmv", "flv", "swf", "3gp"}
)
# A variant must save at least 5% to be worth a second lookup (WhiteNoise's threshold).
GZIP_MAX_RATIO = 0.95

CSS_REFERENCE = re.compile(
    r"""(?P<comment>/\*.*?\*/)"""
    r"""|(?P<url_call>url\(\s*(?P<quote>['"]?)(?P<url>[^'")]*?)(?P=quote)\s*\))"""
    r"""|(?P<import>@import\s*(?P<iquote>['"])(?P<iurl>[^'"]*?)(?P=iquote))""",
    re.DOTALL | re.IGNORECASE,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def file_hash(content: bytes) -> str:
    """Return the short content hash put into hashed names."""
    return hashlib.sha256(content).hexdigest()[:HASH_LENGTH]


def hashed_name(name: str, digest: str) -> str:
    """Return `css/site.<digest>.css` for `css/site.css` (`LICENSE.<digest>` without suffix)."""
    directory, _, filename = name.rpartition("/")
    stem, dot, suffix = filename.rpartition(".")
    if not dot or not stem:  # "LICENSE" or a name that is all suffix
        stem, suffix = filename, ""
    new = f"{stem}.{digest}" + (f".{suffix}" if suffix else "")
    return f"{directory}/{new}" if directory else new


@dataclass
class CollectResult:
    """What a collection did (or, in a dry run, would do)."""

    copied: list[str] = field(default_factory=list)
    unmodified: list[str] = field(default_factory=list)
    manifest: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class ManifestStorage:
    """Write collected files into `root`: originals, hashed copies, gzip and the manifest."""

    manifest_name = MANIFEST_NAME

    def __init__(self, root: str | Path, static_url: str = "/static/") -> None:
        self.root = Path(root)
        self.static_url = static_url

    @property
    def manifest_path(self) -> Path:
        """The manifest's location: `<root>/staticfiles.json`."""
        return self.root / self.manifest_name

    def collect(self, files: Iterable[tuple[str, Path]], *, dry_run: bool = False) -> CollectResult:
        """Copy `(name, source path)` pairs into the root; return what was done."""
        sources = dict(files)
        if self.manifest_name in sources:
            raise ImproperlyConfigured(
                f"A static file is named {self.manifest_name!r}, the name of collectstatic's "
                f"manifest: rename it ({sources[self.manifest_name]})."
            )
        result = CollectResult()
        hasher = _Hasher(sources, self.static_url)
        for name, source in sources.items():
            original = source.read_bytes()
            written = self._write(self.root / name, original, dry_run)
            (result.copied if written else result.unmodified).append(name)
            digest, content = hasher.hashed(name, original)
            result.manifest[name] = hashed_name(name, digest)
            self._write(self.root / result.manifest[name], content, dry_run)
        result.warnings.extend(hasher.warnings)
        if not dry_run:
            manifest = {"version": MANIFEST_VERSION, "paths": result.manifest}
            text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
            atomic_write(self.manifest_path, text.encode())
        return result

    def _write(self, path: Path, content: bytes, dry_run: bool) -> bool:
        """Write `content` and its gzip variant unless already there; say if it changed."""
        unchanged = _same_content(path, content)
        if dry_run:
            return not unchanged
        gz_path = path.with_name(path.name + ".gz")
        if not unchanged:
            # A variant of the old content must never be served with the new one.
            with contextlib.suppress(FileNotFoundError):
                gz_path.unlink()
            atomic_write(path, content)
        if not gz_path.exists():
            compressed = gzip_variant(path.name, content)
            if compressed is not None:
                atomic_write(gz_path, compressed)
        return not unchanged

    def clear(self, *, dry_run: bool = False) -> int:
        """Delete everything inside the root (not the root itself); return the file count."""
        if not self.root.is_dir():
            return 0
        count = 0
        for entry in sorted(self.root.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                count += sum(1 for path in entry.rglob("*") if not path.is_dir())
                if not dry_run:
                    shutil.rmtree(entry)
            else:
                count += 1
                if not dry_run:
                    entry.unlink()
        return count


class _Hasher:
    """Compute hashed names and contents; a stylesheet's references are hashed first."""

    def __init__(self, sources: dict[str, Path], static_url: str) -> None:
        self.sources = sources
        self.static_url = static_url
        self.warnings: list[str] = []
        self.digests: dict[str, str] = {}
        # Rewritten stylesheets, kept until written; other files are never held in memory.
        self.stylesheets: dict[str, bytes] = {}
        self.in_progress: set[str] = set()

    def hashed(self, name: str, original: bytes | None = None) -> tuple[str, bytes]:
        """Return the hash and the content of the hashed copy of `name`."""
        content = self.stylesheets.get(name)
        if content is None:
            content = self.sources[name].read_bytes() if original is None else original
            if name.lower().endswith(".css"):
                self.in_progress.add(name)
                content = rewrite_css(content, name, self.static_url, self.digest_of)
                self.in_progress.discard(name)
                self.stylesheets[name] = content
        if name not in self.digests:
            self.digests[name] = file_hash(content)
        return self.digests[name], content

    def digest_of(self, referrer: str, target: str) -> str | None:
        """Return the hash of `target` as `referrer` refers to it, or None to leave it."""
        if target not in self.sources:
            self.warnings.append(
                f"{referrer} refers to {target}, which is not a collected static file: "
                f"the reference is left as it is."
            )
            return None
        if target in self.in_progress:
            # Two stylesheets that import each other: one of them keeps a plain name.
            self.warnings.append(
                f"{referrer} and {target} refer to each other: the reference to {target} "
                f"keeps its unhashed name."
            )
            return None
        if target in self.digests:
            return self.digests[target]
        return self.hashed(target)[0]


def rewrite_css(
    content: bytes,
    name: str,
    static_url: str,
    digest_of: Callable[[str, str], str | None],
) -> bytes:
    """Return the stylesheet `name` with references to collected files given hashed names.

    `digest_of(name, target)` returns the hash of the collected file `target`, or None
    to leave the reference alone. Comments, data: URIs, fragments (#id), other sites
    and paths outside STATIC_URL are never touched.
    """
    # surrogateescape gives back the exact bytes of text that is not UTF-8.
    text = content.decode("utf-8", "surrogateescape")

    def replace(match: re.Match[str]) -> str:
        if match["comment"] is not None:
            return match[0]
        url = match["url"] if match["url_call"] is not None else match["iurl"]
        new_url = _hashed_url(url, name, static_url, digest_of)
        if new_url is None:
            return match[0]
        start, end = match.span("url" if match["url_call"] is not None else "iurl")
        offset = match.start()
        return match[0][: start - offset] + new_url + match[0][end - offset :]

    return CSS_REFERENCE.sub(replace, text).encode("utf-8", "surrogateescape")


def _hashed_url(
    url: str, name: str, static_url: str, digest_of: Callable[[str, str], str | None]
) -> str | None:
    url = url.strip()
    if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
        return None
    cut = min((index for index in (url.find("?"), url.find("#")) if index >= 0), default=len(url))
    path, rest = url[:cut], url[cut:]
    if not path or path.endswith("/"):
        return None
    if path.startswith("/"):
        if not path.startswith(static_url):
            return None
        target = path[len(static_url) :]
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if target == ".." or target.startswith("../"):
            return None
    digest = digest_of(name, unquote(target))
    if digest is None:
        return None
    # Only the last segment changes: the reference stays relative (or absolute) as written.
    return hashed_name(path, digest) + rest


def gzip_variant(name: str, content: bytes) -> bytes | None:
    """Return `content` gzipped when that is worth serving, else None."""
    suffix = name.rpartition(".")[2].lower()
    if not content or suffix in UNCOMPRESSED_SKIPPED:
        return None
    # mtime=0: the same content always gives the same bytes.
    compressed = gzip.compress(content, compresslevel=9, mtime=0)
    return compressed if len(compressed) <= len(content) * GZIP_MAX_RATIO else None


def atomic_write(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        # mkstemp makes the file private; the web server (nginx) must be able to read it.
        temporary.chmod(0o644)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _same_content(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def load_manifest(root: str | Path) -> dict[str, str] | None:
    """Return the manifest's {original: hashed} mapping, or None if there is no manifest.

    A manifest that cannot be read raises ImproperlyConfigured naming collectstatic.
    """
    path = Path(root) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"The static files manifest {str(path)!r} cannot be read ({exc}): run "
            f"'manage.py collectstatic --noinput' again."
        ) from exc
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in paths.items()
    ):
        raise ImproperlyConfigured(
            f"The static files manifest {str(path)!r} is not one collectstatic wrote: run "
            f"'manage.py collectstatic --noinput' again."
        )
    return paths


__all__ = [
    "MANIFEST_NAME",
    "CollectResult",
    "ManifestStorage",
    "atomic_write",
    "file_hash",
    "gzip_variant",
    "hashed_name",
    "load_manifest",
    "rewrite_css",
]
