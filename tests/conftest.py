"""Fixtures every test module may use by name: the local SMTP servers and the local Sheets
API (all in tests/fakes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.sheets_api import FakeSheetsApi
from tests.fakes.smtp_server import smtp_server, smtp_server_with_auth

__all__ = ["sheets_api", "smtp_server", "smtp_server_with_auth"]


@pytest.fixture
def sheets_api() -> Iterator[FakeSheetsApi]:
    """A running FakeSheetsApi, stopped after the test."""
    with FakeSheetsApi() as api:
        yield api
