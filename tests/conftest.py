"""Fixtures every test module may use by name: the local SMTP servers and the local Sheets
API (all in tests/fakes) with a real gspread client on it, a config in the test's folder, the
templates. And for every test: not in CI. A fixture lives here once, never in two modules
(tests/test_fixtures.py checks it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import gspread
import pytest
from hypothesis import settings as hypothesis_settings

from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from tests.fakes.sheets_api import FakeSheetsApi, gspread_client
from tests.fakes.smtp_server import smtp_server, smtp_server_with_auth
from tests.support import REPO, make_config

__all__ = ["sheets_api", "smtp_server", "smtp_server_with_auth"]


@pytest.fixture
def sheets_api() -> Iterator[FakeSheetsApi]:
    """A running FakeSheetsApi, stopped after the test."""
    with FakeSheetsApi() as api:
        yield api


@pytest.fixture
def client(sheets_api: FakeSheetsApi) -> gspread.Client:
    """The real gspread client, talking to the local Sheets API."""
    return gspread_client(sheets_api)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The tests' usual config: an .xlsx workbook and an outbox in the test's folder."""
    return make_config(tmp_path)


@pytest.fixture
def renderer() -> Renderer:
    """The built-in templates."""
    return Renderer(REPO / "templates")


@pytest.fixture(autouse=True, scope="session")
def _on_a_coordinators_machine() -> Iterator[None]:
    """The tests play a coordinator's own machine, also when CI runs them: the scripts refuse
    an xlsx workbook where `CI` or `GITHUB_ACTIONS` is set (a test of that sets them itself),
    and a subprocess inherits the environment without them.

    And they are a simulation: they replay days of their own (2026-11-24 and on), ahead of the
    machine's date or behind it, which the scripts allow a real run only with
    MEDLEMSRUTINER_SIMULATION=1 (the tests of that refusal remove it)."""
    # Session-wide, so a module- or session-scoped fixture that runs the scripts (the workbook
    # look's) sees the same machine as a test does; a test that changes these restores them.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CI", raising=False)
        patch.delenv("GITHUB_ACTIONS", raising=False)
        patch.setenv("MEDLEMSRUTINER_SIMULATION", "1")
        yield


# Property-based tests: a small profile in `make test`, the full one in `make bench`
# (HYPOTHESIS_PROFILE=bench). Both derandomised per test, so a failure reproduces.
hypothesis_settings.register_profile("default", max_examples=20, derandomize=True)
hypothesis_settings.register_profile("bench", max_examples=300, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
