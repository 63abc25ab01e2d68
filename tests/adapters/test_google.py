"""The Google backend through the real gspread client against the local Sheets API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.google.client import load_credentials
from medlemsrutiner.adapters.google.workbook import GoogleWorkbook, open_google_workbook
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.errors import EXIT_NOTHING_DONE, WorkbookError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.setup import check_setup, exit_code, fill_texts
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.schema import TABS, column_letter
from medlemsrutiner.sheet.words import TEXT_KEYS
from tests.adapters.harness import GoogleHarness, service_account_json
from tests.fakes.clock import FakeClock
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    mixed_rows,
    moved_row,
    newcomer,
    read_outbox,
    workbook_grids,
)

DAY = dt.timedelta(days=1)


def daily(harness: GoogleHarness, workbook: Any = None) -> Any:
    with workbook or harness.workbook() as opened:
        return run_daily(
            opened,
            Outbox(harness.config.mail.outbox, NOW),
            Renderer(REPO / "templates"),
            harness.config,
            TODAY,
            NOW,
        )


# --- Request budget --------------------------------------------------------------------------


def test_a_daily_run_costs_the_same_six_requests_for_20_or_600_rows(tmp_path: Path) -> None:
    counts = []
    for size in (20, 600):
        with FakeSheetsApi() as fake:
            harness = GoogleHarness(tmp_path / str(size), fake)
            harness.seed(workbook_grids(newcomers=mixed_rows(size)))
            fake.reset_counts()
            daily(harness)
            methods = [
                f"{r.method} {r.path.rsplit('/', 1)[-1].split('?')[0]}" for r in fake.requests
            ]
            counts.append(methods)
    assert counts[0] == counts[1]
    assert len(counts[0]) <= 6


def test_every_json_body_is_strict_json_without_nan_or_numpy_values(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(30)))
    daily(harness)

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in a request body")

    bodies = [r for r in api.requests if r.body]
    assert bodies
    for record in bodies:
        json.loads(record.body, parse_constant=refuse)


def test_dates_are_stored_as_dates_and_text_as_text(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(None, registered=None, name="0042 Nollsson")]))
    daily(harness)
    welcome = api.cell(harness.spreadsheet_id, "Intresserade", "I2")
    assert welcome.value == 46350 and welcome.number_format == {
        "type": "DATE",
        "pattern": "yyyy-mm-dd",
    }
    assert api.cell(harness.spreadsheet_id, "Intresserade", "B2").number_format is not None
    assert api.values(harness.spreadsheet_id, "Intresserade")[1][2] == "0042 Nollsson"


def test_the_request_timeout_comes_from_the_config(harness: GoogleHarness) -> None:
    harness.seed(workbook_grids())
    workbook = harness.workbook()
    assert isinstance(workbook, GoogleWorkbook)
    assert workbook.http.timeout == 30.0


# --- Faults ----------------------------------------------------------------------------------


def test_429_on_the_first_two_requests_of_each_kind_still_completes(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(10)))
    for kind in (
        "GET /v4/spreadsheets/" + harness.spreadsheet_id + "?",
        "values:batchGet",
        harness.spreadsheet_id + ":batchUpdate",
    ):
        api.inject(429, times=2, match=kind)
    report = daily(harness)
    assert report.sent["welcome"] == [12, 13, 14]
    assert sum(1 for r in api.requests if r.status == 429) == 6
    assert all(r["Status"] for r in harness.tab("Intresserade"))


def test_500_on_every_request_fails_clearly_in_bounded_time_and_writes_nothing(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(10)))
    before = harness.raw_bytes()
    api.reset_counts()
    api.inject(500, times=10_000)
    with pytest.raises(WorkbookError, match="fel hos Google \\(HTTP 500") as raised:
        daily(harness)
    assert raised.value.exit_code == EXIT_NOTHING_DONE
    assert len(api.requests) == 5  # one request, five tries, then it gives up
    api.clear_faults()
    assert harness.raw_bytes() == before
    assert not harness.config.mail.outbox.exists()


def test_500_after_the_markers_leaves_a_marker_only_where_a_letter_went_out(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2), newcomer(3, email="fel")]))
    # The markers land (the first batchUpdate), the stamps do not.
    api.inject(500, times=10_000, match=harness.spreadsheet_id + ":batchUpdate", skip=1)
    failed = daily(harness)
    assert failed.exit_code == 1 and failed.sent == {"welcome": [1, 2]}
    assert failed.write_error is not None and "HTTP 500" in failed.write_error
    assert any("skickas aldrig igen" in line for line in failed.lines())
    api.clear_faults()
    stamps = {r["ID"]: r["Välkomstbrev"] for r in harness.tab("Intresserade")}
    assert str(stamps[1]).startswith("Skickar…") and str(stamps[2]).startswith("Skickar…")
    assert stamps[3] is None
    sent = sorted(m["To"].addresses[0].addr_spec for m in read_outbox(harness.config.mail.outbox))
    assert sent == ["person1@example.se", "person2@example.se"]
    report = daily(harness)  # the next run sends nothing again and asks a person to check
    assert report.sent == {}
    assert len(read_outbox(harness.config.mail.outbox)) == 2
    assert all("KONTROLLERA" in r["Status"] for r in harness.tab("Intresserade") if r["ID"] != 3)


def test_errors_other_than_429_and_5xx_are_not_retried(api: FakeSheetsApi, tmp_path: Path) -> None:
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": "finns-inte"})
    workbook = open_google_workbook(config.workbook, {}, session=api.session(), clock=FakeClock())
    with pytest.raises(WorkbookError, match="kalkylarket finns inte: kontrollera spreadsheet_id"):
        workbook.read()
    assert len(api.requests) == 1


# --- Credentials -----------------------------------------------------------------------------


def test_credentials_load_from_json_in_the_environment_or_from_a_key_file(tmp_path: Path) -> None:
    info = service_account_json()
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": "x"}).workbook
    credentials = load_credentials(config, {"MEDLEMSRUTINER_GOOGLE_CREDENTIALS": info})
    assert credentials.service_account_email == "robot@exempel.iam.gserviceaccount.com"
    (tmp_path / "nyckel.json").write_text(info, encoding="utf-8")
    from_file = make_config(
        tmp_path,
        workbook={"backend": "google", "spreadsheet_id": "x", "credentials_file": "nyckel.json"},
    ).workbook
    assert load_credentials(from_file, {}).service_account_email.startswith("robot@")


def test_missing_or_broken_credentials_are_a_clear_error(tmp_path: Path) -> None:
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": "x"}).workbook
    with pytest.raises(
        WorkbookError, match="sätt miljövariabeln MEDLEMSRUTINER_GOOGLE_CREDENTIALS"
    ):
        load_credentials(config, {})
    with pytest.raises(WorkbookError, match="går inte att läsa") as raised:
        load_credentials(
            config, {"MEDLEMSRUTINER_GOOGLE_CREDENTIALS": '{"type": "service_account"}'}
        )
    assert "private_key" not in str(raised.value)


# --- init_workbook and check_setup -----------------------------------------------------------


def test_init_creates_tabs_headers_dropdowns_formats_and_protection_and_twice_changes_nothing(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    groups = [{"Grupp": "Centrumgruppen", "Aktiv": "ja"}, {"Grupp": "Vilande", "Aktiv": "nej"}]
    harness.seed({"Grupper": [["Grupp", "Aktiv"], *[[g["Grupp"], g["Aktiv"]] for g in groups]]})
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    workbook = harness.workbook()
    added = workbook.ensure_tabs(tabs)
    assert "fliken Intresserade" in added and "kolumnen Kontaktperson i Grupper" in added
    sid = harness.spreadsheet_id
    assert api.values(sid, "Intresserade")[0] == list(tabs["Intresserade"])
    assert api.values(sid, "Grupper")[0][:2] == ["Grupp", "Aktiv"]
    assert api.sheet_properties(sid, "Intresserade")["gridProperties"]["frozenRowCount"] == 1
    referral = api.cell(sid, "Intresserade", "K2").data_validation
    assert referral is not None
    choices = [v["userEnteredValue"] for v in referral["condition"]["values"]]
    assert "Centrumgruppen" in choices and "Vilande" not in choices and "Blixtaktioner" in choices
    assert api.cell(sid, "Intresserade", "B5").number_format == {
        "type": "DATE",
        "pattern": "yyyy-mm-dd",
    }
    protected = api.protected_ranges(sid, "Intresserade")
    assert protected and all(p["warningOnly"] for p in protected)
    assert {p["description"].rsplit(" ", 1)[-1] for p in protected} >= {"ID", "Status"}

    state = harness.raw_bytes()
    assert workbook.ensure_tabs(tabs) == []
    assert harness.raw_bytes() == state


def test_init_gives_the_sheet_the_same_look_as_the_local_workbook(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed({"Grupper": [["Grupp", "Aktiv"], ["Centrumgruppen", "ja"]]})
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    added = harness.workbook().ensure_tabs(tabs)
    assert "färger i Status i Intresserade" in added
    sid = harness.spreadsheet_id
    header = api.cell(sid, "Intresserade", "N1").user_entered_format
    assert header is not None and header["textFormat"] == {"bold": True}
    status = api.cell(sid, "Intresserade", "N7").user_entered_format
    assert status == {"wrapStrategy": "WRAP"}
    newcomers = TABS[0]
    widths = api.column_pixels(sid, "Intresserade")
    for index, column in enumerate(newcomers.columns):
        assert widths[index] == look.column_look(newcomers, column).pixels
    groups = TABS[2]
    added_widths = api.column_pixels(sid, "Grupper")
    # Grupp and Aktiv were there: Grupp is widened from Google's 100 pixels, Aktiv is wide
    # enough as it is; the columns init added get their widths.
    assert sorted(added_widths) == [0, *range(2, len(groups.columns))]
    assert added_widths[0] == look.column_look(groups, groups.column("group")).pixels
    assert added_widths[2] == look.column_look(groups, groups.column("contact")).pixels
    rules = api.conditional_formats(sid, "Intresserade")
    assert [rule["ranges"] for rule in rules] == [
        [{"sheetId": rules[0]["ranges"][0]["sheetId"], "startRowIndex": 1,
          "startColumnIndex": 13, "endColumnIndex": 14}]
    ] * 3  # fmt: skip
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert formulas == ["=" + look.status_formula(c, "N2") for c in look.STATUS_COLOURS]
    colours = [r["booleanRule"]["format"]["backgroundColor"] for r in rules]
    assert round(colours[0]["red"] * 255) == 0xF4 and round(colours[1]["blue"] * 255) == 0xB2
    assert len(api.conditional_formats(sid, "Uppföljning")) == 3


def test_init_of_a_new_sheet_lays_out_freezes_and_formats_it_as_the_local_workbook(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed({"Grupper": [["Grupp"], ["Centrumgruppen"]]})
    tabs = look.workbook_tabs(TAB_NAMES)
    workbook = harness.workbook()
    added = workbook.ensure_tabs(tabs)
    assert "frysta rubriker i Intresserade" in added and "bredare kolumner i Grupper" in added
    sid = harness.spreadsheet_id
    for name, columns in (("Intresserade", 2), ("Uppföljning", 2), ("Grupper", 1), ("Logg", 0)):
        grid = api.sheet_properties(sid, name)["gridProperties"]
        assert (grid["frozenRowCount"], grid.get("frozenColumnCount", 0)) == (1, columns), name
    for name in ("Intresserade", "Uppföljning"):
        header = api.values(sid, name)[0]
        assert header[:3] == ["ID", "Namn", "Status"]
        pixels = api.column_pixels(sid, name)
        assert sum((pixels[index] - 12) / 7 for index in range(2)) <= 140  # left of Status
    groups = TABS[2]
    status = api.values(sid, "Grupper")[0].index("Status")
    assert api.column_pixels(sid, "Grupper")[status] >= 40 * 7 + 12
    assert api.cell(sid, "Grupper", f"{column_letter(status)}3").user_entered_format == {
        "wrapStrategy": "WRAP"
    }
    rules = api.conditional_formats(sid, "Grupper")
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    cell = f"{column_letter(status)}2"
    assert formulas == ["=" + look.status_formula(c, cell) for c in look.STATUS_COLOURS]
    share = api.values(sid, "Statistik")[0].index("Andel aktiva")
    assert api.cell(sid, "Statistik", f"{column_letter(share)}2").number_format == {
        "type": "PERCENT",
        "pattern": "0 %",
    }
    assert len(groups.columns) == len(api.values(sid, "Grupper")[0])
    state = harness.raw_bytes()
    assert harness.workbook().ensure_tabs(tabs) == []
    assert harness.raw_bytes() == state


def test_init_fills_texter_in_a_google_sheet_and_keeps_what_is_there(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(texts=[{"key": "signatur", "text": "Hälsningar"}]))
    workbook = harness.workbook()
    workbook.ensure_tabs({TAB_NAMES[tab.key]: tab.headers for tab in TABS})
    added = fill_texts(workbook, harness.config)
    assert "texten lokal_information i Texter" in added and "förklaringar i Texter" in added
    rows = harness.tab("Texter")
    by_key = {row["Nyckel"]: row for row in rows}
    assert set(by_key) == set(TEXT_KEYS)
    assert by_key["signatur"]["Text"] == "Hälsningar"
    assert all(row["Förklaring"] for row in rows)
    assert fill_texts(harness.workbook(), harness.config) == []


def test_init_puts_the_status_colours_back_first_and_keeps_a_persons_own_rule(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids())
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    harness.workbook().ensure_tabs(tabs)
    sid = harness.spreadsheet_id
    sheet_id = api.sheet_id(sid, "Intresserade")
    own = {
        "ranges": [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 2,
                    "endColumnIndex": 3}],
        "booleanRule": {
            "condition": {"type": "NOT_BLANK"},
            "format": {"backgroundColor": {"red": 0.8, "green": 1, "blue": 0.8}},
        },
    }  # fmt: skip
    workbook = harness.workbook()
    assert isinstance(workbook, GoogleWorkbook)
    workbook.http.batch_update(
        sid,
        {
            "requests": [
                {"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 1}},
                {"addConditionalFormatRule": {"rule": own, "index": 0}},
            ]
        },
    )
    assert "färger i Status i Intresserade" in harness.workbook().ensure_tabs(tabs)
    rules = api.conditional_formats(sid, "Intresserade")
    assert len(rules) == 4 and rules[3]["booleanRule"]["condition"] == {"type": "NOT_BLANK"}
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules[:3]]
    assert formulas == ["=" + look.status_formula(c, "N2") for c in look.STATUS_COLOURS]
    state = harness.raw_bytes()
    assert harness.workbook().ensure_tabs(tabs) == []
    assert harness.raw_bytes() == state


def test_check_setup_lists_who_can_open_the_followup_and_warns_about_others(
    api: FakeSheetsApi, tmp_path: Path
) -> None:
    harness = GoogleHarness(tmp_path, api, followup_spreadsheet=True)
    harness.seed(workbook_grids())
    assert harness.followup_id is not None
    api.set_permissions(
        harness.followup_id,
        [
            {"type": "user", "role": "owner", "emailAddress": "medlemsansvarig@example.org"},
            {"type": "user", "role": "writer", "emailAddress": "robot@example.org"},
            {"type": "anyone", "role": "reader"},
        ],
    )
    checks = check_setup(harness.config, harness.workbook, {}, TODAY)
    text = "\n".join(check.text for check in checks)
    assert "Alla flikar och rubriker som behövs finns." in text
    assert "medlemsansvarig@example.org (owner)" in text
    assert any(check.warning and "alla som har länken" in check.text for check in checks)
    assert exit_code(checks) == 1
    api.set_permissions(
        harness.followup_id,
        [
            {"type": "user", "role": "owner", "emailAddress": "medlemsansvarig@example.org"},
            {"type": "user", "role": "writer", "emailAddress": "robot@example.org"},
        ],
    )
    final = check_setup(harness.config, harness.workbook, {}, TODAY)
    # Test data keeps example addresses, so only that warning remains (it is checked in
    # tests/routines/test_setup.py) besides the workbook's content to fill in (tasks); nobody
    # else can open the follow-up any more.
    assert [c.text.split(":")[0] for c in final if c.warning and not c.task] == [
        "Kvar från exemplet i config.toml och arbetsboken"
    ]
    assert all(c.ok for c in final)


def test_the_recorded_request_log_has_no_personal_data_outside_values(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1)]))
    daily(harness)
    urls = " ".join(r.url for r in api.requests)
    assert "person1" not in urls
    assert isinstance(api.requests[0], RecordedRequest)


def test_a_log_tab_the_run_creates_is_large_enough_for_every_line(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids(
        newcomers=[newcomer(None, registered=TODAY, email=f"n{i}@example.se") for i in range(1100)]
    )
    del grids["Logg"]
    harness.seed(grids)
    report = daily(harness)
    assert report.write_error is None and len(report.sent["welcome"]) == 200
    # Past the 1000 rows of a default grid: new rows, letters, the held-back and done lines.
    assert len(harness.tab("Logg")) == 1100 + 200 + 2


# --- Hidden rows and the moment between the fresh read and the write ---------------------------


def test_a_row_inserted_in_the_moment_before_the_hiding_lands_is_put_right_the_next_run(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    old = TODAY - 10 * DAY
    followups = [
        {
            "id": i,
            "name": f"Testa Person{i}",
            "email": f"person{i}@example.se",
            "referred_to": "Centrumgruppen",
            "referred": old,
            "follow_up_from": old + 56 * DAY,
            "follow_up_by": old + 70 * DAY,
        }
        for i in (1, 3)
    ]
    rows = [moved_row(1, old), newcomer(2, welcome=TODAY - DAY), moved_row(3, old)]
    harness.seed(workbook_grids(newcomers=rows, followups=followups))
    daily(harness)
    assert harness.hidden_ids() == {1, 3}

    # The worst moment: after the write's fresh read, before its batchUpdate is applied.
    def insert_on_top(fake: FakeSheetsApi, request: RecordedRequest) -> None:
        if request.method == "POST" and b"hiddenByUser" in request.body:
            fake.remove_hook(hook)
            fake.insert_rows(harness.spreadsheet_id, "Intresserade", 2, [[None, None, "Ny Person"]])

    hook = api.before_request(insert_on_top)
    values_before = api.values(harness.spreadsheet_id, "Intresserade")
    daily(harness)
    values = api.values(harness.spreadsheet_id, "Intresserade")
    assert values[2:] == values_before[1:]  # hiding never touches a value
    assert 2 in api.hidden_rows(harness.spreadsheet_id, "Intresserade")  # the new row, for now

    daily(harness)
    assert harness.hidden_ids() == {1, 3}
    assert 2 not in api.hidden_rows(harness.spreadsheet_id, "Intresserade")
