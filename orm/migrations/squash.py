"""`squashmigrations FROM TO`: one file in place of a straight run of migrations.

The squashed file runs the same steps in the same order (schema and data alike), so it
builds the same schema on every backend; it takes the last migration's revision id, so a
database at TO, or past it, is at the squashed migration already and needs nothing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from alembic.script import Script

from orm.exceptions import MigrationError
from orm.migrations.history import Migrations, name_of

HEADER_NAMES = {"revision", "down_revision", "branch_labels", "depends_on"}


@dataclass(frozen=True)
class Squashed:
    """What a squash wrote and removed."""

    path: Path
    replaced: list[str]
    data_steps: list[str]


def squash(migrations: Migrations, start: str, end: str) -> Squashed:
    """Replace the migrations from `start` to `end` (both included) with one file."""
    chain = _chain(migrations, migrations.resolve(start), migrations.resolve(end))
    _refuse_database_inside(migrations, chain)
    parts = [_Module.read(script) for script in chain]
    first, last = chain[0], chain[-1]
    number = re.match(r"\d+", name_of(first))
    prefix = number.group(0) if number else f"{migrations.next_number():04d}"
    path = Path(first.path).with_name(f"{prefix}_squashed_{name_of(last)}.py")
    inside = {s.revision for s in chain}
    depends = sorted({d for s in chain for d in (s.dependencies or ()) if d not in inside})
    source = _render(parts, revision=last.revision, down=first.down_revision, depends=depends)
    compile(source, str(path), "exec")
    for script in chain:
        Path(script.path).unlink()
    path.write_text(source, encoding="utf-8")
    migrations.script  # noqa: B018 - load the new history, to fail now rather than at migrate
    return Squashed(
        path,
        [part.name for part in parts],
        [part.name for part in parts if part.has_data_steps],
    )


def _chain(migrations: Migrations, start: str, end: str) -> list[Script]:
    script = migrations.script
    chain: list[Script] = []
    found = script.get_revision(end)
    while found is not None:
        chain.append(found)
        if found.revision == start:
            break
        down = found.down_revision
        if down is None:
            raise MigrationError(
                f"{name_of(chain[0])} does not come after {migrations.name(start)}: "
                f"give FROM before TO (see 'python manage.py showmigrations')."
            )
        if not isinstance(down, str):
            raise MigrationError(
                f"{name_of(found)} merges two branches: squash the migrations before it or "
                f"after it, not across it."
            )
        found = script.get_revision(down)
    chain.reverse()
    for inner in chain[:-1]:
        if len(inner.nextrev) > 1:
            raise MigrationError(
                f"Two branches start after {name_of(inner)}: squash only a straight run of "
                f"migrations."
            )
    return chain


def _refuse_database_inside(migrations: Migrations, chain: list[Script]) -> None:
    try:
        current = set(migrations.current())
    except Exception:  # noqa: BLE001 - no database to ask is fine: squashing is about files
        return
    inside = [name_of(s) for s in chain[:-1] if s.revision in current]
    if inside:
        raise MigrationError(
            f"The database is at {inside[0]}, inside the migrations being squashed: migrate "
            f"it to {name_of(chain[-1])} first (and every other database that uses them)."
        )


@dataclass(frozen=True)
class _Module:
    name: str
    imports: list[str]
    helpers: dict[str, str]
    upgrade: str
    downgrade: str
    has_data_steps: bool

    @classmethod
    def read(cls, script: Script) -> _Module:
        path = Path(script.path)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, str(path))
        name = name_of(script)
        suffix = re.sub(r"\W", "_", name)
        imports: list[str] = []
        helpers: dict[str, str] = {}
        functions: dict[str, str] = {}
        for node in tree.body:
            text = ast.get_source_segment(source, node) or ""
            if isinstance(node, ast.Import | ast.ImportFrom):
                imports.append(text)
            elif isinstance(node, ast.FunctionDef) and node.name in ("upgrade", "downgrade"):
                functions[node.name] = re.sub(
                    rf"^def {node.name}\(", f"def _{node.name}_{suffix}(", text
                )
            elif _is_header(node):
                continue
            else:
                for defined in _names(node):
                    helpers[defined] = text
        missing = {"upgrade", "downgrade"} - functions.keys()
        if missing:
            raise MigrationError(f"{path.name} has no {' or '.join(sorted(missing))}() function.")
        data = any(
            marker in functions["upgrade"] for marker in ("op.execute(", "historical(", "get_bind(")
        )
        return cls(name, imports, helpers, functions["upgrade"], functions["downgrade"], data)


def _is_header(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # the docstring
    return bool(set(_names(node)) & HEADER_NAMES) and set(_names(node)) <= HEADER_NAMES


def _names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _render(parts: list[_Module], *, revision: str, down: object, depends: list[str]) -> str:
    helpers: dict[str, str] = {}
    for part in parts:
        for name, text in part.helpers.items():
            if helpers.get(name, text) != text:
                raise MigrationError(
                    f"Two of the migrations define {name} differently ({part.name} is one): "
                    f"rename one of them, then squash."
                )
            helpers[name] = text
    imports = list(dict.fromkeys(text for part in parts for text in part.imports))
    names = [part.name for part in parts]
    suffixes = [re.sub(r"\W", "_", name) for name in names]
    lines = [
        f'"""squashed {names[0]} to {names[-1]}',
        "",
        "Replaces: " + ", ".join(names),
        f"Revision: {revision}",
        '"""',
        "",
        *imports,
        "",
        f"revision: str = {revision!r}",
        f"down_revision: str | Sequence[str] | None = {down!r}",
        "branch_labels: str | Sequence[str] | None = None",
        f"depends_on: str | Sequence[str] | None = {(depends or None)!r}",
        "",
    ]
    if "from collections.abc import Sequence" not in imports:
        lines.insert(6, "from collections.abc import Sequence")
    lines += [f"\n\n{text}" for text in helpers.values()]
    for part in parts:
        lines += ["", "", part.upgrade, "", "", part.downgrade]
    lines += ["", "", "def upgrade() -> None:"]
    lines += [f"    _upgrade_{suffix}()" for suffix in suffixes]
    lines += ["", "", "def downgrade() -> None:"]
    lines += [f"    _downgrade_{suffix}()" for suffix in reversed(suffixes)]
    return re.sub(r"\n{3,}", "\n\n\n", "\n".join(lines)).strip() + "\n"
