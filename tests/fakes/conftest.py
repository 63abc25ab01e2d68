"""Fixtures of the fake Google Sheets API (kept next to the fake, not in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .sheets_api import FakeSheetsApi


@pytest.fixture
def sheets_api() -> Iterator[FakeSheetsApi]:
    """A running FakeSheetsApi, stopped after the test."""
    with FakeSheetsApi() as api:
        yield api
