"""Uploaded files: what a client sent, a safe name for it, and storage under MEDIA_ROOT."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from core.conf import settings
from core.exceptions import ImproperlyConfigured

CHUNK_SIZE = 64 * 1024
MAX_NAME_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class FileTooLarge(ValueError):
    """An upload turned out larger than the size limit while it was being stored."""


@dataclass
class UploadedFile:
    """A file a client uploaded: its (untrusted) name, its content and its size in bytes.

    Built from what WebOb puts in request.POST for a file part (a cgi.FieldStorage with
    `.filename`, `.file` and `.type`), or from any object with `.filename` and `.file`.
    """

    filename: str
    file: BinaryIO
    content_type: str = "application/octet-stream"
    size: int | None = None

    @classmethod
    def from_upload(cls, upload: Any) -> UploadedFile:
        """Wrap an upload object from request.POST (or a test's stand-in for one)."""
        if isinstance(upload, UploadedFile):
            return upload
        stream: BinaryIO = upload.file
        content_type = getattr(upload, "type", None) or "application/octet-stream"
        return cls(str(upload.filename), stream, str(content_type), _measure(stream))

    @property
    def safe_name(self) -> str:
        """The name the file is stored under (before any suffix added on collision)."""
        return get_valid_filename(self.filename)


def is_upload(value: object) -> bool:
    """Say whether a submitted value is a file part (with a name) rather than a string."""
    return bool(getattr(value, "filename", None)) and hasattr(value, "file")


def _measure(stream: BinaryIO) -> int | None:
    # WebOb spools file parts to a seekable temporary file; a stream that cannot seek is
    # measured while it is stored instead.
    try:
        position = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def get_valid_filename(name: str) -> str:
    """Return a file name safe to store: no directories, no leading dot, only [A-Za-z0-9._-].

    "../../etc/passwd" becomes "passwd", ".htaccess" "htaccess", "my report.pdf"
    "my_report.pdf", "résumé.pdf" "resume.pdf"; a name with nothing left becomes "file".
    """
    # Clients send Windows paths too ("C:\\Users\\x\\a.txt"): keep the last part only.
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("", re.sub(r"\s+", "_", ascii_name))
    if cleaned.startswith(".") and not base.startswith("."):
        # Only the extension survived ("日本.txt" -> ".txt"): keep it behind a stem.
        cleaned = "file" + cleaned
    cleaned = cleaned.lstrip(".")
    if not cleaned.strip("._-"):
        return "file"
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem:
        return cleaned[:MAX_NAME_LENGTH]
    extension = extension[:20]
    return stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension


def media_root() -> Path:
    """Return MEDIA_ROOT as an absolute path, or say how to set it."""
    root = settings.MEDIA_ROOT
    if not root:
        raise ImproperlyConfigured(
            "FileField stores uploads in MEDIA_ROOT, which is not set: set MEDIA_ROOT in "
            "your settings to a writable directory, e.g. MEDIA_ROOT = BASE_DIR / 'media'."
        )
    return Path(root).resolve()


def check_upload_to(upload_to: str) -> str:
    """Return `upload_to` as a clean relative directory, or refuse one that could climb."""
    path = PurePosixPath(upload_to.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ImproperlyConfigured(
            f"upload_to={upload_to!r} must be a relative directory inside MEDIA_ROOT, "
            f"without '..', e.g. upload_to='avatars'."
        )
    return "" if str(path) == "." else path.as_posix()


def store_upload(upload: UploadedFile, *, upload_to: str = "", max_size: int | None = None) -> str:
    """Write `upload` under MEDIA_ROOT/upload_to; return its path relative to MEDIA_ROOT.

    The name is sanitized; an existing file is never overwritten (a random suffix is
    added instead). Raises FileTooLarge, leaving nothing behind, past `max_size` bytes.
    """
    root = media_root()
    directory = root / check_upload_to(upload_to)
    directory.mkdir(parents=True, exist_ok=True)
    path, handle = _create_new_file(directory, upload.safe_name)
    try:
        with os.fdopen(handle, "wb") as target:
            _copy(upload.file, target, max_size)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path.relative_to(root).as_posix()


def _create_new_file(directory: Path, name: str) -> tuple[Path, int]:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate = name
    while True:
        path = directory / candidate
        try:
            # O_EXCL: two uploads of the same name at once cannot both get it.
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            candidate = f"{stem}_{secrets.token_hex(4)}{dot}{extension}"


def _copy(source: BinaryIO, target: BinaryIO, max_size: int | None) -> None:
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable():
        source.seek(0)  # measuring the size moved nothing, but a clean hook may have read
    written = 0
    while chunk := source.read(CHUNK_SIZE):
        written += len(chunk)
        if max_size is not None and written > max_size:
            raise FileTooLarge(f"The file is larger than {format_size(max_size)}.")
        target.write(chunk)


def format_size(size: int) -> str:
    """Return a byte count for people: 512 bytes, 2.5 KB, 10 MB."""
    if size < 1024:
        return f"{size} byte" + ("" if size == 1 else "s")
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
