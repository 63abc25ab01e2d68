"""Conformance of the fake Sheets API with real Google traffic.

The recordings in `recordings/` (gspread's own recorded traffic, MIT; see its README) hold
request/response pairs between gspread and Google. Each recording is replayed
against the fake, request by request and in order, and every answer is compared with Google's:
the status code, and the JSON body after mapping ids and dropping what legitimately differs.

What the comparison ignores, and why:

* ids: the recorded spreadsheet id, sheetIds and protectedRangeIds are mapped to the fake's
  (learned from the Drive create / addSheet / addProtectedRange answers of the same episode);
* timestamps (`createdTime`, `modifiedTime`): compared for presence only;
* the `defaultFormat` and `spreadsheetTheme` blocks of the spreadsheet properties (large, static,
  and nothing the project reads) and any `developerMetadata`;
* the service account's e-mail address in protected-range editors.

Everything else must be equal: values and their JSON types, trimming, `range` texts and their
quoting, reply shapes, proto3 default omissions, error envelopes. A file may hold several
create → … → delete episodes; ids are learned again at each Drive create.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from .sheets_api import FakeSheetsApi

RECORDINGS = Path(__file__).resolve().parent / "recordings"

SKIPPED_INTERACTIONS: dict[tuple[str, int], str] = {}
"""(file name, interaction index) → why that one interaction is not replayed. Empty: every
recorded interaction is replayed and compared."""

DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
DROPPED_PROPERTIES = ("defaultFormat", "spreadsheetTheme")
SPREADSHEET = "<SPREADSHEET_ID>"
SERVICE_ACCOUNT = "<SERVICE_ACCOUNT>"
TIME = "<TIME>"


@dataclass
class Episode:
    """Ids learned while replaying one create → … → delete episode."""

    spreadsheets: dict[str, str] = field(default_factory=dict)
    sheets: dict[int, int] = field(default_factory=lambda: {0: 0})
    protected: dict[int, int] = field(default_factory=dict)

    def to_fake_uri(self, uri: str) -> str:
        """The recorded URI with recorded spreadsheet ids replaced by the fake's."""
        for recorded, fake in self.spreadsheets.items():
            uri = uri.replace(recorded, fake)
        return uri

    def to_fake_body(self, value: Any) -> Any:
        """The recorded request body with sheet and protected-range ids mapped to the fake's."""
        return _map_ids(value, self.sheets, self.protected)

    def learn(self, expected: Any, actual: Any) -> None:
        """Learn the ids Google and the fake chose, from a pair of answers to the same request."""
        if not isinstance(expected, dict) or not isinstance(actual, dict):
            return
        if expected.get("kind") == "drive#file" and "id" in expected and "id" in actual:
            self.spreadsheets[expected["id"]] = actual["id"]
        for want, got in zip(expected.get("replies", []), actual.get("replies", []), strict=False):
            if "addSheet" in want and "addSheet" in got:
                recorded = want["addSheet"]["properties"]["sheetId"]
                self.sheets[recorded] = got["addSheet"]["properties"]["sheetId"]
            if "addProtectedRange" in want and "addProtectedRange" in got:
                recorded = want["addProtectedRange"]["protectedRange"]["protectedRangeId"]
                fake = got["addProtectedRange"]["protectedRange"]["protectedRangeId"]
                self.protected[recorded] = fake


def _map_ids(value: Any, sheets: dict[int, int], protected: dict[int, int]) -> Any:
    if isinstance(value, dict):
        mapped = {}
        for key, item in value.items():
            if key == "sheetId" and isinstance(item, int):
                mapped[key] = sheets.get(item, item)
            elif key == "protectedRangeId" and isinstance(item, int):
                mapped[key] = protected.get(item, item)
            else:
                mapped[key] = _map_ids(item, sheets, protected)
        return mapped
    if isinstance(value, list):
        return [_map_ids(item, sheets, protected) for item in value]
    return value


