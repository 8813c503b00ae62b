"""ModelAdmin options: checked at registration with the fix in the message; fields,
fieldsets, exclude, form, raw_id_fields, readonly_fields; registration and autodiscovery."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core import admin
from core.exceptions import ImproperlyConfigured
from core.forms import ModelForm, StringField
from tests.core.admin.library.models import Chapter, Novel, Writer

NOVELS = "/admin/library/novel/"


def make(model=Novel, **options):
    site = admin.AdminSite(name="checks")
    site.register(model, admin.ModelAdmin, **options)
    return site.registry[model]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"list_display": ["titel"]}, ["list_display", "'titel'", "title"]),
        ({"list_display_links": ["genre"]}, ["list_display_links", "'genre'"]),
        ({"list_filter": ["nothing"]}, ["list_filter", "'nothing'"]),
        ({"search_fields": ["writer__nam"]}, ["search_fields", "'nam'", "Writer"]),
        ({"search_fields": ["chapters"]}, ["search_fields", "column"]),
        ({"ordering": ["-titel"]}, ["ordering", "'-titel'"]),
        ({"date_hierarchy": "title"}, ["date_hierarchy", "Date"]),
        ({"fields": ["title", "nope"]}, ["fields", "'nope'"]),
        ({"raw_id_fields": ["title"]}, ["raw_id_fields", "'title'", "writer_id"]),
        ({"readonly_fields": ["ghost"]}, ["readonly_fields", "'ghost'"]),
        ({"actions": [42]}, ["actions", "42"]),
    ],
)
def test_a_wrong_option_is_reported_with_its_name(admin_settings, options, words):
    with pytest.raises(ImproperlyConfigured) as caught:
        make(**options)

    for word in words:
        assert word in str(caught.value)


def test_a_model_with_a_composite_key_is_refused(admin_settings):
    from tests.core.admin.library.models import Favourite

    with pytest.raises(ImproperlyConfigured, match="one-column key"):
        make(Favourite)


def test_registering_twice_is_refused(admin_settings):
    site = admin.AdminSite(name="twice")
    site.register(Writer)

    with pytest.raises(admin.AlreadyRegistered, match="unregister"):
        site.register(Writer)


def test_registering_something_that_is_not_a_model_is_refused(admin_settings):
    with pytest.raises(ImproperlyConfigured, match="not a mapped model"):
        admin.AdminSite().register(str)


def test_the_register_decorator_registers_on_the_given_site(admin_settings):
    site = admin.AdminSite(name="decorated")

    @admin.register(Writer, site=site)
    class WriterAdmin(admin.ModelAdmin[Writer]):
        search_fields = ["name"]

    assert isinstance(site.registry[Writer], WriterAdmin)


def test_register_needs_a_model():
    with pytest.raises(ValueError, match="at least one model"):
        admin.register()


def test_fields_choose_and_order_the_form(admin_client, site, novels):
    site.unregister(Novel)
    site.register(Novel, fields=["writer_id", "title"])

    text = admin_client.get(f"{NOVELS}{novels[0].id}/change/").text

    assert text.index('name="writer_id"') < text.index('name="title"')
    assert 'name="summary"' not in text


def test_exclude_leaves_columns_out(admin_client, site, novels):
    site.unregister(Novel)
    site.register(Novel, exclude=["summary", "pages"])

    text = admin_client.get(f"{NOVELS}{novels[0].id}/change/").text

    assert 'name="title"' in text
    assert 'name="summary"' not in text
    assert 'name="pages"' not in text


def test_fieldsets_group_fields_with_titles_lines_and_readonly_values(admin_client, site, novels):
    site.unregister(Novel)
    site.register(
        Novel,
        readonly_fields=["title_length"],
        fieldsets=[
            (None, {"fields": ["title", ("genre", "in_print")]}),
            ("More", {"fields": ["writer_id", "title_length"], "description": "The rest."}),
            ("Hidden", {"fields": ["summary"], "classes": ["collapse"]}),
        ],
    )

    text = admin_client.get(f"{NOVELS}{novels[0].id}/change/").text

    assert "<legend>More</legend>" in text
    assert "The rest." in text
    assert '<div class="form-row multi">' in text
    assert "<summary>Hidden</summary>" in text
    assert 'class="field readonly field-title_length"' in text
    assert '<div class="readonly-value">4</div>' in text


def test_fieldsets_save_what_they_show(admin_client, site, novels, db):
    site.unregister(Novel)
    site.register(Novel, fieldsets=[(None, {"fields": ["title", "writer_id"]})])

    response = admin_client.post(
        f"{NOVELS}{novels[0].id}/change/", {"title": "Emma!", "writer_id": str(novels[0].writer_id)}
    )

    assert response.status_code == 302
    db.refresh(novels[0])
    assert novels[0].title == "Emma!"
    assert novels[0].genre.name == "fiction"


class ShoutingForm(ModelForm):
    nickname = StringField("Nickname")

    class Meta:
        model = Writer
        fields = ["name"]

    def clean_name(self, value):
        if value != value.upper():
            from core.forms import ValidationError

            raise ValidationError("Write the name in capitals.")
        return value


def test_a_custom_form_validates_and_saves(admin_client, site, db):
    site.unregister(Writer)
    site.register(Writer, form=ShoutingForm)

    refused = admin_client.post("/admin/library/writer/add/", {"name": "quiet"})
    accepted = admin_client.post("/admin/library/writer/add/", {"name": "LOUD", "nickname": "x"})

    assert refused.status_code == 200
    assert "Write the name in capitals." in refused.text
    assert 'name="nickname"' in refused.text
    assert 'name="born"' not in refused.text
    assert accepted.status_code == 302
    assert db.query(Writer).filter_by(name="LOUD").one()


def test_raw_id_fields_take_a_key_and_check_it(admin_client, site, novels, db):
    site.unregister(Novel)
    site.register(Novel, fields=["title", "writer_id"], raw_id_fields=["writer_id"])
    path = f"{NOVELS}{novels[0].id}/change/"

    page = admin_client.get(path)
    bad = admin_client.post(path, {"title": "Emma", "writer_id": "987654"})
    good = admin_client.post(path, {"title": "Emma", "writer_id": str(novels[2].writer_id)})

    assert 'id="writer_id" name="writer_id" required type="number"' in page.text
    assert "Homer</option>" not in page.text
    assert bad.status_code == 200
    assert "There is no row with the key 987654." in bad.text
    assert good.status_code == 302
    db.refresh(novels[0])
    assert novels[0].writer_id == novels[2].writer_id


def test_a_stacked_inline_renders_each_child_as_a_form(admin_client, site, novels):
    class ChapterStack(admin.StackedInline[Chapter]):
        model = Chapter
        extra = 1

    site.unregister(Novel)
    site.register(Novel, inlines=[ChapterStack])

    text = admin_client.get(f"{NOVELS}{novels[0].id}/change/").text

    assert "inline-group stacked" in text
    assert "New chapter" in text
    assert 'name="chapter-0-title"' in text


def test_verbose_names_come_from_the_class_name(admin_settings):
    model_admin = make(Writer)

    assert model_admin.get_verbose_name() == "writer"
    assert model_admin.get_verbose_name_plural() == "writers"


def test_autodiscover_imports_each_apps_admin_module(admin_settings):
    from core.admin import autodiscover

    sys.modules.pop("tests.core.admin.library.admin", None)
    autodiscover()

    from core.auth.models import Group, User

    assert "tests.core.admin.library.admin" in sys.modules
    assert admin.site.is_registered(User)  # core.auth's admin.py registers users and groups
    assert admin.site.is_registered(Group)


USER_ADMIN = textwrap.dedent(
    '''
    """A project's admin.py, type-checked as a user would."""
    from sqlalchemy import String
    from sqlalchemy.orm import Mapped, mapped_column

    from core import admin
    from core.http import Request
    from orm import Model


    class Article(Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200))


    @admin.register(Article)
    class ArticleAdmin(admin.ModelAdmin[Article]):
        list_display = ["title", "shout"]
        search_fields = ["title"]

        @admin.display(description="Loud")
        def shout(self, obj: Article) -> str:
            return obj.title.upper()

        def save_model(self, request: Request, obj: Article, form: object, change: bool) -> Article:
            return obj


    @admin.action(description="Archive")
    def archive(
        modeladmin: admin.ModelAdmin[Article], request: Request, objects: list[Article]
    ) -> None:
        return None
    '''
)


# The same model's admin, saving the wrong model: mypy must say so.
WRONG_ADMIN = USER_ADMIN.replace(
    "def save_model(self, request: Request, obj: Article,",
    "def save_model(self, request: Request, obj: int,",
).replace("-> Article:\n            return obj", "-> int:\n            return obj")


@pytest.mark.slow
def test_model_admin_of_a_model_type_checks_under_mypy_strict(tmp_path: Path):
    (tmp_path / "user_admin.py").write_text(USER_ADMIN)
    (tmp_path / "wrong_admin.py").write_text(WRONG_ADMIN)

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )

    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors, result.stdout
    assert all(line.startswith(str(tmp_path / "wrong_admin.py")) for line in errors), errors
    assert any("save_model" in line for line in errors), errors
