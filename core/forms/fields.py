"""Stoa's own fields: DateTimeField for datetime-local inputs, FileField for uploads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import wtforms  # type: ignore[import-untyped, unused-ignore]

from core.forms.uploads import (
    UploadedFile,
    check_upload_to,
    format_size,
    is_upload,
    media_root,
    store_upload,
)
from core.forms.validators import ValidationError

DATETIME_FORMATS = [
    # The first is what a datetime-local input shows; seconds would fail its default step.
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]


class DateTimeField(wtforms.DateTimeLocalField):  # type: ignore[misc, unused-ignore]
    """A datetime.datetime, entered in an `<input type="datetime-local">`.

    WTForms' own DateTimeField renders the obsolete `type="datetime"` and is deprecated;
    this one accepts "2024-05-01T09:30", with seconds, or with a space instead of "T".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", list(DATETIME_FORMATS))
        super().__init__(*args, **kwargs)


class FileField(wtforms.FileField):  # type: ignore[misc, unused-ignore]
    """An uploaded file, stored under MEDIA_ROOT once the whole form is valid.

        avatar = FileField("Avatar", max_size=2 * 1024 * 1024, upload_to="avatars",
                           allowed_extensions=["png", "jpg"])

    Before storing, `data` is an UploadedFile (so validators and `clean_<name>` hooks can
    look at it); once the form is valid the file is written under a sanitized name and
    `cleaned_data[name]` is its path relative to MEDIA_ROOT ("avatars/me.png"). When
    nothing is uploaded the value is the initial one (the path already stored, on an
    update) or None. To require a file use DataRequired(), which also accepts a file
    stored before.
    """

    data: Any  # an UploadedFile, a stored path (str) or None

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Any] | None = None,
        *,
        max_size: int | None = None,
        upload_to: str = "",
        allowed_extensions: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        media_root()  # fail when the form is built, not after the user has sent a file
        super().__init__(label, validators, **kwargs)
        self.max_size = max_size
        self.upload_to = check_upload_to(upload_to)
        self.allowed_extensions = (
            None
            if allowed_extensions is None
            else {extension.lower().lstrip(".") for extension in allowed_extensions}
        )

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the first uploaded file; with none, keep the initial value."""
        for value in valuelist:
            if is_upload(value):
                self.data = UploadedFile.from_upload(value)
                return

    def pre_validate(self, form: Any) -> None:
        """Refuse a file over `max_size` or with an extension that is not allowed."""
        upload = self.data
        if not isinstance(upload, UploadedFile):
            return
        if self.max_size is not None and upload.size is not None and upload.size > self.max_size:
            raise ValidationError(
                f"The file is too large ({format_size(upload.size)}); "
                f"the limit is {format_size(self.max_size)}."
            )
        if self.allowed_extensions is not None:
            extension = upload.safe_name.rpartition(".")[2].lower()
            if "." not in upload.safe_name or extension not in self.allowed_extensions:
                allowed = ", ".join(sorted(self.allowed_extensions))
                raise ValidationError(f"Upload a file of one of these types: {allowed}.")

    def store(self) -> str | None:
        """Write the uploaded file under MEDIA_ROOT; return its relative path (or the initial)."""
        upload = self.data
        if not isinstance(upload, UploadedFile):
            return upload if isinstance(upload, str) and upload else None
        path = store_upload(upload, upload_to=self.upload_to, max_size=self.max_size)
        self.data = path
        return path
