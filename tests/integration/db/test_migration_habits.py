"""Migrations that behave as a Django user expects, in a project made by `stoa startproject`.

Every schema change is made on a table that already has rows, on SQLite and on
PostgreSQL: NOT NULL columns with and without defaults, `--check` with no migrated
database, numbered files and the names commands take, two branches and their merge,
data migrations, faking, squashing, type and server default changes, and bad input.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import REPO_ROOT, replace_in_file
from tests.integration.db.conftest import (
    PROJECT_NAME,
    Project,
    column_names,
    connect,
    copy_project,
    current_revision,
    database_for,
    expect_ok,
    generate_project,
    table_names,
)

pytestmark = pytest.mark.slow

MODELS_PATH = f"{PROJECT_NAME}/models.py"
ARTICLE = """

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Article(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str | None] = mapped_column(String(100))
"""
# With the newline before it: the models module's docstring has a similar example.
SUBTITLE = "\n    subtitle: Mapped[str | None] = mapped_column(String(100))\n"
ROWS = [(1, "first", "one"), (2, "second", None)]
# The migrations every new project starts with; the project's own are numbered after them.
BUILT_IN = sorted(
    path.stem for path in (REPO_ROOT / "project_template" / "migrations").glob("*.py")
)
LAST_BUILT_IN = BUILT_IN[-1]
OWN, NEXT, AFTER = (f"{len(BUILT_IN) + n:04d}" for n in (1, 2, 3))
REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@dataclass(frozen=True)
class Template:
    """A generated project with the Article model and its migration, OWN_create_article."""

    root: Path
    backend: str


@pytest.fixture(scope="module")
def template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = generate_project(tmp_path_factory.mktemp(f"habits-{backend}"))
    (root / MODELS_PATH).write_text(
        (root / MODELS_PATH).read_text(encoding="utf-8") + ARTICLE, encoding="utf-8"
    )
    with database_for(backend, root) as url:
        expect_ok(Project(root, url).manage("makemigrations", "--noinput"))
    for leftover in root.glob("db.sqlite3*"):
        leftover.unlink()
    return Template(root, backend)


@pytest.fixture
def sqlite_only(backend: str) -> None:
    """Run the test on SQLite only: the PostgreSQL run keeps one or two tests per point."""
    if backend != "sqlite":
        pytest.skip("covered on SQLite; on PostgreSQL the other tests of this point run")


@pytest.fixture
def fresh(template: Template, tmp_path: Path) -> Iterator[Project]:
    """A copy of the project with its migration files and an empty database."""
    root = copy_project(template.root, tmp_path)
    with database_for(template.backend, root) as url:
        yield Project(root, url)


@pytest.fixture
def site(fresh: Project) -> Project:
    """The project migrated, with two articles (one without a subtitle)."""
    expect_ok(fresh.manage("migrate"))
    with connect(fresh.url) as engine, engine.begin() as connection:
        for id_, title, subtitle in ROWS:
            connection.execute(
                text("INSERT INTO article (id, title, subtitle) VALUES (:i, :t, :s)"),
                {"i": id_, "t": title, "s": subtitle},
            )
    return fresh


def add_to_article(project: Project, *lines: str) -> None:
    project.append_to(MODELS_PATH, "".join(f"    {line}\n" for line in lines))


def rows(project: Project, columns: str) -> list[tuple[object, ...]]:
    with connect(project.url) as engine, engine.connect() as connection:
        query = f"SELECT {columns} FROM article ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query))]


def migration(project: Project, prefix: str) -> Path:
    (found,) = sorted((project.root / "migrations").glob(f"{prefix}*.py"))
    return found


def built_in(name: str) -> Path:
    return REPO_ROOT / "project_template" / "migrations" / f"{name}.py"


def revision_of(path: Path) -> str:
    found = REVISION.search(path.read_text(encoding="utf-8"))
    assert found, path
    return found.group(1)


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# -- 1. NOT NULL columns on tables with rows -----------------------------------------------


def test_new_not_null_columns_take_the_model_default_on_existing_rows(site: Project) -> None:
    add_to_article(
        site,
        "published: Mapped[bool] = mapped_column(default=False)",
        "views: Mapped[int] = mapped_column(default=3)",
    )

    expect_ok(site.manage("makemigrations", "--noinput"))
    expect_ok(site.manage("migrate"))

    assert migration(site, f"{NEXT}_").name == f"{NEXT}_add_article_published_views.py"
    assert rows(site, "published, views") == [(False, 3), (False, 3)]
    expect_ok(site.manage("makemigrations", "--check"))


@pytest.mark.usefixtures("sqlite_only")
def test_new_not_null_column_without_default_stops_under_noinput(site: Project) -> None:
    add_to_article(site, "rank: Mapped[int]")

    result = site.manage("makemigrations", "--noinput")

    one_line_error(result, "article.rank", "default", "--noinput")
    assert not list((site.root / "migrations").glob(f"{NEXT}_*"))


@pytest.mark.usefixtures("sqlite_only")
def test_one_off_value_typed_at_the_prompt_fills_existing_rows(site: Project) -> None:
    add_to_article(site, "rank: Mapped[int]")

    made = expect_ok(site.manage("makemigrations", stdin="'high'\n7\n"))
    expect_ok(site.manage("migrate"))

    assert "rank holds int values, not 'high'" in made.stdout
    assert rows(site, "rank") == [(7,), (7,)]


@pytest.mark.usefixtures("sqlite_only")
def test_empty_answer_at_the_prompt_stops_and_says_what_to_do(site: Project) -> None:
    add_to_article(site, "rank: Mapped[int]")

    result = site.manage("makemigrations", stdin="\n")

    one_line_error(result, "Stopped", "default")
    assert not list((site.root / "migrations").glob(f"{NEXT}_*"))


def test_nullable_column_made_not_null_fills_the_nulls_from_the_default(site: Project) -> None:
    replace_in_file(
        site.root / MODELS_PATH,
        SUBTITLE,
        "\n    subtitle: Mapped[str] = mapped_column(String(100), default='none yet')\n",
    )

    expect_ok(site.manage("makemigrations", "--noinput"))
    expect_ok(site.manage("migrate"))

    assert rows(site, "subtitle") == [("one",), ("none yet",)]
    assert "is_(None)" in migration(site, f"{NEXT}_").read_text(encoding="utf-8")


@pytest.mark.usefixtures("sqlite_only")
def test_nullable_column_made_not_null_without_default_stops_under_noinput(
    site: Project,
) -> None:
    replace_in_file(
        site.root / MODELS_PATH,
        SUBTITLE,
        "\n    subtitle: Mapped[str] = mapped_column(String(100))\n",
    )

    result = site.manage("makemigrations", "--noinput")

    one_line_error(result, "article.subtitle", "becomes NOT NULL")


# -- 2. --check and makemigrations without a migrated database -----------------------------


@pytest.mark.usefixtures("sqlite_only")
def test_check_passes_on_a_fresh_clone_without_a_database(fresh: Project) -> None:
    result = expect_ok(fresh.manage("makemigrations", "--check"))

    assert "No changes detected" in result.stdout
    assert not (fresh.root / "db.sqlite3").exists()
    assert current_revision(fresh.url) is None


def test_check_fails_on_a_fresh_clone_and_lists_the_changes(fresh: Project) -> None:
    add_to_article(fresh, "published: Mapped[bool] = mapped_column(default=False)")

    result = fresh.manage("makemigrations", "--check")

    one_line_error(result, "makemigrations")
    assert "add_column article.published" in result.stdout
    assert not (fresh.root / "db.sqlite3").exists()


@pytest.mark.usefixtures("sqlite_only")
def test_check_and_makemigrations_work_when_the_database_server_does_not_answer(
    fresh: Project,
) -> None:
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"
    add_to_article(fresh, "published: Mapped[bool] = mapped_column(default=False)")

    result = fresh.manage("makemigrations", "--check", url=unreachable)
    made = fresh.manage("makemigrations", "--noinput", url=unreachable)

    one_line_error(result, "makemigrations")
    assert "add_column article.published" in result.stdout
    expect_ok(made)
    assert "'published'" in migration(fresh, f"{NEXT}_").read_text(encoding="utf-8")


def test_makemigrations_before_migrate_writes_only_the_new_change(fresh: Project) -> None:
    add_to_article(fresh, "published: Mapped[bool] = mapped_column(default=False)")

    expect_ok(fresh.manage("makemigrations", "--noinput"))

    source = migration(fresh, f"{NEXT}_").read_text(encoding="utf-8")
    assert "'published'" in source
    assert "create_table" not in source
    assert current_revision(fresh.url) is None


# -- 3. file names and the names commands take ---------------------------------------------


def test_commands_take_a_number_a_file_name_or_an_alembic_id(site: Project) -> None:
    article = migration(site, f"{OWN}_create_article")
    revision = revision_of(article)

    listed = expect_ok(site.manage("showmigrations"))
    expect_ok(site.manage("migrate", LAST_BUILT_IN[:4]))
    after_number = current_revision(site.url)
    expect_ok(site.manage("migrate", f"{OWN}_create_article"))
    after_name = current_revision(site.url)
    expect_ok(site.manage("migrate", "zero"))
    expect_ok(site.manage("migrate", revision[:8]))
    sql = expect_ok(site.manage("sqlmigrate", OWN))

    expected = [f"[X] {name}" for name in [*BUILT_IN, f"{OWN}_create_article"]]
    assert listed.stdout.splitlines() == expected
    assert (after_number, after_name) == (revision_of(built_in(LAST_BUILT_IN)), revision)
    assert current_revision(site.url) == revision
    assert "CREATE TABLE article" in sql.stdout


@pytest.mark.usefixtures("sqlite_only")
def test_unknown_target_is_one_line(site: Project) -> None:
    one_line_error(site.manage("migrate", "0042"), "No migration matches '0042'", "showmigrations")
    one_line_error(site.manage("sqlmigrate", "nope"), "No migration matches 'nope'")


def branch(project: Project, name: str, table: str) -> None:
    """Write a migration as a second branch would have: another NEXT after OWN."""
    parent = revision_of(migration(project, f"{OWN}_"))
    (project.root / "migrations" / f"{NEXT}_{name}.py").write_text(
        f'"""{name}"""\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = '{name[:4]}{parent[:8]}'\ndown_revision = '{parent}'\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade() -> None:\n"
        f"    op.create_table('{table}', sa.Column('id', sa.Integer(), primary_key=True))\n\n\n"
        f"def downgrade() -> None:\n    op.drop_table('{table}')\n",
        encoding="utf-8",
    )


def test_two_branches_that_both_made_the_same_number_are_detected_and_merged(site: Project) -> None:
    branch(site, "tags", "tag")
    branch(site, "notes", "note")

    conflict = site.manage("migrate")
    ambiguous = site.manage("migrate", NEXT)
    expect_ok(site.manage("makemigrations", "--merge"))
    expect_ok(site.manage("migrate"))

    one_line_error(conflict, f"{NEXT}_notes", f"{NEXT}_tags", "makemigrations --merge")
    one_line_error(ambiguous, f"{NEXT}_notes, {NEXT}_tags", "full name")
    merge = migration(site, f"{AFTER}_")
    assert merge.name == f"{AFTER}_merge_{NEXT}_notes_{NEXT}_tags.py"
    assert current_revision(site.url) == revision_of(merge)
    assert {"tag", "note"} <= table_names(site.url)


# -- 4. data migrations, faking, squashing, type and default changes ----------------------

DATA_STEP = """def upgrade() -> None:
    from sqlalchemy import select

    from orm.migrations import historical

    with historical() as h:
        Article = h.models.article
        for article in h.session.scalars(select(Article)):
            article.title = article.title.upper()
