"""The admin in a real browser: Chromium (headless) against a real server on 127.0.0.1.

Logs in, adds a novel with an inline chapter, searches, filters, edits and bulk-deletes,
at desktop width and at 375 px; screenshots of the index, changelist, change form and
delete confirmation go to build/screenshots/admin/ (git-ignored). Skipped when Playwright
or /usr/bin/chromium (Debian's chromium package) is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import clean_env

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO / "build" / "screenshots" / "admin"
PASSWORD = "correct horse battery staple 42"
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.slow

SETTINGS = """
DEBUG = True
SECRET_KEY = "browser-test-only-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["core.auth", "core.admin", "tests.core.admin.library"]
MIDDLEWARE = [
    "core.middleware.security.SecurityMiddleware",
    "core.middleware.sessions.SessionMiddleware",
    "core.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.auth.AuthenticationMiddleware",
    "core.middleware.messages.MessageMiddleware",
    "core.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.db.DatabaseMiddleware",
]
ROOT_URLCONF = "browser_urls"
DATABASES = {"default": "sqlite:///DB"}
PASSWORD_HASHERS = ["tests.core.auth.hashers.FastPBKDF2PasswordHasher"]
LOGGING = None
"""

URLS = """
from core import admin
from core.urls import path
from tests.core.admin.library.admin import register

register(admin.site)
urlpatterns = [path("admin/", admin.site.urls)]
"""

SETUP = """
import core
from orm import Model, session_scope
from orm.session import get_engine

core.setup()
Model.metadata.create_all(get_engine())
from core.auth.models import User
from tests.core.admin.library.models import Genre, Novel, Writer

with session_scope() as session:
    User.create_superuser("admin", PASSWORD, session=session)
    eliot, homer = Writer(name="George Eliot"), Writer(name="Homer")
    session.add_all([eliot, homer])
    session.add_all([
        Novel(title="Silas Marner", writer=eliot),
        Novel(title="Odyssey", writer=homer, genre=Genre.poetry, in_print=False),
        Novel(title="Iliad", writer=homer, genre=Genre.poetry),
    ])
""".replace("PASSWORD", repr(PASSWORD))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def sync_playwright() -> object:
    if not CHROMIUM.exists():
        pytest.skip(
            "no /usr/bin/chromium: install Debian's chromium package to run the browser test"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: pip install -e '.[test]'")
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    (root / "browser_settings.py").write_text(SETTINGS.replace("DB", str(root / "db.sqlite3")))
    (root / "browser_urls.py").write_text(URLS)
    env = clean_env(
        STOA_SETTINGS_MODULE="browser_settings", PYTHONPATH=os.pathsep.join([str(root), str(REPO)])
    )
    made = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SETUP)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    log = root / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "core.management",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=5)
                pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _fits(page: object) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"] + 1)


def test_admin_end_to_end_in_chromium(sync_playwright, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.set_default_timeout(TIMEOUT_MS)
            _walk_through(page, server)
            phone = browser.new_page(viewport={"width": 375, "height": 740})
            phone.set_default_timeout(TIMEOUT_MS)
            _narrow_screen(phone, server)
        finally:
            browser.close()


def _walk_through(page: object, server: str) -> None:
    p = page
    # Log in: the admin sends an anonymous visitor to its own login page.
    p.goto(f"{server}/admin/")
    assert "/admin/login/" in p.url
    p.screenshot(path=str(SCREENSHOTS / "login.png"))
    p.fill("#username", "admin")
    p.fill("#password", PASSWORD)
    p.click("button[type=submit]")
    p.wait_for_url(f"{server}/admin/")
    assert p.locator("h1").inner_text() == "Site administration"
    p.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)

    # Add a novel with an inline chapter.
    p.click("text=Novels >> nth=0")
    p.click("a.button.primary")
    p.fill("#title", "Middlemarch")
    p.select_option("#writer_id", label="George Eliot")
    p.fill("#published", "1871-12-01")
    p.fill("#chapter-0-title", "Prelude")
    p.fill("#chapter-0-pages", "3")
    p.click("text=Add another chapter")  # a third row, numbered 2, made by the script
    p.fill("#chapter-2-title", "Finale")
    p.click("button[name=_save]")
    assert "was added successfully" in p.locator(".messagelist").inner_text()

    # Search, then filter.
    p.fill("#searchbar", "middle")
    p.click(".searchbar button")
    assert p.locator("table.results tbody tr").count() == 1
    p.goto(f"{server}/admin/library/novel/")
    p.click(".filters >> text=Homer")
    rows = p.locator("table.results tbody th").all_inner_texts()
    assert sorted(rows) == ["Iliad", "Odyssey"]
    p.goto(f"{server}/admin/library/novel/")
    p.screenshot(path=str(SCREENSHOTS / "changelist.png"), full_page=True)

    # Edit it: the chapter is there; change the title.
    p.click("table.results >> text=Middlemarch")
    assert p.locator("#chapter-0-title").input_value() == "Prelude"
    assert p.locator("#chapter-1-title").input_value() == "Finale"
    p.screenshot(path=str(SCREENSHOTS / "change_form.png"), full_page=True)
    p.fill("#title", "Middlemarch, a study")
    p.click("button[name=_continue]")
    assert "was changed successfully" in p.locator(".messagelist").inner_text()
    assert p.locator("#title").input_value() == "Middlemarch, a study"

    # Bulk-delete two novels, through the confirmation page.
    p.goto(f"{server}/admin/library/novel/?q=iliad")
    p.check("input.action-select >> nth=0")
    p.goto(f"{server}/admin/library/novel/?o=title")
    p.check("tr:has-text('Iliad') input.action-select")
    p.check("tr:has-text('Odyssey') input.action-select")
    assert "2 of" in p.locator(".action-counter").inner_text()
    p.select_option("#action-select", "delete_selected")
    p.click(".actions-bar button")
    assert "Are you sure" in p.locator("main").inner_text()
    p.screenshot(path=str(SCREENSHOTS / "delete_confirmation.png"), full_page=True)
    p.click("button.danger")
    assert "Deleted 2 novels." in p.locator(".messagelist").inner_text()
    names = p.locator("table.results tbody th").all_inner_texts()
    assert sorted(names) == ["Middlemarch, a study", "Silas Marner"]


def _narrow_screen(page: object, server: str) -> None:
    p = page
    p.goto(f"{server}/admin/login/")
    p.fill("#username", "admin")
    p.fill("#password", PASSWORD)
    p.click("button[type=submit]")
    p.wait_for_url(f"{server}/admin/")
    for name, path in [
        ("index", "/admin/"),
        ("changelist", "/admin/library/novel/"),
        ("change_form", "/admin/library/novel/add/"),
    ]:
        p.goto(f"{server}{path}")
        p.screenshot(path=str(SCREENSHOTS / f"{name}-375.png"), full_page=True)
        assert _fits(p), f"{path} is wider than 375 px"
    p.goto(f"{server}/admin/library/novel/")
    p.click("table.results tbody th a >> nth=0")
    p.click("a.button.danger")
    assert "Are you sure" in p.locator("main").inner_text()
    p.screenshot(path=str(SCREENSHOTS / "delete_confirmation-375.png"), full_page=True)
    assert _fits(p), "the delete confirmation is wider than 375 px"
