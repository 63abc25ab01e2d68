"""Fixtures the adapter tests share by name: `api`, a running local Sheets API, and `harness`,
a GoogleHarness on it (test_backends.py overrides `harness` with its own, one per backend)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.harness import GoogleHarness
from tests.fakes.sheets_api import FakeSheetsApi


@pytest.fixture
def api(sheets_api: FakeSheetsApi) -> FakeSheetsApi:
    """The local Sheets API (tests/conftest.py's `sheets_api`), stopped after the test."""
    return sheets_api


@pytest.fixture
def harness(api: FakeSheetsApi, tmp_path: Path) -> GoogleHarness:
    return GoogleHarness(tmp_path, api)
