"""Testing support: an in-process `Client` and pytest fixtures (`client`, `db`, `settings`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.testing.client import Client, TestResponse

__all__ = ["Client", "TestResponse"]


def __getattr__(name: str) -> Any:
    # Imported on use, so that loading the pytest plugin (this package) imports no WebOb
    # before pytest's warning filters are in place.
    if name in __all__:
        from core.testing import client

        return getattr(client, name)
    raise AttributeError(name)
