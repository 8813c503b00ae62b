"""Migrations on Alembic, driven from code with Django's workflow.

One history per project, in its `migrations/` directory, with files named as Django
names them (`0002_add_article_published.py`). Alembic's environment (`orm/alembic/env.py`)
is Stoa's: projects have no alembic.ini and no env.py to keep.
"""

from __future__ import annotations

import io
import re
import tempfile
import traceback
import warnings
from argparse import Namespace
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, MetaData, event, inspect
from sqlalchemy.exc import CompileError, DBAPIError, OperationalError

from orm.exceptions import MigrationError
from orm.migrations import autogenerate
from orm.migrations.autogenerate import Ask, AskValue

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"
# `0002_add_article_published.py`: the number orders a folder's files, as in Django.
NUMBERED = re.compile(r"^(\d{4,})_")
VERSION_TABLE = autogenerate.VERSION_TABLE
# Told of each migration applied: ("upgrade" or "downgrade", its id, whether it was faked).
Report = Callable[[str, str, bool], None]


class DatabaseAheadError(MigrationError):
    """The database is at a migration that no file in the project has."""


@dataclass(frozen=True)
class Revision:
    """One migration: its Alembic id, file name, message and whether the database has it."""

    id: str
    message: str
    applied: bool
    path: str

    @property
    def name(self) -> str:
        """The file's name without `.py`, as commands show it: `0002_add_article_published`."""
        return Path(self.path).stem


def name_of(script: Script) -> str:
    """Return the file name (without `.py`) of one of Alembic's scripts."""
    return Path(script.path).stem


