"""pytest set-up of the hello project: Stoa's plugin gives tests `client` and `settings`."""

import os

import pytest

os.environ.setdefault("STOA_SETTINGS_MODULE", "hello.settings")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the `slow` marker of the tests that start real servers."""
    config.addinivalue_line("markers", "slow: starts a real server (seconds, not milliseconds)")
