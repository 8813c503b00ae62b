"""Settings validation: every problem reported at once, each with its fix."""

from __future__ import annotations

from typing import Any

import pytest

from core.conf import LazySettings
from core.exceptions import ImproperlyConfigured
from core.handlers import WSGIHandler

SOUND = {"SECRET_KEY": "a-long-random-test-key", "ALLOWED_HOSTS": ["example.com"]}


def problems(**options: Any) -> str:
    """Return the report of validating SOUND settings changed by `options`, or ""."""
    lazy = LazySettings()
    lazy.configure(**{**SOUND, **options})
    try:
        lazy.validate()
    except ImproperlyConfigured as exc:
        return str(exc)
    return ""


def test_sound_settings_pass() -> None:
    assert problems() == ""


def test_the_project_settings_pass(settings: Any) -> None:
    settings.validate()


def test_misspelt_setting_suggests_the_right_name() -> None:
    report = problems(MIDDLEWARES=[])

    assert "MIDDLEWARES is not a Stoa setting. Did you mean MIDDLEWARE?" in report


def test_misspelt_secret_key_suggests_the_right_name() -> None:
    assert "Did you mean SECRET_KEY?" in problems(SECRET_KY="x")


def test_a_project_setting_unlike_any_other_is_allowed() -> None:
    assert problems(MY_PROJECT_FLAVOUR="vanilla") == ""


def test_boolean_setting_refuses_a_string() -> None:
    report = problems(DEBUG="yes")

    assert "DEBUG must be True or False, not str ('yes')." in report


def test_list_setting_refuses_a_string() -> None:
    report = problems(ALLOWED_HOSTS="example.com")

    assert "ALLOWED_HOSTS must be a list of strings, not str" in report


def test_list_setting_accepts_a_tuple() -> None:
    assert problems(ALLOWED_HOSTS=("example.com",)) == ""


def test_list_of_strings_refuses_other_items() -> None:
    assert "MIDDLEWARE must be a list of strings" in problems(MIDDLEWARE=[object])


def test_integer_setting_refuses_a_boolean() -> None:
    report = problems(DATA_UPLOAD_MAX_MEMORY_SIZE=True)

    assert "DATA_UPLOAD_MAX_MEMORY_SIZE must be an integer or None, not bool" in report


def test_optional_setting_accepts_none() -> None:
    assert problems(DATA_UPLOAD_MAX_MEMORY_SIZE=None) == ""


def test_empty_secret_key_is_reported_with_a_way_to_make_one() -> None:
    report = problems(SECRET_KEY="  ")

    assert "SECRET_KEY is empty" in report
    assert "secrets.token_urlsafe" in report


def test_no_allowed_hosts_without_debug_is_reported() -> None:
    assert "ALLOWED_HOSTS is empty and DEBUG is off" in problems(ALLOWED_HOSTS=[])


def test_no_allowed_hosts_with_debug_is_fine() -> None:
    assert problems(ALLOWED_HOSTS=[], DEBUG=True) == ""


def test_url_in_allowed_hosts_is_reported() -> None:
    report = problems(ALLOWED_HOSTS=["https://example.com/"])

    assert "'https://example.com/' is a URL" in report


def test_databases_without_default_is_reported() -> None:
    assert "DATABASES has no 'default' entry" in problems(DATABASES={"other": "sqlite://"})


def test_middleware_listed_twice_is_reported() -> None:
    report = problems(MIDDLEWARE=["a.b.C", "a.b.C"])

    assert "MIDDLEWARE lists 'a.b.C' twice" in report


def test_static_url_without_trailing_slash_is_reported() -> None:
    assert "STATIC_URL must end with a slash: '/static/'." in problems(STATIC_URL="/static")


def test_proxy_ssl_header_must_name_an_environ_key() -> None:
    report = problems(SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https"))

    assert "SECURE_PROXY_SSL_HEADER names a WSGI environ key" in report


def test_trusted_proxies_take_addresses_and_networks() -> None:
    assert problems(TRUSTED_PROXIES=["127.0.0.1", "::1", "10.0.0.0/24", "fd00::/8"]) == ""


@pytest.mark.parametrize("entry", ["nginx.internal", "10.0.0.0/33", "127.0.0.1:80", ""])
def test_trusted_proxies_entry_that_is_no_address_is_reported(entry: str) -> None:
    report = problems(TRUSTED_PROXIES=[entry])

    assert f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network" in report
    assert "e.g. ['127.0.0.1', '10.0.0.0/24']" in report


def test_trusted_proxies_as_a_string_is_reported() -> None:
    report = problems(TRUSTED_PROXIES="127.0.0.1")

    assert "TRUSTED_PROXIES must be a list of strings, not str" in report


def test_unknown_templates_key_suggests_the_right_one() -> None:
    report = problems(TEMPLATES={"DIR": []})

    assert "TEMPLATES has an unknown key 'DIR'. Did you mean DIRS?" in report


def test_templates_dirs_may_be_paths(tmp_path: Any) -> None:
    assert problems(TEMPLATES={"DIRS": [tmp_path]}) == ""


def test_templates_app_dirs_must_be_a_boolean() -> None:
    assert "TEMPLATES['APP_DIRS'] must be True or False." in problems(TEMPLATES={"APP_DIRS": 1})


def test_every_problem_is_collected_into_one_report() -> None:
    report = problems(SECRET_KEY="", ALLOWED_HOSTS=[], APPEND_SLASH="no", MIDDLEWARES=[])

    assert report.startswith("4 problems in settings:")
    assert report.count("\n  - ") == 4


def test_report_names_the_settings_module(settings: Any) -> None:
    settings.DEBUG = "no"

    with pytest.raises(ImproperlyConfigured, match=r"1 problem in settings module 'tests\.project"):
        settings.validate()


def test_the_application_refuses_to_start_with_bad_settings(settings: Any) -> None:
    settings.SECRET_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is empty"):
        WSGIHandler()
