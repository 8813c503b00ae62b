"""Every variant of the generated nginx site passes `nginx -t`, not only the ones served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import call_command, run
from tests.integration.deploy.conftest import nginx_command, self_signed_certificate

pytestmark = pytest.mark.slow

TLS = ["--ssl-certificate", "CERT", "--ssl-certificate-key", "KEY"]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--protocol", "uwsgi", "--upstream", "unix:/run/mysite/uwsgi.sock"],
        [*TLS, "--redirect-listen", "off", "--upstream", "10.0.0.11:8000"],
        ["--server-name", ".example.com", "--listen", "[::1]:8080"],
    ],
    ids=["http", "uwsgi-unix-socket", "tls-no-redirect", "wildcard-ipv6"],
)
def test_the_site_is_a_valid_nginx_config(args: list[str], settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = str(tmp_path / "staticfiles")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    if "CERT" in args:
        certificate, key = self_signed_certificate(tmp_path)
        files = {"CERT": str(certificate), "KEY": str(key)}
        args = [files.get(arg, arg) for arg in args]
    generated = call_command("deployconfig", "nginx", *args)
    assert generated.code == 0, generated.err

    result = run([*nginx_command(generated.out, prefix), "-t"], prefix, timeout=30)

    assert result.returncode == 0, result.stderr
