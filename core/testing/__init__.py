"""Testing support: an in-process `Client` and pytest fixtures (`client`, `settings`)."""

from core.testing.client import Client, TestResponse

__all__ = ["Client", "TestResponse"]
