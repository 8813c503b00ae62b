"""`deployconfig`: the nginx site, the uWSGI ini and the systemd units, from the settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO_ROOT, call_command


@pytest.fixture
def static(settings: Any, tmp_path: Path) -> Path:
    """Give the test project a STATIC_ROOT (it has none)."""
    settings.STATIC_ROOT = str(tmp_path / "staticfiles")
    return tmp_path / "staticfiles"


def config(*args: str) -> str:
    result = call_command("deployconfig", *args)
    assert result.code == 0, result.err
    return result.out


def error(*args: str, code: int = 1) -> str:
    result = call_command("deployconfig", *args)
    assert result.code == code, result.out
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result.err
    return result.err


# nginx


def test_nginx_site_proxies_to_gunicorn_and_serves_static_root(static: Path) -> None:
    site = config("nginx")

    assert "upstream tests {\n    server 127.0.0.1:8000;\n}" in site
    assert "server_name localhost testserver .example.com;" in site
    assert f"location /static/ {{\n        alias {static}/;" in site
    assert "proxy_pass http://tests;" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Forwarded-Host $http_host;" in site
    assert "listen 80;" in site
    assert "ssl" not in site


def test_nginx_caches_hashed_names_for_ever_and_others_briefly(static: Path) -> None:
    site = config("nginx")

    assert 'location ~ "\\.[0-9a-f]{12}(\\.[A-Za-z0-9]+)?$" {' in site
    assert 'add_header Cache-Control "max-age=315360000, public, immutable";' in site
    assert "expires 60s;" in site
    assert "gzip_static on;" in site


def test_nginx_body_limit_is_the_framework_s(static: Path, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    assert "client_max_body_size 10000;" in config("nginx")


def test_nginx_sets_no_body_limit_when_the_framework_sets_none(static: Path, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None

    assert "client_max_body_size 0;" in config("nginx")


def test_nginx_upstream_lists_every_server_given(static: Path) -> None:
    site = config("nginx", "--upstream", "10.0.0.11:8000", "--upstream", "unix:/run/mysite.sock")

    assert "    server 10.0.0.11:8000;\n    server unix:/run/mysite.sock;\n" in site


def test_nginx_uwsgi_protocol_passes_the_client_s_host_and_address(static: Path) -> None:
    site = config("nginx", "--protocol", "uwsgi")

    assert "server 127.0.0.1:8001;" in site
    assert "uwsgi_pass tests;" in site
    assert "uwsgi_param HTTP_HOST $http_host;" in site
    assert "uwsgi_param REMOTE_ADDR $remote_addr;" in site
    assert "uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;" in site
    assert "proxy_pass" not in site


def test_nginx_with_a_certificate_serves_https_and_redirects_http(static: Path) -> None:
    site = config("nginx", "--ssl-certificate", "/etc/ssl/a.pem", "--ssl-certificate-key", "/k")

    assert "listen 443 ssl;" in site
    assert "ssl_certificate     /etc/ssl/a.pem;" in site
    assert "ssl_certificate_key /k;" in site
    assert "listen 80;\n    server_name localhost testserver .example.com;\n" in site
    assert "return 301 https://$host$request_uri;" in site


def test_nginx_redirect_can_be_left_out(static: Path) -> None:
    site = config(
        "nginx", "--ssl-certificate", "/a", "--ssl-certificate-key", "/k", "--redirect-listen=off"
    )

    assert "return 301" not in site


def test_nginx_certificate_without_its_key_is_refused(static: Path) -> None:
    assert "Give both --ssl-certificate and --ssl-certificate-key" in error(
        "nginx", "--ssl-certificate", "/a"
    )


def test_nginx_server_names_can_be_given(static: Path) -> None:
    site = config("nginx", "--server-name", "example.com", "--server-name", "www.example.com")

    assert "server_name example.com www.example.com;" in site


def test_nginx_any_allowed_host_is_any_server_name(static: Path, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]

    assert "server_name _;" in config("nginx")


def test_nginx_media_root_is_served_as_downloads(static: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = "/srv/media"

    site = config("nginx")

    assert "location /media/ {\n        alias /srv/media/;" in site
    assert 'add_header Content-Security-Policy "sandbox";' in site


def test_nginx_without_static_root_says_what_to_set(settings: Any) -> None:
    settings.STATIC_ROOT = None

    assert "The STATIC_ROOT setting is not set" in error("nginx")


def test_nginx_static_url_on_another_host_is_refused(static: Path, settings: Any) -> None:
    settings.STATIC_URL = "https://cdn.example.com/static/"

    assert "STATIC_URL 'https://cdn.example.com/static/' is on another host" in error("nginx")


def test_project_dir_moves_static_root_inside_the_project(settings: Any) -> None:
    settings.STATIC_ROOT = str(REPO_ROOT / "staticfiles")

    site = config("nginx", "--project-dir", "/srv/site")

    assert "alias /srv/site/staticfiles/;" in site


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--server-name", "a b"], "--server-name 'a b' is not a host name"),
        (["--upstream", "127.0.0.1"], "--upstream '127.0.0.1' needs a port"),
        (["--listen", "127.0.0.1:99999"], "--listen: Port 99999 is out of range"),
        (["--project-dir", "/srv/my site"], "holds a character"),
        (["--upstream", "unix:/run/a;b"], "holds a character"),
    ],
)
def test_nginx_bad_values_are_refused_in_one_line(
    static: Path, args: list[str], message: str
) -> None:
    assert message in error("nginx", *args)


# uwsgi


def test_uwsgi_ini_speaks_the_uwsgi_protocol_by_default() -> None:
    ini = config("uwsgi", "--workers", "3")

    assert "module = tests.wsgi:application" in ini
    assert "env = STOA_SETTINGS_MODULE=tests.project.settings" in ini
    assert "socket = 127.0.0.1:8001" in ini
    assert "processes = 3" in ini
    assert "harakiri = 30" in ini
    assert f"chdir = {REPO_ROOT}" in ini
    assert "\nhttp" not in ini


def test_uwsgi_http_router_ignores_a_client_s_forwarded_proto() -> None:
    ini = config("uwsgi", "--http", "0.0.0.0:8000", "--timeout", "10")

    assert "http = 0.0.0.0:8000" in ini
    assert "http-var = UWSGI_SCHEME=http" in ini
    assert "harakiri = 10" in ini
    assert "\nsocket" not in ini


def test_uwsgi_unix_socket_is_group_writable() -> None:
    ini = config("uwsgi", "--socket", "/run/mysite/uwsgi.sock")

    assert "socket = /run/mysite/uwsgi.sock\nchmod-socket = 660" in ini


def test_uwsgi_http_and_socket_exclude_each_other() -> None:
    assert "not allowed with argument" in error(
        "uwsgi", "--http", ":8000", "--socket", ":8001", code=2
    )


def test_uwsgi_needs_a_worker() -> None:
    assert "--workers must be at least 1, not 0." in error("uwsgi", "--workers", "0")


def test_output_is_written_to_a_file_and_never_over_one(tmp_path: Path) -> None:
    target = tmp_path / "uwsgi.ini"

    result = call_command("deployconfig", "uwsgi", "-o", str(target))

    assert result.code == 0, result.err
    assert result.out == f"Wrote the uwsgi config to {target}.\n"
    assert f"uwsgi --ini {target}" in target.read_text()
    assert "already exists: pass --force" in error("uwsgi", "-o", str(target))
    assert call_command("deployconfig", "uwsgi", "-o", str(target), "--force").code == 0


# systemd


def test_systemd_gunicorn_unit_is_a_template_over_ports() -> None:
    unit = config("systemd", "--workers", "4", "--user", "site")

    assert "Environment=STOA_BIND=127.0.0.1:%i" in unit
    assert "Environment=WEB_CONCURRENCY=4" in unit
    assert "Environment=STOA_SETTINGS_MODULE=tests.project.settings" in unit
    assert "EnvironmentFile=/etc/tests/environment" in unit
    assert "User=site\nGroup=site\n" in unit
    assert f"WorkingDirectory={REPO_ROOT}" in unit
    assert f"ExecStart={sys.prefix}/bin/gunicorn\n" in unit
    assert "systemctl enable --now tests-gunicorn@8000 tests-gunicorn@8001" in unit


def test_systemd_uwsgi_unit_runs_the_ini() -> None:
    unit = config("systemd", "--server", "uwsgi", "--ini", "/srv/site/uwsgi.ini")

    assert "/uwsgi --ini /srv/site/uwsgi.ini\n" in unit
    assert "Type=notify" in unit


def test_systemd_uwsgi_takes_its_workers_from_the_ini() -> None:
    assert "--bind-host and --workers go with --server gunicorn" in error(
        "systemd", "--server", "uwsgi", "--workers", "2"
    )


# arguments


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["uwsgi", "--server-name", "a"], "--server-name is an option of 'deployconfig nginx'"),
        (["nginx", "--http", ":80"], "--http is an option of 'deployconfig uwsgi', not nginx."),
        (["nginx", "--user", "a"], "--user is an option of 'deployconfig systemd'"),
    ],
)
def test_an_option_of_another_target_is_refused(
    static: Path, args: list[str], message: str
) -> None:
    assert message in error(*args)


def test_an_unknown_target_is_a_usage_error() -> None:
    message = error("apache", code=2)

    assert "invalid choice: 'apache'" in message
    assert "(see stoa deployconfig --help)" in message


def test_help_lists_the_targets_and_their_options() -> None:
    result = call_command("deployconfig", "--help")

    assert result.code == 0
    assert "{nginx,uwsgi,systemd}" in result.out
    for option in ("--server-name", "--upstream", "--socket", "--environment-file"):
        assert option in result.out
