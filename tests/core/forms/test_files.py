"""FileField: uploads stored under MEDIA_ROOT with sanitized names and a size limit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, String
from sqlalchemy.orm import Mapped, Session, mapped_column
from webob.multidict import MultiDict

from core.exceptions import ImproperlyConfigured
from core.forms import (
    DataRequired,
    FileField,
    Form,
    ModelForm,
    StringField,
    UploadedFile,
    get_valid_filename,
)
from core.forms.uploads import format_size
from core.http import Request
from orm import Model
from orm.session import create_database_engine


@dataclass
class Upload:
    """What WebOb puts in request.POST for a file part (a cgi.FieldStorage's attributes)."""

    filename: str
    content: bytes = b"content"
    type: str = "text/plain"
    file: io.BytesIO = field(init=False)

    def __post_init__(self) -> None:
        self.file = io.BytesIO(self.content)


class Unseekable(io.RawIOBase):
    """A stream whose size cannot be known before it is read."""

    def __init__(self, content: bytes) -> None:
        self._source = io.BytesIO(content)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise OSError("not seekable")

    def seek(self, offset: int, whence: int = 0) -> int:
        raise OSError("not seekable")

    def read(self, size: int = -1) -> bytes:
        return self._source.read(size)


class DocumentForm(Form):
    title = StringField()
    document = FileField(max_size=10)


class RequiredDocumentForm(Form):
    document = FileField(validators=[DataRequired()])


class FormsAttachment(Model):
    __tablename__ = "forms_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str | None] = mapped_column(String(200))


class AttachmentForm(ModelForm):
    path = FileField(upload_to="attachments")

    class Meta:
        model = FormsAttachment
        fields = ["path"]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine: Engine = create_database_engine(f"sqlite:///{tmp_path}/files.db")
    Model.metadata.create_all(engine, tables=[FormsAttachment.__table__])
    with Session(engine) as session:
        yield session
        session.rollback()
    Model.metadata.drop_all(engine, tables=[FormsAttachment.__table__])
    engine.dispose()


def stored_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


# Names


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\Users\\ada\\photo.jpg", "photo.jpg"),
        (".htaccess", "htaccess"),
        ("...", "file"),
        ("", "file"),
        ("my summer photo.jpg", "my_summer_photo.jpg"),
        ("résumé.pdf", "resume.pdf"),
        ("日本語.txt", "file.txt"),
        ("<script>.html", "script.html"),
        ("a;rm -rf $HOME.sh", "arm_-rf_HOME.sh"),
        ("/absolute/path.txt", "path.txt"),
    ],
)
def test_file_names_are_sanitized(name: str, safe: str) -> None:
    assert get_valid_filename(name) == safe


def test_a_long_file_name_is_shortened_keeping_its_extension() -> None:
    safe = get_valid_filename("x" * 300 + ".png")

    assert len(safe) == 100
    assert safe.endswith(".png")


@pytest.mark.parametrize(
    ("size", "text"), [(1, "1 byte"), (512, "512 bytes"), (2048, "2 KB"), (5 * 1024**2, "5 MB")]
)
def test_sizes_are_written_for_people(size: int, text: str) -> None:
    assert format_size(size) == text


# Storing


def test_an_upload_is_stored_under_media_root(media: Path) -> None:
    form = DocumentForm({"document": Upload("notes.txt", b"hello")})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["document"] == "notes.txt"
    assert (media / "notes.txt").read_bytes() == b"hello"


def test_an_upload_from_request_post_is_stored(media: Path) -> None:
    request = Request.blank(
        "/", POST={"title": "Doc", "document": ("../../evil name.txt", b"from webob")}
    )

    form = DocumentForm(request.POST)

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Doc", "document": "evil_name.txt"}
    assert (media / "evil_name.txt").read_bytes() == b"from webob"


def test_files_given_apart_from_the_data_are_stored(media: Path) -> None:
    form = DocumentForm({"title": "Doc"}, files={"document": Upload("apart.txt")})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Doc", "document": "apart.txt"}


def test_a_climbing_name_stays_inside_media_root(media: Path, tmp_path: Path) -> None:
    form = DocumentForm({"document": Upload("../../../outside.txt")})

    assert form.is_valid()
    assert stored_files(media) == ["outside.txt"]
    assert not (tmp_path / "outside.txt").exists()


def test_a_dotfile_is_stored_without_its_leading_dot(media: Path) -> None:
    form = DocumentForm({"document": Upload(".htaccess")})

    assert form.is_valid()
    assert stored_files(media) == ["htaccess"]


def test_a_taken_name_gets_a_random_suffix(media: Path) -> None:
    first = DocumentForm({"document": Upload("same.txt", b"one")})
    second = DocumentForm({"document": Upload("same.txt", b"two")})
    first.is_valid()
    second.is_valid()

    path = second.cleaned_data["document"]

    assert path != "same.txt"
    assert path.startswith("same_")
    assert path.endswith(".txt")
    assert (media / "same.txt").read_bytes() == b"one"
    assert (media / path).read_bytes() == b"two"


def test_upload_to_names_a_subdirectory(settings: Any, media: Path) -> None:
    class AvatarForm(Form):
        avatar = FileField(upload_to="avatars/2024")

    form = AvatarForm({"avatar": Upload("me.png")})

    assert form.is_valid()
    assert form.cleaned_data["avatar"] == "avatars/2024/me.png"
    assert (media / "avatars" / "2024" / "me.png").is_file()


