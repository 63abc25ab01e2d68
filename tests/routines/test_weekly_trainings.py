"""The training coordinator's weekly letter and the summary's trainings section: exact counts of
newcomers who still need a basic training, `Utbildning` taking a person off the count, and the
flag when no training is planned within `trainings_within_days` (the window of the letters to
newcomers: one setting for both)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from medlemsrutiner.sheet.schema import tables_from_grids
from medlemsrutiner.steps.records import read_records
from tests.routines.weekly_mail import DAY, html_section, known_workbook, part, run, text_sections
from tests.support import TODAY, make_config

GAP_SV = "Ingen utbildning är inplanerad inom 90 dagar."


def _letters(
    tmp_path: Path,
    attended: dict[int, dt.date] | None = None,
    trainings: list[dict[str, Any]] | None = None,
) -> tuple[EmailMessage, EmailMessage]:
    _, transport = run(tmp_path, known_workbook(attended=attended, trainings=trainings))
    summary, training = (email.message for email in transport.sent)
    return summary, training


def _summary_trainings(summary: EmailMessage) -> tuple[list[str], list[str], list[str]]:
    """The trainings section: its plain-text lines, the HTML paragraphs and the HTML items."""
    section = html_section(part(summary, "html"), "Utbildningar")
    return text_sections(part(summary, "plain"))["UTBILDNINGAR"], section.paragraphs, section.items


def test_the_training_coordinator_gets_the_trainings_and_an_exact_count(tmp_path: Path) -> None:
    summary, training = _letters(tmp_path)
    assert training["To"].addresses[0].addr_spec == "kurs@example.org"
    assert training["Reply-To"].addresses[0].addr_spec == "medlemsansvarig@example.org"
    assert str(training["Subject"]) == "Utbildningar för nya, vecka 48: 5 väntar"
    # Registered since the last training (2026-10-25): 1, 2, 3, 6 and 9. Not 4 (a second row
    # of 2), not 8 (declined, and registered before it).
    count = (
        "5 nya har registrerat sig sedan förra utbildningen (2026-10-25) "
        "och inte gått grundutbildningen än."
    )
    text = part(training, "plain")
    assert count in text.splitlines()
    assert "- torsdag 3 december 2026 kl. 18.00: Grundutbildning" in text.splitlines()
    assert "Ingen utbildning" not in text
    html = html_section(part(training, "html"), "")
    assert count in html.paragraphs
    assert html.items == ["torsdag 3 december 2026 kl. 18.00: Grundutbildning"]
    assert not any("Ingen utbildning" in p for p in html.paragraphs)

    lines, paragraphs, items = _summary_trainings(summary)
    needing = (
        "5 nya har inte gått grundutbildningen (registrerade sedan förra utbildningen, 2026-10-25)."
    )
    assert lines == [needing, "- torsdag 3 december 2026: Grundutbildning"]
    assert paragraphs == [needing] and items == ["torsdag 3 december 2026: Grundutbildning"]


def test_once_utbildning_is_filled_the_person_no_longer_counts(tmp_path: Path) -> None:
    summary, training = _letters(tmp_path, attended={2: TODAY - 30 * DAY, 9: TODAY - 30 * DAY})
    assert str(training["Subject"]) == "Utbildningar för nya, vecka 48: 3 väntar"
    count = (
        "3 nya har registrerat sig sedan förra utbildningen (2026-10-25) "
        "och inte gått grundutbildningen än."
    )
    assert count in part(training, "plain").splitlines()
    assert count in html_section(part(training, "html"), "").paragraphs
    lines, paragraphs, _ = _summary_trainings(summary)
    needing = (
        "3 nya har inte gått grundutbildningen (registrerade sedan förra utbildningen, 2026-10-25)."
    )
    assert lines[0] == needing and paragraphs == [needing]


def test_no_training_within_the_letters_window_is_flagged_in_both_letters(
    tmp_path: Path,
) -> None:
    trainings = [
        {"date": TODAY - 5 * DAY, "time": "18.00", "title": "Grundutbildning"},
        {"date": TODAY + 91 * DAY, "time": "18.00", "title": "Grundutbildning"},
    ]
    summary, training = _letters(tmp_path, trainings=trainings)
    # The last training was on 2026-11-19: ID 1 registered before it, so 2, 3, 6 and 9 remain.
    text = part(training, "plain")
    lines = text.splitlines()
    assert (
        "4 nya har registrerat sig sedan förra utbildningen (2026-11-19) "
        "och inte gått grundutbildningen än."
    ) in lines
    assert (
        f"{GAP_SV} Kan du planera in en? Skriv den i fliken Utbildningar så kommer den med i "
        "breven till de nya." in lines
    )
    assert "- tisdag 23 februari 2027 kl. 18.00: Grundutbildning" in lines
    html = html_section(part(training, "html"), "")
    assert any(p.startswith(GAP_SV) for p in html.paragraphs)

    lines, paragraphs, items = _summary_trainings(summary)
    needing = (
        f"4 nya har inte gått grundutbildningen "
        f"(registrerade sedan förra utbildningen, 2026-11-19). {GAP_SV}"
    )
    assert lines == [needing, "- tisdag 23 februari 2027: Grundutbildning"]
    assert paragraphs == [needing] and items == ["tisdag 23 februari 2027: Grundutbildning"]


def test_a_training_on_the_last_day_of_the_letters_window_is_no_gap(tmp_path: Path) -> None:
    trainings = [{"date": TODAY + 90 * DAY, "title": "Grundutbildning"}]
    summary, training = _letters(tmp_path, trainings=trainings)
    assert "Ingen utbildning" not in part(training, "plain") + part(summary, "plain")
    # Without a past training the count starts 180 days back: 8 declined, so still 5. That
    # day is nothing a coordinator knows of, so neither letter names it.
    lines, _, _ = _summary_trainings(summary)
    assert lines[0] == "5 nya har inte gått grundutbildningen."
    assert "5 nya har inte gått grundutbildningen än." in part(training, "plain").splitlines()


def test_the_english_training_letter_flags_the_gap_and_uses_the_english_title(
    tmp_path: Path,
) -> None:
    trainings = [
        {"date": TODAY + 91 * DAY, "title": "Grundutbildning", "title_en": "Basic training"},
    ]
    _, transport = run(tmp_path, known_workbook(trainings=trainings), language="en")
    training = transport.sent[1].message
    lines = part(training, "plain").splitlines()
    assert "5 newcomers have not yet attended a basic training." in lines
    assert any(line.startswith("No training is planned within 90 days.") for line in lines)
    assert "- Tuesday 23 February 2027: Basic training" in lines


def test_the_summary_and_the_letters_to_newcomers_share_one_training_window(
    tmp_path: Path,
) -> None:
    """`trainings_within_days = 30`: a training in 40 days is in no letter to a newcomer, so
    both weekly letters say none is planned within that window."""
    trainings = [{"date": TODAY + 40 * DAY, "time": "18.00", "title": "Grundutbildning"}]
    workbook = known_workbook(trainings=trainings)
    routine = {"trainings_within_days": 30}
    _, transport = run(tmp_path, workbook, routine=routine)
    summary, training = (email.message for email in transport.sent)
    gap = "Ingen utbildning är inplanerad inom 30 dagar."
    assert any(line.startswith(gap) for line in part(training, "plain").splitlines())
    lines, _, _ = _summary_trainings(summary)
    assert lines[0].endswith(gap)
    # The letters to newcomers read the same setting: the training is not in them.
    config = make_config(tmp_path, routine=routine)
    tables = tables_from_grids(workbook.read(), config.workbook.tab_names)
    records = read_records(tables, TODAY, config.settings)
    assert records.upcoming and records.shared.trainings == ()


def test_a_training_typed_without_a_year_that_has_passed_is_a_row_to_fix(tmp_path: Path) -> None:
    trainings: list[dict[str, Any]] = [
        {"date": "20/11", "time": "18.00", "title": "Grundutbildning"},
        {"date": TODAY + 9 * DAY, "time": "18.00", "title": "Grundutbildning"},
    ]
    summary, _ = _letters(tmp_path, trainings=trainings)
    fix = "Utbildningar rad 2, Datum: datumet saknar år och har redan varit (läses som 2026-11-20)."
    assert any(fix in line for line in part(summary, "plain").splitlines())
    assert fix in part(summary, "html")


def test_with_no_training_at_all_the_letter_says_so_once(tmp_path: Path) -> None:
    _, training = _letters(tmp_path, trainings=[])
    text = part(training, "plain")
    assert text.count(GAP_SV) == 1
    assert "Inga utbildningar" not in text and "inplanerade" not in text
    html = html_section(part(training, "html"), "")
    assert [p for p in html.paragraphs if "inplanerad" in p] == [
        f"{GAP_SV} Kan du planera in en? Skriv den i fliken Utbildningar så kommer den med i "
        "breven till de nya."
    ]
