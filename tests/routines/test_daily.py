"""The daily routine end to end over an in-memory workbook and a real outbox folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.config import Config
from medlemsrutiner.errors import MissingColumnError, TemplateError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.plan import Failed, Sent
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.routines.weekly import run_weekly
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.fakes.transports import Crash, CrashingTransport, RecordingTransport, ScriptedTransport
from tests.routines.weekly_mail import TRAINER
from tests.support import (
    NOW,
    TAB_NAMES,
    TODAY,
    followup_of,
    grid,
    make_config,
    memory_workbook,
    newcomer,
    read_outbox,
    recipients,
    workbook_grids,
)

DAY = dt.timedelta(days=1)


def run(
    workbook: MemoryWorkbook,
    config: Config,
    renderer: Renderer,
    today: dt.date = TODAY,
    transport: Any = None,
    dry_run: bool = False,
) -> DailyReport:
    outbox = transport or Outbox(
        config.mail.outbox, dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
    )
    with workbook:
        return run_daily(
            workbook,
            outbox,
            renderer,
            config,
            today,
            dt.datetime.combine(today, NOW.time(), NOW.tzinfo),
            dry_run=dry_run,
        )


def by_id(workbook: MemoryWorkbook, tab: str = "Intresserade") -> dict[Any, dict[str, Any]]:
    return {row["ID"]: row for row in workbook.tab(tab)}


def test_a_new_person_is_welcomed_stamped_and_logged(config: Config, renderer: Renderer) -> None:
    workbook = memory_workbook(newcomers=[newcomer(None, registered=None, email="ny@example.se")])
    report = run(workbook, config, renderer)
    row = by_id(workbook)[1]
    assert row["Registrerad"] == TODAY and row["Välkomstbrev"] == TODAY
    assert row["Status"].startswith("Välkomstbrev skickat 2026-11-24. Ring senast 2026-12-01.")
    assert recipients(read_outbox(config.mail.outbox)) == ["ny@example.se"]
    actions = [(entry["Åtgärd"], entry["ID"]) for entry in workbook.tab("Logg")]
    assert ("ny rad", 1) in actions and ("välkomstbrev skickat", 1) in actions
    assert report.exit_code == 0


def test_a_rerun_on_the_same_day_sends_nothing(config: Config, renderer: Renderer) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(1), newcomer(2, call=TODAY, referred_to="Centrumgruppen")]
    )
    run(workbook, config, renderer)
    first = len(read_outbox(config.mail.outbox))
    grids_after_first = workbook.read()
    report = run(workbook, config, renderer)
    assert first == 4
    assert len(read_outbox(config.mail.outbox)) == first
    assert report.sent == {}
    assert workbook.read()["Intresserade"] == grids_after_first["Intresserade"]


def test_a_person_called_and_referred_before_the_welcome_gets_no_promise_of_a_call(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(2, call=TODAY, referred_to="Centrumgruppen", language="en")]
    )
    run(workbook, config, renderer)
    messages = read_outbox(config.mail.outbox)
    assert sorted(recipients(messages)) == [
        "centrum@example.org",
        "person2@example.se",
        "person2@example.se",
    ]
    welcome = [m for m in messages if str(m["Subject"]).startswith("Welcome")]
    assert len(welcome) == 1
    body = welcome[0].get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "give you a call" not in text
    assert "introduce you to Centrumgruppen" in text


def test_a_referral_is_introduced_copied_to_followup_and_erased_from_intake(
    config: Config, renderer: Renderer
) -> None:
    row = newcomer(
        4,
        welcome=TODAY - 5 * DAY,
        call=TODAY - DAY,
        referred_to="Skrivargruppen",
        town="Norrby",
        note="vill skriva brev",
    )
    workbook = memory_workbook(newcomers=[row])
    run(workbook, config, renderer)
    messages = read_outbox(config.mail.outbox)
    assert sorted(recipients(messages)) == ["brev@example.org", "person4@example.se"]
    intake = by_id(workbook)[4]
    assert intake["Introduktion"] == TODAY
    assert all(intake[h] is None for h in ("Namn", "E-post", "Telefon", "Ort", "Anteckning"))
    assert (
        intake["Status"]
        == "Klar: hänvisad till Skrivargruppen 2026-11-24. Följs upp i fliken Uppföljning."
    )
    followup = by_id(workbook, "Uppföljning")[4]
    assert (
        followup["E-post"] == "person4@example.se" and followup["Hänvisad till"] == "Skrivargruppen"
    )
    assert followup["Följ upp från"] == TODAY + dt.timedelta(weeks=8)
    assert followup["Anteckning"] == "vill skriva brev"
    assert followup["Status"] == (
        "Uppföljningssamtal 19 jan–2 feb 2027. Raderas senast 2027-03-16."
    )


def test_nothing_personal_reaches_the_report_or_the_log(config: Config, renderer: Renderer) -> None:
    rows = [
        newcomer(1, name="Åsa Hemligsson"),
        newcomer(2, email="fel(at)example.se", name="Bo Hemlig"),
        newcomer(3, call=TODAY, referred_to="Centrumgrupen", phone="070-174 06 77"),
    ]
    workbook = memory_workbook(newcomers=rows)
    report = run(workbook, config, renderer)
    text = "\n".join(report.lines()) + repr(workbook.tab("Logg"))
    for secret in ("Hemlig", "person1@", "fel(at)", "person3@", "06 77", "0701740677"):
        assert secret not in text


def test_dry_run_renders_letters_and_changes_nothing(config: Config, renderer: Renderer) -> None:
    workbook = memory_workbook(newcomers=[newcomer(None, registered=None)])
    before = workbook.read()
    report = run(
        workbook,
        config,
        renderer,
        transport=Outbox(config.mail.outbox / "dry-run", NOW),
        dry_run=True,
    )
    assert workbook.read() == before and workbook.writes == []
    assert len(read_outbox(config.mail.outbox / "dry-run")) == 1
    assert report.sent == {"welcome": [1]}


def test_a_missing_column_stops_before_anything_is_written(
    config: Config, renderer: Renderer
) -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    grids["Intresserade"] = grid(
        "newcomers", [newcomer(1)], headers=[h for h in grids["Intresserade"][0] if h != "E-post"]
    )
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    with pytest.raises(MissingColumnError, match="'E-post' saknas i fliken 'Intresserade'"):
        run(workbook, config, renderer)
    assert workbook.writes == []
    assert not config.mail.outbox.exists()


def test_a_broken_template_stops_before_anything_is_written(config: Config, tmp_path: Path) -> None:
    templates = tmp_path / "mallar"
    for language in ("sv", "en"):
        for kind in ("welcome", "introduction_newcomer", "introduction_group", "alternatives"):
            folder = templates / language / kind
            folder.mkdir(parents=True)
            for part in ("subject.txt", "body.txt", "body.html"):
                (folder / part).write_text("{{ newcomer.first_name }}", encoding="utf-8")
    (templates / "sv" / "welcome" / "body.txt").write_text(
        "Hej {{ newcomer.smeknamn }}", encoding="utf-8"
    )
    workbook = memory_workbook(newcomers=[newcomer(1)])
    with pytest.raises(TemplateError, match=r"sv/welcome/body\.txt"):
        run(workbook, config, Renderer(templates))
    assert workbook.writes == []


# --- People edit the sheet while a run is under way ------------------------------------------


def _shuffle_rows(grids: Grids) -> None:
    """A coordinator sorts by name descending, inserts a new row on top and deletes one row."""
    sheet = grids["Intresserade"]
    header, rows = sheet[0], sheet[1:]
    rows.sort(key=lambda r: str(r[2]), reverse=True)
    rows = [r for r in rows if r[0] != 3]
    inserted: list[Any] = [None] * len(header)
    inserted[2], inserted[3] = "Insatt Person", "insatt@example.se"
    grids["Intresserade"] = [header, inserted, *rows]


def test_rows_sorted_inserted_and_deleted_mid_run_never_receive_another_rows_write(
    config: Config, renderer: Renderer
) -> None:
    rows = [newcomer(i, name=f"Person {chr(64 + i)}") for i in range(1, 6)]
    rows.append(newcomer(None, registered=None, email="utan.id@example.se", name="Person Z"))
    workbook = memory_workbook(newcomers=rows)
    edits = {"count": 0}

    def edit(grids: Grids) -> None:
        if edits["count"] == 0:
            _shuffle_rows(grids)
        edits["count"] += 1

    workbook.before_write = edit
    report = run(workbook, config, renderer)
    intake = workbook.tab("Intresserade")
    for row in intake:
        if row["Namn"] == "Insatt Person":
            assert row["ID"] is None and row["Välkomstbrev"] is None and row["Status"] is None
            continue
        expected_email = (
            "utan.id@example.se" if row["Namn"] == "Person Z" else f"person{row['ID']}@example.se"
        )
        assert row["E-post"] == expected_email
        assert row["Välkomstbrev"] == TODAY
        assert row["Status"].startswith("Välkomstbrev skickat 2026-11-24.")
    assert 3 not in {row["ID"] for row in intake}
    sent_to = sorted(recipients(read_outbox(config.mail.outbox)))
    assert "person3@example.se" not in sent_to  # its row vanished before the marker: no letter
    assert sent_to == sorted(
        [
            "person1@example.se",
            "person2@example.se",
            "person4@example.se",
            "person5@example.se",
            "utan.id@example.se",
        ]
    )
    assert report.sent["welcome"] and 3 not in report.sent["welcome"]


def test_a_row_deleted_after_its_letter_went_out_gets_no_stray_write(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1), newcomer(2)])
    calls = {"n": 0}

    def delete_second_write(grids: Grids) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # between the markers and the stamps
            grids["Intresserade"] = [r for r in grids["Intresserade"] if r[0] != 1]

    workbook.before_write = delete_second_write
    report = run(workbook, config, renderer)
    assert [row["ID"] for row in workbook.tab("Intresserade")] == [2]
    assert any("ID finns inte längre" in s.reason for s in report.skipped_writes)
    assert any(entry["Åtgärd"] == "skrivning hoppades över" for entry in workbook.tab("Logg"))


# --- At most once ----------------------------------------------------------------------------


def test_a_run_killed_while_sending_never_sends_twice(config: Config, renderer: Renderer) -> None:
    workbook = memory_workbook(newcomers=[newcomer(i) for i in range(1, 4)])
    with pytest.raises(Crash):
        run(
            workbook,
            config,
            renderer,
            transport=CrashingTransport(Outbox(config.mail.outbox, NOW), 1),
        )
    markers = [row["Välkomstbrev"] for row in workbook.tab("Intresserade")]
    assert all(str(m).startswith("Skickar…") for m in markers)
    run(workbook, config, renderer, today=TODAY + DAY)
    assert len(read_outbox(config.mail.outbox)) == 1  # the others wait for a person to check
    statuses = [row["Status"] for row in workbook.tab("Intresserade")]
    assert all("KONTROLLERA Välkomstbrev" in s for s in statuses)


def test_a_refused_address_is_written_in_the_stamp_cell_and_not_retried(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1)])
    report = run(
        workbook,
        config,
        renderer,
        transport=ScriptedTransport(Failed("550 brevlådan <person1@example.se> finns inte")),
    )
    stamp = by_id(workbook)[1]["Välkomstbrev"]
    assert stamp == "Fel 2026-11-24: 550 brevlådan <<adress>> finns inte"
    assert report.exit_code == 1 and report.failed == {"welcome": [1]}
    second = run(workbook, config, renderer, transport=ScriptedTransport(Sent()))
    assert second.sent == {}


def test_a_passing_fault_leaves_the_letter_due_for_the_next_run(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1)])
    run(workbook, config, renderer, transport=ScriptedTransport(Failed("421 upptagen", retry=True)))
    assert by_id(workbook)[1]["Välkomstbrev"] is None
    report = run(workbook, config, renderer)
    assert report.sent == {"welcome": [1]}


def test_letters_over_the_per_run_cap_wait_oldest_first(tmp_path: Path, renderer: Renderer) -> None:
    config = make_config(
        tmp_path, mail={"transport": "outbox", "outbox": "outbox", "max_per_run": 2}
    )
    rows = [newcomer(i, registered=TODAY - (5 - i) * DAY) for i in range(1, 5)]
    workbook = memory_workbook(newcomers=rows)
    report = run(workbook, config, renderer)
    assert report.sent == {"welcome": [1, 2]} and report.waiting == {"welcome": [3, 4]}
    assert [by_id(workbook)[i]["Välkomstbrev"] for i in (3, 4)] == [None, None]


def test_a_run_overlapping_another_sends_nothing_the_other_already_stamped(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1), newcomer(2)])
    calls = {"n": 0}

    def other_run_stamps_first(grids: Grids) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # between this run's read and its markers
            header = grids["Intresserade"][0]
            grids["Intresserade"][1][header.index("Välkomstbrev")] = TODAY

    workbook.before_write = other_run_stamps_first
    report = run(workbook, config, renderer)
    assert recipients(read_outbox(config.mail.outbox)) == ["person2@example.se"]
    assert report.sent == {"welcome": [2]}
    assert by_id(workbook)[1]["Välkomstbrev"] == TODAY


def test_free_text_in_a_referral_never_reaches_the_report(
    config: Config, renderer: Renderer
) -> None:
    row = newcomer(1, call=TODAY, referred_to="ring Kim tillbaka 070-174 06 11")
    report = run(memory_workbook(newcomers=[row]), config, renderer)
    text = "\n".join(report.lines())
    assert "Rätta Hänvisad till" in text and "Kim" not in text and "06 11" not in text


def test_a_followup_tab_without_optional_columns_still_receives_the_referral(
    config: Config, renderer: Renderer
) -> None:
    grids = workbook_grids(newcomers=[newcomer(1, call=TODAY, referred_to="Centrumgruppen")])
    grids["Uppföljning"] = [
        [h for h in grids["Uppföljning"][0] if h not in ("Anteckning", "Språk", "Återvärvning")]
    ]
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    run(workbook, config, renderer)
    assert by_id(workbook, "Uppföljning")[1]["E-post"] == "person1@example.se"
    assert by_id(workbook)[1]["E-post"] is None


# --- Dates typed as text ---------------------------------------------------------------------


def test_a_date_typed_as_text_in_the_xlsx_file_becomes_a_real_date_cell(
    config: Config, renderer: Renderer
) -> None:
    import openpyxl

    from medlemsrutiner.adapters.xlsx import XlsxWorkbook
    from tests.support import write_xlsx

    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1, welcome=TODAY, call="23/11")]))
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    sheet = openpyxl.load_workbook(path)["Intresserade"]
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Samtal") + 1)
    assert cell.value == dt.datetime(2026, 11, 23) and cell.is_date
    assert cell.number_format == "yyyy-mm-dd"


def test_an_anteckning_on_several_lines_moves_to_uppfoljning_with_its_line_breaks(
    config: Config, renderer: Renderer
) -> None:
    import openpyxl

    from medlemsrutiner.adapters.xlsx import XlsxWorkbook
    from tests.support import write_xlsx

    path = config.workbook.path
    assert path is not None
    note = "Vill skriva brev.\nRing efter 17.\n\nHar barn, kan inte tisdagar."
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Skrivargruppen", note=note)
    write_xlsx(path, workbook_grids(newcomers=[row]))
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    sheet = openpyxl.load_workbook(path)["Uppföljning"]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("Anteckning") + 1).value == note


def test_a_typed_date_changed_by_a_person_during_the_run_is_left_as_they_wrote_it(
    config: Config, renderer: Renderer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1, welcome=TODAY, call="23/11")])

    def retype(grids: Grids) -> None:
        column = grids["Intresserade"][0].index("Samtal")
        grids["Intresserade"][1][column] = "22/11"

    workbook.before_write = retype
    run(workbook, config, renderer)
    assert by_id(workbook)[1]["Samtal"] == "22/11"


def test_logg_follows_the_order_of_events_and_names_each_letter_in_swedish(
    config: Config, renderer: Renderer
) -> None:
    """A person followed up as `Inte aktiv` a week ago gets the re-engagement letter (and keeps
    their data a week more for it), another followed up as `Aktiv` is erased: Logg says the
    letters went, then that the data went."""
    called = TODAY - 7 * DAY
    followup = {
        **followup_of(5, TODAY - 70 * DAY),
        "language": "en",
        "followed_up": called,
        "result": "Inte aktiv",
    }
    done = {**followup_of(4, TODAY - 70 * DAY), "followed_up": called, "result": "Aktiv"}
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=None, email="ny@example.se")],
        followups=[done, followup],
    )
    report = run(workbook, config, renderer)
    assert report.sent == {"welcome": [6], "reengagement": [5]} and report.erased == [4]
    logged = [(row["Åtgärd"], row["ID"], row["Detalj"]) for row in workbook.tab("Logg")]
    assert logged[1:] == [  # after an earlier run's last row
        ("ny rad", 6, "ID tilldelat"),
        ("återvärvning skickad", 5, "återvärvningsbrev, engelska, grupp: Centrumgruppen"),
        ("välkomstbrev skickat", 6, "välkomstbrev, svenska"),
        ("uppgifter raderade", 4, "Uppföljning (Aktiv)"),
        ("daglig körning klar", None, ""),
    ]


def test_no_later_run_reads_loggs_details(tmp_path: Path, renderer: Renderer) -> None:
    """Logg's Detalj is for people: whatever it holds, the next day's run and the weekly
    summary do exactly the same (they find events by the action words)."""

    def next_day(name: str, detail: str | None) -> tuple[list[str], str, dict[str, Any]]:
        config = make_config(tmp_path / name, training_coordinator=TRAINER)
        called_back = {**followup_of(5, TODAY - 60 * DAY), "followed_up": TODAY, "result": "Aktiv"}
        workbook = memory_workbook(
            newcomers=[newcomer(None, registered=None), newcomer(2, call=TODAY - DAY)],
            followups=[called_back],
        )
        run(workbook, config, renderer)
        logg = workbook.grids["Logg"]
        column = logg[0].index("Detalj")
        for row in logg[1:] if detail is not None else []:
            row[column] = detail
        report = run(workbook, config, renderer, TODAY + DAY)
        transport = RecordingTransport()
        with workbook:
            later = dt.datetime.combine(TODAY + DAY, NOW.time(), NOW.tzinfo)
            run_weekly(workbook, transport, renderer, config, TODAY + DAY, later)
        summary = transport.sent[0].message.get_body(("plain",))
        assert summary is not None
        grids = {tab: grid for tab, grid in workbook.read().items() if tab != "Logg"}
        return report.lines(), str(summary.get_content()), grids

    as_written = next_day("written", None)
    assert next_day("blank", "") == as_written
    assert next_day("other", "sv/welcome, ID 99, introduktion skickat") == as_written