"""


def test_a_data_migration_uses_the_orm_at_its_revision(site: Project) -> None:
    expect_ok(site.manage("makemigrations", "--empty", "-m", "upper titles"))
    path = migration(site, f"{NEXT}_upper_titles")
    replace_in_file(path, "def upgrade() -> None:\n    pass\n", DATA_STEP)

    expect_ok(site.manage("migrate"))

    assert rows(site, "title") == [("FIRST",), ("SECOND",)]


def forget_migrations(project: Project) -> None:
    """Make the database one that was built without Stoa's migrations (no history table)."""
    with connect(project.url) as engine, engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def test_fake_initial_adopts_an_existing_database(site: Project) -> None:
    forget_migrations(site)

    result = expect_ok(site.manage("migrate", "--fake-initial"))

    for name in [*BUILT_IN, f"{OWN}_create_article"]:
        assert f"Applying {name}... FAKED" in result.stdout
    assert current_revision(site.url) == revision_of(migration(site, f"{OWN}_"))
    assert rows(site, "id") == [(1,), (2,)]


@pytest.mark.usefixtures("sqlite_only")
def test_fake_records_without_running(site: Project) -> None:
    result = expect_ok(site.manage("migrate", "zero", "--fake"))

    assert f"Unapplying {OWN}_create_article... FAKED" in result.stdout
    assert current_revision(site.url) is None
    assert rows(site, "id") == [(1,), (2,)]


