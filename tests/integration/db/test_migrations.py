"""A migration round trip in a project made by `stoa startproject`, on SQLite and PostgreSQL.

The migration files are generated once per backend (module fixture `history`); each test
copies the project into its own directory, gets a database of its own, and brings it to
the state it needs with the project's own commands.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import replace_in_file
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
"""
TITLE_LINE = "    title: Mapped[str] = mapped_column(String(200))\n"
# `title` becomes `headline` (same type: a rename candidate); `subtitle` is new and nullable.
RENAMED_LINES = (
    "    headline: Mapped[str] = mapped_column(String(200))\n"
    "    subtitle: Mapped[str | None] = mapped_column(String(100))\n"
)
# An --empty migration filled in by hand: creates a table, then fails.
FAILING_UPGRADE = """def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    raise RuntimeError("boom halfway through")
"""
# Operations name the table, except inside SQLite's `with op.batch_alter_table("article")`.
ON_ARTICLE = "(?:'article', )?"
REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([0-9a-f]+)['\"]", re.MULTILINE)


@dataclass(frozen=True)
class Migration:
    """A migration file generated once, to be copied into each test's project."""

    name: str
    source: str

    @property
    def revision(self) -> str:
        found = REVISION.search(self.source)
        assert found, self.source
        return found.group(1)

    @property
    def stem(self) -> str:
        """The name commands show: the file's name without `.py`."""
        return Path(self.name).stem

    def install(self, project: Project) -> None:
        (project.root / "migrations" / self.name).write_text(self.source, encoding="utf-8")


@dataclass(frozen=True)
class History:
    """A generated project with the Article model, and its two migrations."""

    template: Path
    original_models: str
    initial: Migration
    rename: Migration


def revision_of(path: Path) -> str:
    found = REVISION.search(path.read_text(encoding="utf-8"))
    assert found, path
    return found.group(1)


def rename_title(project: Project) -> None:
    models = project.root / MODELS_PATH
    source = models.read_text(encoding="utf-8")
    assert TITLE_LINE in source
    models.write_text(source.replace(TITLE_LINE, RENAMED_LINES), encoding="utf-8")


def new_migrations(project: Project, before: list[Path]) -> list[Path]:
    return [path for path in project.migration_files() if path not in before]


def one_line_without_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture(scope="module")
def history(backend: str, tmp_path_factory: pytest.TempPathFactory) -> History:
    """Generate the project once per backend, and its initial and rename migrations."""
    root = generate_project(tmp_path_factory.mktemp(f"template-{backend}"))
    original_models = (root / MODELS_PATH).read_text(encoding="utf-8")
    with database_for(backend, root) as url:
        project = Project(root, url)
        project.append_to(MODELS_PATH, ARTICLE)
        expect_ok(project.manage("makemigrations"))
        (initial_path,) = project.migration_files()
        expect_ok(project.manage("migrate"))
        rename_title(project)
        expect_ok(project.manage("makemigrations", stdin="y\n"))
        (rename_path,) = new_migrations(project, [initial_path])
    initial = Migration(initial_path.name, initial_path.read_text(encoding="utf-8"))
    rename = Migration(rename_path.name, rename_path.read_text(encoding="utf-8"))
    for path in (initial_path, rename_path):
        path.unlink()
    (root / MODELS_PATH).write_text(original_models + ARTICLE, encoding="utf-8")
    for leftover in root.glob("db.sqlite3*"):
        leftover.unlink()
    return History(root, original_models, initial, rename)


@pytest.fixture
def project(history: History, backend: str, tmp_path: Path) -> Iterator[Project]:
    """A copy of the project with the Article model, no migration, and an empty database."""
    root = copy_project(history.template, tmp_path)
    with database_for(backend, root) as url:
        yield Project(root, url)


@pytest.fixture
def pending(project: Project, history: History) -> Project:
    """The project with its initial migration written but not applied."""
    history.initial.install(project)
    return project


@pytest.fixture
def migrated(pending: Project) -> Project:
    """The project with its initial migration applied."""
    expect_ok(pending.manage("migrate"))
    return pending


@pytest.fixture
def with_row(migrated: Project) -> Project:
    """The migrated project with one article, titled "Hello"."""
    with connect(migrated.url) as engine, engine.begin() as connection:
        connection.execute(text("INSERT INTO article (id, title) VALUES (1, 'Hello')"))
    return migrated


@pytest.fixture
def renamed(with_row: Project, history: History) -> Project:
    """The project after renaming title to headline: the rename migration is pending."""
    rename_title(with_row)
    history.rename.install(with_row)
    return with_row


@pytest.fixture
def upgraded(renamed: Project) -> Project:
    """The project with both migrations applied."""
    expect_ok(renamed.manage("migrate"))
    return renamed


def article_values(url: str, column: str) -> list[str]:
    with connect(url) as engine, engine.connect() as connection:
        return list(connection.execute(text(f"SELECT {column} FROM article")).scalars())


# -- makemigrations ------------------------------------------------------------------------


def test_makemigrations_writes_a_migration_and_prints_its_name(project: Project) -> None:
    result = project.manage("makemigrations")

    assert result.returncode == 0, result.stderr
    (written,) = project.migration_files()
    assert written.name in result.stdout
    assert "create_table('article'" in written.read_text(encoding="utf-8")


def test_makemigrations_finds_no_changes_after_migrate(migrated: Project) -> None:
    before = migrated.migration_files()

    result = migrated.manage("makemigrations")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert migrated.migration_files() == before


def test_makemigrations_check_exits_zero_when_in_sync(migrated: Project) -> None:
    result = migrated.manage("makemigrations", "--check")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_makemigrations_check_exits_non_zero_when_models_are_ahead(migrated: Project) -> None:
    rename_title(migrated)
    before = migrated.migration_files()

    result = migrated.manage("makemigrations", "--check")

    assert result.returncode != 0, result.stdout
    assert "makemigrations" in result.stderr
    assert migrated.migration_files() == before


def test_makemigrations_detects_a_rename_when_confirmed(with_row: Project) -> None:
    rename_title(with_row)
    before = with_row.migration_files()

    result = with_row.manage("makemigrations", stdin="y\n")

    assert result.returncode == 0, result.stderr
    (written,) = new_migrations(with_row, before)
    source = written.read_text(encoding="utf-8")
    assert re.search(rf"alter_column\({ON_ARTICLE}'title',", source), source
    assert "new_column_name='headline'" in source
    assert not re.search(rf"drop_column\({ON_ARTICLE}'title'\)", source), source


def test_makemigrations_noinput_takes_a_rename_for_drop_and_add(with_row: Project) -> None:
    rename_title(with_row)
    # A default for the rows that exist, since the new column is NOT NULL.
    replace_in_file(
        with_row.root / MODELS_PATH,
        "\n    headline: Mapped[str] = mapped_column(String(200))\n",
        "\n    headline: Mapped[str] = mapped_column(String(200), default='')\n",
    )
    before = with_row.migration_files()

    result = with_row.manage("makemigrations", "--noinput")

    assert result.returncode == 0, result.stderr
    (written,) = new_migrations(with_row, before)
    source = written.read_text(encoding="utf-8")
    assert "new_column_name" not in source
    assert re.search(rf"drop_column\({ON_ARTICLE}'title'\)", source), source
    assert re.search(rf"add_column\({ON_ARTICLE}sa.Column\('headline'", source), source


def forget_every_model(project: Project, history: History) -> None:
    """Lose every model, as a project whose INSTALLED_APPS went wrong would."""
    (project.root / MODELS_PATH).write_text(history.original_models, encoding="utf-8")
    settings = project.root / "mysite" / "settings.py"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('    "core.auth",\n', "").replace('    "core.admin",\n', "")
    settings.write_text(text, encoding="utf-8")


def test_makemigrations_refuses_to_drop_every_table(migrated: Project, history: History) -> None:
    forget_every_model(migrated, history)
    before = migrated.migration_files()

    result = migrated.manage("makemigrations")

    assert result.returncode != 0, result.stdout
    assert "--force" in result.stderr
    one_line_without_traceback(result)
    assert migrated.migration_files() == before


def test_makemigrations_force_writes_a_migration_dropping_every_table(
    migrated: Project, history: History
) -> None:
    forget_every_model(migrated, history)
    before = migrated.migration_files()

    result = migrated.manage("makemigrations", "--force")

    assert result.returncode == 0, result.stderr
    (written,) = new_migrations(migrated, before)
    assert "drop_table('article')" in written.read_text(encoding="utf-8")


# -- migrate -------------------------------------------------------------------------------


def test_migrate_applies_the_pending_migration(pending: Project, history: History) -> None:
    result = pending.manage("migrate")

    assert result.returncode == 0, result.stderr
    assert history.initial.stem in result.stdout
    assert "article" in table_names(pending.url)
    assert column_names(pending.url, "article") == {"id", "title"}
    assert current_revision(pending.url) == history.initial.revision


def test_migrate_keeps_the_value_of_a_renamed_column(renamed: Project, history: History) -> None:
    result = renamed.manage("migrate")

    assert result.returncode == 0, result.stderr
    assert column_names(renamed.url, "article") == {"id", "headline", "subtitle"}
    assert article_values(renamed.url, "headline") == ["Hello"]
    assert current_revision(renamed.url) == history.rename.revision


def test_migrate_plan_lists_without_applying(renamed: Project, history: History) -> None:
    result = renamed.manage("migrate", "--plan")

    assert result.returncode == 0, result.stderr
    assert history.rename.stem in result.stdout
    assert history.initial.revision not in result.stdout
    assert current_revision(renamed.url) == history.initial.revision
    assert column_names(renamed.url, "article") == {"id", "title"}


def test_migrate_to_a_revision_prefix_goes_back_one_step(
    upgraded: Project, history: History
) -> None:
    result = upgraded.manage("migrate", history.initial.revision[:8])

    assert result.returncode == 0, result.stderr
    assert current_revision(upgraded.url) == history.initial.revision
    assert column_names(upgraded.url, "article") == {"id", "title"}
    assert article_values(upgraded.url, "title") == ["Hello"]


def test_migrate_zero_removes_the_tables(upgraded: Project) -> None:
    result = upgraded.manage("migrate", "zero")

    assert result.returncode == 0, result.stderr
    assert table_names(upgraded.url) <= {"alembic_version"}
    assert current_revision(upgraded.url) is None


@dataclass(frozen=True)
class FailedRun:
    """A `migrate` that ran a hand-written migration failing halfway."""

    project: Project
    name: str
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def failed_run(
    history: History, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FailedRun]:
    """Migrate, add an --empty migration that creates a table then raises, migrate again."""
    root = copy_project(history.template, tmp_path_factory.mktemp(f"failed-{backend}"))
    with database_for(backend, root) as url:
        project = Project(root, url)
        history.initial.install(project)
        expect_ok(project.manage("migrate"))
        before = project.migration_files()
        expect_ok(project.manage("makemigrations", "--empty", "-m", "fails halfway"))
        (written,) = new_migrations(project, before)
        source = written.read_text(encoding="utf-8")
        empty_upgrade = "def upgrade() -> None:\n    pass\n"
        assert empty_upgrade in source
        written.write_text(source.replace(empty_upgrade, FAILING_UPGRADE), encoding="utf-8")
        yield FailedRun(project, written.stem, project.manage("migrate"))


def test_failed_migration_exits_non_zero(failed_run: FailedRun) -> None:
    assert failed_run.result.returncode != 0, failed_run.result.stdout


def test_failed_migration_leaves_the_last_good_revision(
    failed_run: FailedRun, history: History
) -> None:
    url = failed_run.project.url

    assert current_revision(url) == history.initial.revision
    assert "article" in table_names(url)


def test_failed_migration_is_one_line_naming_it(failed_run: FailedRun) -> None:
    result = failed_run.result

    one_line_without_traceback(result)
    assert failed_run.name in result.stderr
    assert "boom halfway through" in result.stderr


def test_failed_migration_leaves_no_half_created_table(failed_run: FailedRun) -> None:
    # Transactional DDL: PostgreSQL's own; Stoa's SQLite connections issue a real BEGIN too.
    assert "half_done" not in table_names(failed_run.project.url)


def test_failed_migration_stays_pending(failed_run: FailedRun) -> None:
    result = failed_run.project.manage("showmigrations")

    assert result.returncode == 0, result.stderr
    assert f"[ ] {failed_run.name}" in result.stdout


# -- sqlmigrate, showmigrations ------------------------------------------------------------


def test_sqlmigrate_prints_the_sql_of_a_migration(renamed: Project, history: History) -> None:
    result = renamed.manage("sqlmigrate", history.rename.revision)

    assert result.returncode == 0, result.stderr
    assert "article" in result.stdout
    assert "headline" in result.stdout
    assert "UPDATE alembic_version" in result.stdout


def test_sqlmigrate_does_not_change_the_database(renamed: Project, history: History) -> None:
    result = renamed.manage("sqlmigrate", history.rename.revision)

    assert result.returncode == 0, result.stderr
    assert current_revision(renamed.url) == history.initial.revision
    assert column_names(renamed.url, "article") == {"id", "title"}
    assert article_values(renamed.url, "title") == ["Hello"]


def test_sqlmigrate_of_the_first_migration_creates_the_table(
    pending: Project, history: History
) -> None:
    result = pending.manage("sqlmigrate", history.initial.revision)

    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE article" in result.stdout
    assert "article" not in table_names(pending.url)


def test_showmigrations_marks_applied_and_pending(renamed: Project, history: History) -> None:
    result = renamed.manage("showmigrations")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[X] 0001_auth", result.stdout
    assert lines[-2] == f"[X] {history.initial.stem}", result.stdout
    assert lines[-1] == f"[ ] {history.rename.stem}", result.stdout


# -- check ---------------------------------------------------------------------------------


def test_check_warns_about_unapplied_migrations(pending: Project) -> None:
    result = pending.manage("check")

    assert result.returncode == 0, result.stderr
    assert "unapplied migration" in result.stderr
    assert "migrate" in result.stderr


def test_check_warns_about_model_changes_without_a_migration(migrated: Project) -> None:
    rename_title(migrated)

    result = migrated.manage("check")

    assert result.returncode == 0, result.stderr
    assert "no migration records" in result.stderr
    assert "makemigrations" in result.stderr


def test_check_is_quiet_when_migrations_are_in_sync(migrated: Project) -> None:
    result = migrated.manage("check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert result.stderr == ""


# -- bad database URLs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as startproject makes it: no model, no migration, no database used."""
    return generate_project(tmp_path_factory.mktemp("plain"))


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql+mysqldb://x/y", "pip install mysqlclient"),
        ("postgresql+asyncpg://x/y", "pip install asyncpg"),
        ("notadialect://x", "notadialect"),
    ],
)
def test_bad_database_url_is_a_one_line_error(plain_project: Path, url: str, named: str) -> None:
    result = Project(plain_project, url).manage("migrate")

    assert result.returncode != 0, result.stdout
    one_line_without_traceback(result)
    assert named in result.stderr
