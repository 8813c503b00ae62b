"""`collectstatic`: copy every static file into STATIC_ROOT, hashed, gzipped, with a manifest."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from core.conf import settings
from core.management.base import BaseCommand, CommandError, CommandParser
from core.staticfiles.finders import get_finder
from core.staticfiles.storage import ManifestStorage
from core.staticfiles.urls import get_manifest


class Command(BaseCommand):
    help = (
        "Copy static files from STATICFILES_DIRS and each app's static/ into STATIC_ROOT,\n"
        "with content-hashed copies, gzip variants and the staticfiles.json manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for deploy scripts).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete everything in STATIC_ROOT before copying.",
        )
        parser.add_argument(
            "--dry-run",
            "-n",
            action="store_true",
            help="Say what would be done without writing or deleting anything.",
        )

    def handle(
        self, interactive: bool = True, clear: bool = False, dry_run: bool = False, **options: Any
    ) -> None:
        root = self.static_root()
        finder = get_finder()
        _check_separate(root, finder.roots)
        for directory in settings.STATICFILES_DIRS:
            if not Path(directory).is_dir():
                self.stderr.write(
                    f"Warning: the STATICFILES_DIRS entry {str(directory)!r} is not a "
                    f"directory; it is skipped.\n"
                )
        if interactive and not dry_run:
            self.confirm(root, clear)
        storage = ManifestStorage(root, settings.STATIC_URL)
        prefix = "Pretending to delete" if dry_run else "Deleted"
        try:
            if clear:
                deleted = storage.clear(dry_run=dry_run)
                self.stdout.write(f"{prefix} {_files(deleted)} in {str(root)!r}.\n")
            result = storage.collect(finder.list_files(), dry_run=dry_run)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise CommandError(
                f"Cannot collect static files: {exc.strerror or exc}{where}."
            ) from exc
        # A server in this process (tests, a shell) must not keep the previous manifest.
        get_manifest.cache_clear()  # type: ignore[attr-defined]
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}\n")
        copied = f"{_files(len(result.copied), 'static')}"
        verb = "would be copied" if dry_run else "copied"
        self.stdout.write(
            f"{copied} {verb} to {str(root)!r}, {len(result.unmodified)} unmodified"
            + (" (dry run: nothing was written)." if dry_run else ", manifest written.")
            + "\n"
        )

    def static_root(self) -> Path:
        """Return STATIC_ROOT, or stop with the setting to set."""
        root = settings.STATIC_ROOT
        if not root:
            raise CommandError(
                "The STATIC_ROOT setting is not set: set it to the directory collectstatic "
                "copies files into, e.g. STATIC_ROOT = BASE_DIR / 'staticfiles'."
            )
        return Path(root).absolute()

    def confirm(self, root: Path, clear: bool) -> None:
        """Ask before overwriting (or, with --clear, deleting) files in STATIC_ROOT."""
        action = (
            "This will DELETE ALL FILES in it, then copy the static files there."
            if clear
            else "This will overwrite existing files."
        )
        self.stdout.write(
            f"You have requested to collect static files into {str(root)!r}.\n{action}\n"
            f"Type 'yes' to continue, or anything else to cancel: "
        )
        self.stdout.flush()
        answer = sys.stdin.readline()
        if answer.strip().lower() != "yes":
            reason = "" if answer else " (no answer on standard input; use --noinput)"
            raise CommandError(f"Collecting static files cancelled{reason}.")


def _check_separate(root: Path, sources: list[Path]) -> None:
    # Collecting into a source directory (or clearing one that holds sources) would copy
    # the output back in on the next run, or delete the project's own files.
    real_root = root.resolve()
    for source in sources:
        real_source = source.resolve()
        if real_root.is_relative_to(real_source) or real_source.is_relative_to(real_root):
            raise CommandError(
                f"STATIC_ROOT {str(root)!r} and the static files directory {str(source)!r} "
                f"overlap: STATIC_ROOT must be a directory of its own, outside every source."
            )


def _files(count: int, kind: str = "") -> str:
    noun = "file" if count == 1 else "files"
    return f"{count} {kind + ' ' if kind else ''}{noun}"
