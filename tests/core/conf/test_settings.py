"""The lazy settings object: loading, DATABASE_URL, configure() and override()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.conf import DEFAULTS, LazySettings, Settings, per_settings
from core.exceptions import ImproperlyConfigured

PROJECT = "tests.project.settings"


@pytest.fixture
def lazy(monkeypatch: pytest.MonkeyPatch) -> LazySettings:
    monkeypatch.setenv("STOA_SETTINGS_MODULE", PROJECT)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return LazySettings()


def test_settings_module_is_not_imported_before_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STOA_SETTINGS_MODULE", "tests.project.no_such_settings")
    lazy = LazySettings()

    with pytest.raises(ImproperlyConfigured, match="no_such_settings"):
        _ = lazy.DEBUG


def test_settings_module_values_are_read(lazy: LazySettings) -> None:
    assert lazy.ROOT_URLCONF == "tests.project.urls"


def test_defaults_fill_in_what_the_module_leaves_out(lazy: LazySettings) -> None:
    assert lazy.APPEND_SLASH is True


def test_module_name_is_known(lazy: LazySettings) -> None:
    assert lazy.module_name == PROJECT


def test_explicit_lists_only_what_the_module_set(lazy: LazySettings) -> None:
    assert "SECRET_KEY" in lazy.explicit
    assert "APPEND_SLASH" not in lazy.explicit


def test_missing_environment_variable_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOA_SETTINGS_MODULE", raising=False)
    lazy = LazySettings()

    with pytest.raises(ImproperlyConfigured, match="STOA_SETTINGS_MODULE") as info:
        _ = lazy.DEBUG
    assert "manage.py" in str(info.value)


def test_missing_environment_variable_means_not_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STOA_SETTINGS_MODULE", raising=False)

    assert not LazySettings().configured


def test_unimportable_settings_module_explains_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOA_SETTINGS_MODULE", "nowhere_to_be_found.settings")
    lazy = LazySettings()

    with pytest.raises(ImproperlyConfigured, match=r"'nowhere_to_be_found\.settings'") as info:
        _ = lazy.DEBUG
    assert "STOA_SETTINGS_MODULE" in str(info.value)


def test_missing_import_inside_the_settings_module_is_not_blamed_on_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "stoa_broken_settings.py").write_text("import stoa_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("STOA_SETTINGS_MODULE", "stoa_broken_settings")

    with pytest.raises(ModuleNotFoundError, match="stoa_no_such_dependency"):
        _ = LazySettings().DEBUG


def test_unknown_setting_is_an_attribute_error(lazy: LazySettings) -> None:
    with pytest.raises(AttributeError, match="NO_SUCH_SETTING"):
        _ = lazy.NO_SUCH_SETTING


def test_database_url_overrides_the_default_database(
    monkeypatch: pytest.MonkeyPatch, lazy: LazySettings
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/site")

    assert lazy.DATABASES["default"] == "postgresql+psycopg://u@db/site"


def test_database_url_keeps_the_other_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///other.db")

    configured = Settings(None, DATABASES={"default": "sqlite://", "replica": "sqlite:///r.db"})

    assert configured.values["DATABASES"] == {
        "default": "sqlite:///other.db",
        "replica": "sqlite:///r.db",
    }


def test_empty_database_url_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, lazy: LazySettings
) -> None:
    monkeypatch.setenv("DATABASE_URL", "")

    assert lazy.DATABASES == {"default": "sqlite://"}


def test_setting_a_value_is_seen_at_once(lazy: LazySettings) -> None:
    _ = lazy.DEBUG
    lazy.DEBUG = True

    assert lazy.DEBUG is True


def test_lower_case_setting_names_are_refused(lazy: LazySettings) -> None:
    with pytest.raises(AttributeError, match="upper case"):
        lazy.debug = True


def test_settings_cannot_be_deleted(lazy: LazySettings) -> None:
    with pytest.raises(AttributeError, match="override"):
        del lazy.DEBUG


def test_override_changes_settings_inside_the_block(lazy: LazySettings) -> None:
    with lazy.override(DEBUG=True, APPEND_SLASH=False):
        assert (lazy.DEBUG, lazy.APPEND_SLASH) == (True, False)


def test_override_restores_settings_after_the_block(lazy: LazySettings) -> None:
    _ = lazy.DEBUG
    with lazy.override(DEBUG=True):
        pass

    assert lazy.DEBUG is False


def test_override_restores_settings_after_an_exception(lazy: LazySettings) -> None:
    with pytest.raises(RuntimeError), lazy.override(DEBUG=True):
        raise RuntimeError

    assert lazy.DEBUG is False


def test_override_restores_what_was_explicit(lazy: LazySettings) -> None:
    with lazy.override(APPEND_SLASH=False):
        pass

    assert "APPEND_SLASH" not in lazy.explicit


def test_configure_replaces_the_module(lazy: LazySettings) -> None:
    _ = lazy.ROOT_URLCONF
    lazy.configure(ROOT_URLCONF="other.urls")

    assert lazy.ROOT_URLCONF == "other.urls"
    assert lazy.SECRET_KEY == ""


def test_configure_takes_a_module_and_options(lazy: LazySettings) -> None:
    lazy.configure(PROJECT, DEBUG=True)

    assert (lazy.DEBUG, lazy.ROOT_URLCONF) == (True, "tests.project.urls")


def test_configure_works_without_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STOA_SETTINGS_MODULE", raising=False)
    lazy = LazySettings()
    lazy.configure(SECRET_KEY="s")

    assert lazy.configured
    assert lazy.SECRET_KEY == "s"


def test_changing_settings_changes_the_generation(lazy: LazySettings) -> None:
    before = lazy.generation
    lazy.DEBUG = True

    assert lazy.generation != before


def test_appending_to_a_default_list_does_not_change_the_defaults(lazy: LazySettings) -> None:
    lazy.configure()
    lazy.STATICFILES_DIRS.append("somewhere")

    assert DEFAULTS["STATICFILES_DIRS"] == []


def test_as_dict_includes_defaults(lazy: LazySettings) -> None:
    values = lazy.as_dict()

    assert values["ROOT_URLCONF"] == "tests.project.urls"
    assert values["APPEND_SLASH"] is True


def test_per_settings_cache_is_rebuilt_after_a_change(settings: Any) -> None:
    calls: list[bool] = []

    @per_settings
    def build() -> bool:
        calls.append(settings.DEBUG)
        return bool(settings.DEBUG)

    build()
    build()
    settings.DEBUG = True

    assert build() is True
    assert calls == [False, True]