class Migrations:
    """The migrations of one project: its metadata, its database and its directory."""

    def __init__(self, engine: Engine, metadata: MetaData, directory: Path) -> None:
        self.engine = engine
        self.metadata = metadata
        self.directory = directory
        self.output = io.StringIO()

    def config(self, *, file_template: str | None = None, **attributes: Any) -> Config:
        """Return an Alembic Config for this project, built in code."""
        # Quiet: the commands report progress themselves, in Stoa's words.
        config = Config(output_buffer=self.output, cmd_opts=Namespace(quiet=True))
        config.set_main_option("script_location", str(ALEMBIC_DIR))
        config.set_main_option("version_locations", str(self.directory))
        config.set_main_option("path_separator", "os")
        config.set_main_option("file_template", file_template or "%%(rev)s_%%(slug)s")
        config.set_main_option("truncate_slug_length", str(autogenerate.NAME_LENGTH))
        config.set_main_option("sqlalchemy.url", self.engine.url.render_as_string(False))
        config.attributes.update({"engine": self.engine, "metadata": self.metadata, **attributes})
        return config

    @property
    def script(self) -> ScriptDirectory:
        """Alembic's view of the migrations directory, every file loaded and checked."""
        script = ScriptDirectory.from_config(self.config())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                script.get_heads()
            except Exception as exc:  # noqa: BLE001 - a user's file can raise anything
                raise MigrationError(self._load_error(exc)) from None
        for warning in caught:
            if "present more than once" in str(warning.message):
                raise MigrationError(
                    f"{warning.message} in {self.directory}: two migration files declare "
                    f"the same revision id; give one of them a new id (and fix its children)."
                )
        return script

    def _load_error(self, exc: BaseException) -> str:
        where = ""
        if isinstance(exc, SyntaxError) and exc.filename:
            where = f"{Path(exc.filename).name}, line {exc.lineno}"
        else:
            frames = [
                frame
                for frame in traceback.extract_tb(exc.__traceback__)
                if Path(frame.filename).parent == self.directory.resolve()
            ]
            if frames:
                where = f"{Path(frames[-1].filename).name}, line {frames[-1].lineno}"
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        found = f" ({where})" if where else ""
        return (
            f"A migration file in {self.directory} cannot be loaded{found}: "
            f"{type(exc).__name__}: {detail}. Fix the file, or remove it if it is not yours."
        )

    # -- reading state -----------------------------------------------------------------

    def database_exists(self) -> bool:
        """Tell whether the database is there to ask (a SQLite file is not made by asking)."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return True
        return url.database.startswith("file:") or Path(url.database).exists()

    def current(self) -> tuple[str, ...]:
        """Return the revisions the database is at (empty before the first migrate)."""
        if not self.database_exists():
            return ()
        with self.engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())

    def revisions(self) -> list[Revision]:
        """Return every migration, oldest first, marking the applied ones."""
        script = self.script
        applied = self._applied(script)
        found = [
            Revision(s.revision, s.doc or "", s.revision in applied, s.path)
            for s in script.walk_revisions()
        ]
        return list(reversed(found))

    def pending(self) -> list[Revision]:
        """Return the migrations not yet applied, in the order they would run."""
        return [revision for revision in self.revisions() if not revision.applied]

    def model_changes(self) -> list[Any]:
        """Return the differences between the models and the database's schema."""
        with self.engine.connect() as connection:
            return self._compare(connection)

    def _compare(self, connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts=autogenerate.compare_options())
        return list(compare_metadata(context, self.metadata))

    def _applied(self, script: ScriptDirectory) -> set[str]:
        current = self.current()
        if not current:
            return set()
        unknown = [revision for revision in current if _lookup(script, revision) is None]
        if unknown:
            raise DatabaseAheadError(
                f"The database is at migration {', '.join(unknown)}, which no file in "
                f"{self.directory} has: the database is ahead of these files. Get the "
                f"missing migration files (e.g. pull them), or migrate the database back "
                f"from a checkout that has them (or, if its schema matches one of these "
                f"files, record that with 'migrate NAME --fake')."
            )
        return {s.revision for s in script.iterate_revisions(current, "base")}

    # -- making migrations -------------------------------------------------------------

    def make(
        self,
        message: str | None = None,
        *,
        empty: bool = False,
        ask: Ask | None = None,
        ask_value: AskValue | None = None,
        force: bool = False,
    ) -> Script | None:
        """Write a migration for the model changes; return None when there are none.

        The models are compared with the schema the migration files build, which needs no
        migrated database: one behind the files is compared through a scratch database
        brought to the latest migration (see `_at_latest`), as in Django.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        self._single_head()
        if empty:
            return self._write_revision({}, message, empty=True, ask=ask, ask_value=ask_value)
        with self._at_latest() as attributes:
            return self._write_revision(
                attributes, message, empty=False, ask=ask, ask_value=ask_value, force=force
            )

    def merge(self, message: str | None = None) -> Script | None:
        """Write a migration that joins the latest revisions of two branches; None if one."""
        heads = self.script.get_heads()
        if len(heads) < 2:
            return None
        names = [self.name(head) for head in heads]
        try:
            result = command.merge(
                self.config(file_template=self._numbered_template()),
                revisions=list(heads),
                message=message or "merge " + " ".join(names),
            )
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc
        return result

    def check(self) -> list[str]:
        """Return the model changes that no migration records (empty: in sync)."""
        self._single_head()
        with self._at_latest() as attributes:
            engine = attributes.get("engine", self.engine)
            connection = attributes.get("connection")
            if connection is not None:
                return autogenerate.summarize(self._compare(connection))
            with engine.connect() as fresh:
                return autogenerate.summarize(self._compare(fresh))

    @contextmanager
    def _at_latest(self) -> Iterator[dict[str, Any]]:
        """Yield config attributes naming a database at the latest migration.

        The project's own database when it is there; else, on PostgreSQL, the project's
        database with the missing migrations applied inside a transaction that is rolled
        back; else (SQLite, MySQL, or a server that does not answer) a scratch SQLite
        database that the history is run on.
        """
        try:
            behind = bool(self.pending())
        except (OperationalError, DBAPIError):
            behind = None  # no database to ask: the history is built elsewhere
        if behind is False:
            yield {}
            return
        if behind is True and self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                transaction = connection.begin()
                try:
                    command.upgrade(self.config(connection=connection), "heads")
                    yield {"connection": connection}
                finally:
                    transaction.rollback()
            return
        with self._scratch() as scratch:
            yield {"engine": scratch.engine}

    def _write_revision(
        self,
        attributes: dict[str, Any],
        message: str | None,
        *,
        empty: bool,
        ask: Ask | None,
        ask_value: AskValue | None,
        force: bool = False,
    ) -> Script | None:
        first = next(iter(self.script.walk_revisions()), None) is None

        def process(context: Any, revision: Any, directives: list[Any]) -> None:
            script = directives[0]
            if empty:
                return
            if script.upgrade_ops.is_empty():
                directives[:] = []
                return
            autogenerate.detect_renames(script, ask)
            if not force:
                autogenerate.refuse_dropping_everything(script, self.metadata)
            if message is None:
                script.message = autogenerate.describe(script.upgrade_ops, first=first)
            autogenerate.fill_existing_rows(script, self.metadata, ask_value)

        try:
            result = command.revision(
                self.config(file_template=self._numbered_template(), **attributes),
                message=message or ("data migration" if empty else "migration"),
                autogenerate=not empty,
                process_revision_directives=process,
            )
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc
        if isinstance(result, list):
            result = result[0] if result else None
        return result

    def next_number(self) -> int:
        """Return the number of the next migration file: one past the highest in the folder."""
        names = [path.name for path in self.directory.glob("*.py")]
        numbers = [int(found.group(1)) for name in names if (found := NUMBERED.match(name))]
        return (max(numbers) if numbers else len(names)) + 1

    def _numbered_template(self) -> str:
        return f"{self.next_number():04d}_%%(slug)s"

    def _single_head(self) -> None:
        heads = self.script.get_heads()
        if len(heads) > 1:
            names = " and ".join(self.name(head) for head in heads)
            raise MigrationError(
                f"Conflicting migrations: {names} are both latest (two branches each added "
                f"one): run 'python manage.py makemigrations --merge'."
            )

    # -- naming migrations -------------------------------------------------------------

    def name(self, revision: str) -> str:
        """Return the file name (without `.py`) of the migration with this Alembic id."""
        found = _lookup(self.script, revision)
        return name_of(found) if found is not None else revision

    def resolve(self, target: str | None) -> str:
        """Return the Alembic id `target` names: a number, a file name, an id or a prefix.

        None, "head" or "latest" name the latest migration; "zero" names the empty schema.
        """
        if target in (None, "", "head", "heads", "latest"):
            self._single_head()
            heads = self.script.get_heads()
            return heads[0] if heads else "base"
        if target == "zero":
            return "base"
        assert target is not None
        scripts = list(self.script.walk_revisions())
        wanted = target.removesuffix(".py")
        if wanted.isdigit():
            matches = [s for s in scripts if _number(name_of(s)) == int(wanted)]
        else:
            matches = [s for s in scripts if name_of(s) == wanted]
            matches = matches or [s for s in scripts if name_of(s).startswith(wanted)]
        matches = matches or [s for s in scripts if s.revision.startswith(wanted)]
        if len(matches) > 1:
            names = ", ".join(sorted(name_of(s) for s in matches))
            raise MigrationError(
                f"{target!r} names {len(matches)} migrations ({names}): give the full name."
            )
        if not matches:
            raise MigrationError(
                f"No migration matches {target!r}: run 'python manage.py showmigrations' "
                f"to see their names."
            )
        return matches[0].revision

    # -- applying migrations -----------------------------------------------------------

    def plan(self, target: str | None = None) -> tuple[str, list[Revision]]:
        """Return ("upgrade" or "downgrade", the migrations that would run, in order)."""
        resolved = self.resolve(target)
        script = self.script
        current = self.current()
        revisions = {r.id: r for r in self.revisions()}
        if resolved == "base" or (current and self._is_ancestor(script, resolved, current)):
            steps = [
                s.revision
                for s in script.iterate_revisions(current or "base", resolved)
                if s.revision != resolved
            ]
            return "downgrade", [revisions[r] for r in steps]
        steps = [
            s.revision
            for s in script.iterate_revisions(resolved, current or "base")
            if s.revision not in current
        ]
        return "upgrade", [revisions[r] for r in reversed(steps) if not revisions[r].applied]

    def migrate(
        self,
        target: str | None = None,
        *,
        report: Report | None = None,
        fake: bool = False,
        fake_initial: bool = False,
    ) -> list[str]:
        """Bring the database to `target` (default: the latest; "zero": before the first).

        Each migration runs in its own transaction where the backend allows it, so a
        failure leaves the database at the last migration that succeeded. `fake` records
        the migrations as applied without running them; `fake_initial` does so only for
        the first pending ones whose tables all exist already (adopting a database).
        """
        resolved = self.resolve(target)
        try:
            direction, steps = self.plan(target)
        except DatabaseAheadError:
            if not fake:
                raise
            # The database's revision is unknown here: record the target in its place.
            command.stamp(self.config(), resolved, purge=True)
            return [resolved]
        if fake:
            return self._fake(direction, steps, resolved, report)
        done: list[str] = []
        if fake_initial and direction == "upgrade":
            present = self._already_there(steps)
            if present:
                done += self._fake(direction, present, present[-1].id, report)
                steps = steps[len(present) :]

        def applied(step: Any) -> None:
            # The migration applied (upgrade) or unapplied (downgrade) by this step.
            label = str(step.up_revision_id)
            done.append(label)
            if report is not None:
                report(direction, label, False)

        config = self.config(on_version_apply_hook=applied)
        try:
            if direction == "upgrade":
                command.upgrade(config, resolved)
            else:
                command.downgrade(config, resolved)
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc
        except Exception as exc:
            at = ", ".join(self.name(r) for r in self.current()) or "no migration (empty)"
            failed = next((s.name for s in steps if s.id not in done), "?")
            error = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            detail = (str(error).strip().splitlines() or [""])[0]
            raise MigrationError(
                f"Migration {failed} failed: {type(error).__name__}: {detail}. "
                f"The database is at {at}."
            ) from exc
        return done

    def _fake(
        self,
        direction: str,
        steps: list[Revision],
        resolved: str,
        report: Report | None,
    ) -> list[str]:
        if not steps:
            return []
        try:
            command.stamp(self.config(), resolved)
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc
        if report is not None:
            for step in steps:
                report(direction, step.id, True)
        return [step.id for step in steps]

    def _already_there(self, steps: list[Revision]) -> list[Revision]:
        """Return the leading pending migrations whose tables and columns all exist."""
        existing = _columns(self.engine)
        present: list[Revision] = []
        for step, added in zip(steps, self._schema_added(steps), strict=True):
            wanted = sorted(
                f"{table}.{column}" for table, columns in added.items() for column in columns
            )
            there = [name for name in wanted if _has(existing, name)]
            if not there:
                break  # adds nothing, or nothing of it is there: it runs for real
            missing = [name for name in wanted if not _has(existing, name)]
            if missing:
                raise MigrationError(
                    f"Migration {step.name} adds columns that are only partly there "
                    f"(missing: {', '.join(missing[:5])}): the database matches it neither "
                    f"before nor after, so it can be neither faked nor run; fix the schema "
                    f"by hand first."
                )
            present.append(step)
        return present

    def _schema_added(self, steps: list[Revision]) -> list[dict[str, set[str]]]:
        """Return, for each migration, the columns it adds, by table (run on scratch SQLite)."""
        added: list[dict[str, set[str]]] = []
        with self._scratch(target=self._parent_of(steps[0])) as scratch:
            before = _columns(scratch.engine)
            for step in steps:
                scratch.migrate(step.id)
                after = _columns(scratch.engine)
                delta = {name: columns - before.get(name, set()) for name, columns in after.items()}
                added.append({name: columns for name, columns in delta.items() if columns})
                before = after
        return added

    def _parent_of(self, step: Revision) -> str:
        found = _lookup(self.script, step.id)
        down = found.down_revision if found is not None else None
        if down is None:
            return "zero"
        return down if isinstance(down, str) else down[0]

    # -- showing SQL -------------------------------------------------------------------

    def sql(self, revision: str) -> str:
        """Return the SQL that migrating to `revision` from its parent would run."""
        script = self.script.get_revision(self.resolve(revision))
        if script is None:
            raise MigrationError(f"No migration {revision!r}.")
        down = script.down_revision
        start = "base" if down is None else down if isinstance(down, str) else down[0]
        if self.engine.dialect.name == "sqlite":
            return self._sql_by_dry_run(start, script.revision)
        self.output.seek(0)
        self.output.truncate()
        try:
            command.upgrade(self.config(), f"{start}:{script.revision}", sql=True)
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc
        return self.output.getvalue()

    @contextmanager
    def _scratch(self, target: str | None = None) -> Iterator[Migrations]:
        """Yield these migrations on a scratch SQLite database brought to `target`."""
        from orm.session import create_database_engine

        with tempfile.TemporaryDirectory(prefix="stoa-migrations-") as directory:
            engine = create_database_engine(f"sqlite:///{Path(directory) / 'scratch.sqlite3'}")
            try:
                scratch = Migrations(engine, self.metadata, self.directory)
                try:
                    scratch.migrate(target)
                except MigrationError as exc:
                    raise MigrationError(
                        f"The migration files could not be run on a scratch SQLite database "
                        f"({exc}): run 'python manage.py migrate' on the project's database "
                        f"first, then try again."
                    ) from None
                yield scratch
            finally:
                engine.dispose()

    def _sql_by_dry_run(self, start: str, revision: str) -> str:
        # SQLite's batch migrations reflect tables, which offline mode cannot do: run the
        # history on a scratch database and record what the migration executes.
        statements: list[str] = []

        def record(
            conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, *_: Any
        ) -> None:
            if statement.lstrip().upper().startswith(("PRAGMA", "SELECT", "BEGIN")):
                return
            compiled = getattr(context, "compiled", None)
            if parameters and compiled is not None and hasattr(compiled, "statement"):
                # A data step's values, written out as sqlmigrate on a server shows them.
                try:
                    statement = str(
                        compiled.statement.compile(
                            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
                        )
                    )
                except CompileError:
                    statement += f"  -- with {parameters!r}"
            statements.append(statement.strip() + ";")

        with self._scratch(target="zero" if start == "base" else start) as dry:
            event.listen(dry.engine, "before_cursor_execute", record)
            dry.migrate(revision)
        return "BEGIN;\n\n" + "\n\n".join(statements) + "\n\nCOMMIT;\n"

    def _is_ancestor(self, script: ScriptDirectory, revision: str, current: Sequence[str]) -> bool:
        ancestors = {s.revision for s in script.iterate_revisions(tuple(current), "base")}
        return revision in ancestors and revision not in current


def _lookup(script: ScriptDirectory, revision: str) -> Script | None:
    try:
        return script.get_revision(revision)
    except CommandError:
        return None


def _number(name: str) -> int | None:
    found = NUMBERED.match(name)
    return int(found.group(1)) if found else None


def _has(existing: dict[str, set[str]], name: str) -> bool:
    table, _, column = name.partition(".")
    return column in existing.get(table, set())


def _columns(engine: Engine) -> dict[str, set[str]]:
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {
            name: {column["name"] for column in inspector.get_columns(name)}
            for name in inspector.get_table_names()
            if name != VERSION_TABLE
        }