def test_squash_replaces_a_run_of_migrations_with_one_file(site: Project, tmp_path: Path) -> None:
    add_to_article(site, "views: Mapped[int] = mapped_column(default=0)")
    expect_ok(site.manage("makemigrations", "--noinput"))
    expect_ok(site.manage("migrate"))
    last = revision_of(migration(site, f"{NEXT}_"))

    expect_ok(site.manage("squashmigrations", OWN, NEXT))

    squashed = migration(site, f"{OWN}_")
    assert squashed.name == f"{OWN}_squashed_{NEXT}_add_article_views.py"
    assert not list((site.root / "migrations").glob(f"{NEXT}_*"))
    assert revision_of(squashed) == last
    listed = expect_ok(site.manage("showmigrations")).stdout
    assert f"[X] {OWN}_squashed_{NEXT}_add_article_views" in listed
    with database_for("sqlite" if site.url.startswith("sqlite") else "postgresql", tmp_path) as url:
        expect_ok(site.manage("migrate", url=url))
        assert column_names(url, "article") == {"id", "title", "subtitle", "views"}


def test_type_and_server_default_changes_are_detected_and_run_on_rows(site: Project) -> None:
    replace_in_file(
        site.root / MODELS_PATH,
        "\n    title: Mapped[str] = mapped_column(String(200))\n",
        "\n    title: Mapped[str] = mapped_column(String(300), server_default='untitled')\n",
    )

    made = expect_ok(site.manage("makemigrations", "--noinput"))
    expect_ok(site.manage("migrate"))

    source = migration(site, f"{NEXT}_").read_text(encoding="utf-8")
    assert "type_=sa.String(length=300)" in source, made.stdout
    assert "server_default=sa.text(\"'untitled'\")" in source or "'untitled'" in source
    assert rows(site, "title") == [("first",), ("second",)]
    expect_ok(site.manage("makemigrations", "--check"))


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.usefixtures("sqlite_only")
def test_a_migration_file_with_a_syntax_error_is_one_line(site: Project) -> None:
    broken = site.root / "migrations" / f"{NEXT}_broken.py"
    broken.write_text("revision = (\n", encoding="utf-8")

    for command in (["migrate"], ["showmigrations"], ["makemigrations", "--check"]):
        one_line_error(site.manage(*command), broken.name, "SyntaxError", "Fix the file")


def test_a_database_ahead_of_the_files_is_one_line(site: Project, tmp_path: Path) -> None:
    add_to_article(site, "views: Mapped[int] = mapped_column(default=0)")
    expect_ok(site.manage("makemigrations", "--noinput"))
    expect_ok(site.manage("migrate"))
    shutil.move(migration(site, f"{NEXT}_"), tmp_path / "kept.py")

    result = site.manage("migrate")
    recorded = expect_ok(site.manage("migrate", OWN, "--fake"))

    one_line_error(result, "ahead of these files", "--fake")
    assert f"{OWN}_create_article" in recorded.stdout
    assert current_revision(site.url) == revision_of(migration(site, f"{OWN}_"))