def normalise(value: Any, spreadsheet_ids: set[str], service_account: str | None) -> Any:
    """Replace ids, timestamps and the service account by placeholders; drop the ignored blocks.

    `service_account` None means "any *.iam.gserviceaccount.com address" (Google's side)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in ("createdTime", "modifiedTime"):
                out[key] = TIME
            elif key == "developerMetadata":
                continue
            elif key == "properties" and isinstance(item, dict) and "autoRecalc" in item:
                kept = {k: v for k, v in item.items() if k not in DROPPED_PROPERTIES}
                out[key] = normalise(kept, spreadsheet_ids, service_account)
            else:
                out[key] = normalise(item, spreadsheet_ids, service_account)
        return out
    if isinstance(value, list):
        return [normalise(item, spreadsheet_ids, service_account) for item in value]
    if isinstance(value, str):
        for spreadsheet_id in spreadsheet_ids:
            value = value.replace(spreadsheet_id, SPREADSHEET)
        is_robot = (
            value.endswith(".iam.gserviceaccount.com")
            if service_account is None
            else value == service_account
        )
        return SERVICE_ACCOUNT if is_robot else value
    return value


def _inverse(mapping: dict[int, int]) -> dict[int, int]:
    return {fake: recorded for recorded, fake in mapping.items()}


def _parse(text: str) -> Any:
    return json.loads(text) if text.strip() else None


@dataclass
class Outcome:
    """One replayed interaction."""

    index: int
    request: str
    expected_status: int
    actual_status: int
    expected: Any
    actual: Any

    @property
    def matches(self) -> bool:
        """True when status and normalised body agree."""
        return self.expected_status == self.actual_status and self.expected == self.actual

    def report(self) -> str:
        """A readable account of a mismatch."""
        return (
            f"[{self.index}] {self.request}\n"
            f"  status: recorded {self.expected_status}, fake {self.actual_status}\n"
            f"  recorded: {json.dumps(self.expected, ensure_ascii=False, sort_keys=True)}\n"
            f"  fake:     {json.dumps(self.actual, ensure_ascii=False, sort_keys=True)}"
        )


def replay(api: FakeSheetsApi, path: Path) -> Iterator[Outcome]:
    """Replay every interaction of a recording against `api`; yield each compared outcome."""
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    session = api.session()
    episode = Episode()
    for index, interaction in enumerate(interactions):
        request, response = interaction["request"], interaction["response"]
        method, uri = request["method"], request["uri"]
        if (path.name, index) in SKIPPED_INTERACTIONS:
            continue
        if method == "POST" and uri.split("?")[0] == DRIVE_FILES:
            episode = Episode()
        raw_body = request.get("body")
        body = _parse(raw_body) if isinstance(raw_body, str) else raw_body
        data = None if body is None else json.dumps(episode.to_fake_body(body)).encode()
        answer = session.request(
            method,
            episode.to_fake_uri(uri),
            data=data,
            headers={"Content-Type": "application/json"} if data is not None else {},
            timeout=10,
        )
        expected = _parse(response["body"]["string"])
        actual = _parse(answer.text)
        episode.learn(expected, actual)
        actual = _map_ids(actual, _inverse(episode.sheets), _inverse(episode.protected))
        yield Outcome(
            index=index,
            request=f"{method} {uri}",
            expected_status=response["status"]["code"],
            actual_status=answer.status_code,
            expected=normalise(expected, set(episode.spreadsheets), None),
            actual=normalise(actual, set(episode.spreadsheets.values()), api.service_account_email),
        )


RECORDING_FILES = sorted(RECORDINGS.glob("*.json"))


@pytest.mark.parametrize("recording", RECORDING_FILES, ids=[path.name for path in RECORDING_FILES])
def test_the_fake_answers_a_recorded_session_as_google_did(
    sheets_api: FakeSheetsApi, recording: Path
) -> None:
    outcomes = list(replay(sheets_api, recording))
    mismatches = [outcome.report() for outcome in outcomes if not outcome.matches]
    assert outcomes, "the recording has no interactions"
    assert not mismatches, f"{len(mismatches)} of {len(outcomes)} answers differ:\n" + "\n".join(
        mismatches
    )


def test_every_recording_is_replayed_in_full() -> None:
    assert len(RECORDING_FILES) >= 29
    assert not SKIPPED_INTERACTIONS


# -- the comparison itself must be strict ---------------------------------------------------


def _values_outcome(actual: Any) -> Outcome:
    expected = {"range": "Sheet1!A1:D4", "majorDimension": "ROWS", "values": [["A1", "", "1"]]}
    return Outcome(0, "GET", 200, 200, expected, normalise(actual, set(), "robot@example.org"))


def test_the_comparison_rejects_an_untrimmed_row() -> None:
    outcome = _values_outcome(
        {"range": "Sheet1!A1:D4", "majorDimension": "ROWS", "values": [["A1", "", "1", ""]]}
    )
    assert not outcome.matches


def test_the_comparison_rejects_a_number_where_google_sent_text() -> None:
    outcome = _values_outcome(
        {"range": "Sheet1!A1:D4", "majorDimension": "ROWS", "values": [["A1", "", 1]]}
    )
    assert not outcome.matches


def test_the_comparison_rejects_needless_quotes_around_a_sheet_name() -> None:
    outcome = _values_outcome(
        {"range": "'Sheet1'!A1:D4", "majorDimension": "ROWS", "values": [["A1", "", "1"]]}
    )
    assert not outcome.matches


def test_the_comparison_accepts_the_same_answer() -> None:
    outcome = _values_outcome(
        {"range": "Sheet1!A1:D4", "majorDimension": "ROWS", "values": [["A1", "", "1"]]}
    )
    assert outcome.matches


def test_the_fake_never_reaches_the_network(sheets_api: FakeSheetsApi) -> None:
    with pytest.raises(requests.ConnectionError, match="refuses"):
        sheets_api.session().get("https://example.org/", timeout=5)