def test_upload_to_may_not_climb(media: Path) -> None:
    class ClimbingForm(Form):
        avatar = FileField(upload_to="../elsewhere")

    with pytest.raises(ImproperlyConfigured, match="upload_to"):
        ClimbingForm()


def test_a_file_over_the_size_limit_is_an_error(media: Path) -> None:
    form = DocumentForm({"document": Upload("big.txt", b"x" * 11)})

    assert not form.is_valid()
    assert form.errors == {"document": ["The file is too large (11 bytes); the limit is 10 bytes."]}


def test_a_file_over_the_size_limit_is_not_stored(media: Path) -> None:
    DocumentForm({"document": Upload("big.txt", b"x" * 11)}).is_valid()

    assert not media.exists() or stored_files(media) == []


def test_a_file_at_the_size_limit_is_accepted(media: Path) -> None:
    assert DocumentForm({"document": Upload("ok.txt", b"x" * 10)}).is_valid()


def test_a_stream_of_unknown_size_is_cut_at_the_limit(media: Path) -> None:
    upload = UploadedFile("stream.txt", Unseekable(b"x" * 50))  # type: ignore[arg-type]

    form = DocumentForm({"document": upload})

    assert not form.is_valid()
    assert form.errors == {"document": ["The file is larger than 10 bytes."]}
    assert stored_files(media) == []


def test_an_extension_outside_the_allowed_ones_is_an_error(media: Path) -> None:
    class ImageForm(Form):
        image = FileField(allowed_extensions=["png", ".JPG"])

    form = ImageForm({"image": Upload("page.html")})

    assert not form.is_valid()
    assert form.errors == {"image": ["Upload a file of one of these types: jpg, png."]}


def test_an_allowed_extension_is_accepted_in_any_case(media: Path) -> None:
    class ImageForm(Form):
        image = FileField(allowed_extensions=["png", "jpg"])

    assert ImageForm({"image": Upload("photo.JPG")}).is_valid()


def test_nothing_is_stored_when_another_field_is_invalid(media: Path) -> None:
    class TitledForm(Form):
        title = StringField(validators=[DataRequired()])
        document = FileField()

    form = TitledForm({"title": "", "document": Upload("kept-out.txt")})

    assert not form.is_valid()
    assert not media.exists() or stored_files(media) == []


def test_the_uploaded_file_is_given_to_a_clean_hook(media: Path) -> None:
    seen: list[str] = []

    class HookedForm(Form):
        document = FileField()

        def clean_document(self, value: UploadedFile) -> UploadedFile:
            seen.append(f"{value.filename} {value.content_type} {value.size}")
            return value

    assert HookedForm({"document": Upload("a.txt", b"abc")}).is_valid()
    assert seen == ["a.txt text/plain 3"]


# No upload


def test_no_upload_on_an_optional_field_is_none(media: Path) -> None:
    form = DocumentForm({"title": "x"})

    assert form.is_valid()
    assert form.cleaned_data["document"] is None


def test_an_empty_file_input_counts_as_no_upload(media: Path) -> None:
    form = DocumentForm(MultiDict([("title", "x"), ("document", "")]))

    assert form.is_valid()
    assert form.cleaned_data["document"] is None


def test_no_upload_keeps_the_initial_file(media: Path) -> None:
    form = RequiredDocumentForm({}, initial={"document": "stored/before.txt"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["document"] == "stored/before.txt"


def test_no_upload_on_a_required_field_is_an_error(media: Path) -> None:
    form = RequiredDocumentForm({})

    assert not form.is_valid()
    assert form.errors == {"document": ["This field is required."]}


# Configuration and rendering


def test_a_file_field_without_media_root_is_a_configuration_error(settings: Any) -> None:
    settings.MEDIA_ROOT = None

    with pytest.raises(ImproperlyConfigured, match="MEDIA_ROOT"):
        DocumentForm()


def test_media_url_has_a_default(settings: Any) -> None:
    assert settings.MEDIA_URL == "/media/"


def test_a_file_field_renders_a_file_input(media: Path) -> None:
    html = DocumentForm().document()

    assert 'type="file"' in html
    assert "value=" not in html


def test_a_form_with_a_file_field_is_multipart(media: Path) -> None:
    assert DocumentForm().is_multipart()


def test_a_form_without_a_file_field_is_not_multipart() -> None:
    class PlainForm(Form):
        title = StringField()

    assert not PlainForm().is_multipart()


# With a model


def test_a_model_form_saves_the_stored_path(media: Path, session: Session) -> None:
    form = AttachmentForm({"path": Upload("scan.pdf", b"%PDF")}, session=session)

    assert form.is_valid(), form.errors
    attachment = form.save()

    assert attachment.path == "attachments/scan.pdf"
    assert (media / attachment.path).read_bytes() == b"%PDF"


def test_a_model_form_update_without_upload_keeps_the_path(media: Path, session: Session) -> None:
    attachment = FormsAttachment(path="attachments/old.pdf")
    session.add(attachment)
    session.flush()

    form = AttachmentForm({}, instance=attachment, session=session)

    assert form.is_valid(), form.errors
    assert form.save().path == "attachments/old.pdf"
