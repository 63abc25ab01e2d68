"""The weekly summary and the training coordinator's letter, checked on the parsed messages."""

from __future__ import annotations

import datetime as dt
import io
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.weekly import run_weekly
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.transports import RecordingTransport
from tests.support import NOW, REPO, TODAY, make_config, memory_workbook, newcomer

DAY = dt.timedelta(days=1)


def _logged(day: dt.date, action: str, row_id: int | None = None, letters: Any = None) -> Any:
    return {"time": f"{day.isoformat()} 07:00", "action": action, "id": row_id, "letters": letters}


def _workbook() -> MemoryWorkbook:
    consent = dt.date(2024, 12, 4)  # ends 2026-12-04, within a month
    newcomers = [
        newcomer(1, registered=TODAY - 10 * DAY, welcome=TODAY - 9 * DAY),
        newcomer(2, registered=TODAY - 3 * DAY, welcome=TODAY - 2 * DAY),
        newcomer(3, email="fel"),
        newcomer(4, registered=TODAY - 2 * DAY, email="person2@example.se"),
        newcomer(6, welcome="Skickar… 2026-11-20 07:00"),
        newcomer(8, registered=TODAY - 200 * DAY, call=TODAY - 100 * DAY, referred_to="Avböjt",
                 consent=consent),
        newcomer(9, welcome=TODAY, call=TODAY, referred_to="Vilande"),
    ]  # fmt: skip
    followups = [
        {"id": 20, "name": "Anna Testdotter", "email": "a20@example.se",
         "referred_to": "Centrumgruppen",
         "referred": TODAY - 75 * DAY, "follow_up_from": TODAY - 19 * DAY,
         "follow_up_by": TODAY - 5 * DAY},
        {"id": 21, "name": "Bo Testdotter", "email": "b21@example.se",
         "referred_to": "Skrivargruppen",
         "referred": TODAY - 52 * DAY, "follow_up_from": TODAY + 4 * DAY,
         "follow_up_by": TODAY + 18 * DAY},
        {"id": 22, "name": "Cia Testdotter", "email": "c22@example.se",
         "referred_to": "Centrumgruppen",
         "referred": TODAY - 60 * DAY, "follow_up_from": TODAY - 4 * DAY,
         "follow_up_by": TODAY + 10 * DAY, "followed_up": TODAY - 2 * DAY, "result": "Aktiv"},
    ]  # fmt: skip
    groups = [
        {"group": "Centrumgruppen", "contact": "Rut Exempelsson", "email": "centrum@example.org",
         "active": "ja", "confirmed": TODAY - 30 * DAY},
        {"group": "Skrivargruppen", "contact": "Per Påhittad", "email": "brev@example.org",
         "active": "ja", "confirmed": TODAY - 200 * DAY, "reminder": TODAY - 5 * DAY},
        {"group": "Filmgruppen", "contact": "Bo Demosson", "email": "", "active": "ja",
         "confirmed": TODAY - 10 * DAY},
        {"group": "Vilande", "contact": "Siv", "email": "v@example.org", "active": "nej"},
    ]  # fmt: skip
    trainings = [{"date": TODAY + 9 * DAY, "time": "18.00", "title": "Grundutbildning"}]
    log = [
        _logged(TODAY - 3 * DAY, "daglig körning klar"),
        _logged(TODAY - 2 * DAY, "ny rad", 2),
        _logged(TODAY - 2 * DAY, "ny rad", 4),
        _logged(TODAY - 2 * DAY, "välkomstbrev skickat", 2, 1),
        _logged(TODAY - 2 * DAY, "välkomstbrev misslyckades", 3, 0),
        _logged(TODAY - 2 * DAY, "uppgifter raderade", 7),
        _logged(TODAY - 9 * DAY, "välkomstbrev skickat", 1, 1),  # last week: not counted
    ]
    return memory_workbook(
        newcomers=newcomers, followups=followups, groups=groups, trainings=trainings, log=log
    )


def _run(tmp_path: Path, workbook: MemoryWorkbook) -> tuple[Any, RecordingTransport]:
    config = make_config(
        tmp_path, training_coordinator={"name": "Alex Utbildare", "email": "kurs@example.org"}
    )
    transport = RecordingTransport()
    with workbook:
        report = run_weekly(workbook, transport, Renderer(REPO / "templates"), config, TODAY, NOW)
    return report, transport


def _text(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None
    return str(body.get_content())


def _section(text: str, title: str) -> list[int]:
    """The IDs listed after `title` (up to the next blank line)."""
    match = re.search(re.escape(title) + r" \(\d+\):(.*?)(?:\n\n|\Z)", text, re.S)
    # An ID that starts an item, not one quoted inside a problem ("Dubblett av ID 2").
    listed = re.findall(r"(?:^ |\n- |, )ID (\d+)", match.group(1)) if match else []
    return [int(i) for i in listed]


def test_the_summary_lists_exactly_what_to_do_this_week_with_the_alarm_on_top(
    tmp_path: Path,
) -> None:
    report, transport = _run(tmp_path, _workbook())
    summary = transport.sent[0].message
    assert summary["To"].addresses[0].addr_spec == "medlemsansvarig@example.org"
    text = _text(summary, "plain")
    assert text.startswith("VARNING: Den dagliga körningen har inte lyckats sedan 2026-11-21 07:00")
    assert str(summary["Subject"]).startswith("VARNING")
    assert _section(text, "Försenade samtal") == [1]
    assert _section(text, "Samtal att ringa i veckan") == [2, 3, 6]  # 4 is a duplicate
    assert _section(text, "Försenade uppföljningssamtal") == [20]
    assert _section(text, "Uppföljningssamtal i veckan") == [21]
    assert _section(text, "Rader att rätta") == [3, 4, 6, 9]
    assert "ID 1 Testa (21/11)" in text and "ID 20 Anna (19/11)" in text
    assert "ID 6 Testa: KONTROLLERA Välkomstbrev" in text
    assert "Samtycken som går ut inom en månad: ID 8 Testa (2026-12-04)" in text
    week = text.split("VECKAN SOM GÅTT")[1]
    assert week.strip().startswith(
        "2 nya intresserade, 1 välkomstbrev, 0 introduktioner, 0 med alternativen, "
        "0 återvärvningsbrev, 1 uppföljningar gjorda, 1 raderade."
    )
    assert (
        "- Skrivargruppen: uppgifterna obekräftade (senast: 2026-05-08); "
        "Per Påhittad tillfrågad 2026-11-19" in text
    )
    assert "- Filmgruppen: saknar e-post till kontaktpersonen" in text
    assert "- Vilande: vilande men har hänvisningar (ID 9)" in text
    assert "I veckan: 1 brev skickade, 1 misslyckade" in text
    assert report.todo == 10


def test_the_chart_is_a_png_shown_inline_from_the_html(tmp_path: Path) -> None:
    _, transport = _run(tmp_path, _workbook())
    summary = transport.sent[0].message
    html = _text(summary, "html")
    (image,) = [part for part in summary.walk() if part.get_content_type() == "image/png"]
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html
    picture = Image.open(io.BytesIO(image.get_content()))
    assert picture.format == "PNG" and picture.width > 300


def test_no_newcomer_address_or_phone_appears_in_either_letter(tmp_path: Path) -> None:
    _, transport = _run(tmp_path, _workbook())
    for email in transport.sent:
        everything = _text(email.message, "plain") + _text(email.message, "html")
        phones = [f"070-174 06 {10 + n:02d}" for n in (1, 2, 3, 4, 6, 8, 9)]
        for secret in ("@example.se", "0701740", "Person1", "Testdotter", *phones):
            assert secret not in everything, secret


def test_the_training_coordinator_gets_the_trainings_and_a_count_only(tmp_path: Path) -> None:
    _, transport = _run(tmp_path, _workbook())
    training = transport.sent[1].message
    assert training["To"].addresses[0].addr_spec == "kurs@example.org"
    assert training["Reply-To"].addresses[0].addr_spec == "medlemsansvarig@example.org"
    text = _text(training, "plain")
    assert "torsdag 3 december 2026 kl. 18.00: Grundutbildning" in text
    assert re.search(r"\d+ nya har registrerat sig sedan", text)


def test_a_second_weekly_run_in_the_same_week_sends_nothing(tmp_path: Path) -> None:
    workbook = _workbook()
    _run(tmp_path, workbook)
    actions = [row["Åtgärd"] for row in workbook.tab("Logg")]
    assert "veckosammanfattning skickas" in actions and "veckosammanfattning skickad" in actions
    report, transport = _run(tmp_path, workbook)
    assert transport.sent == [] and report.skipped == ["veckosammanfattning", "utbildningsbrev"]


@pytest.mark.parametrize("language", ["en"])
def test_an_english_coordinator_gets_the_summary_in_english(tmp_path: Path, language: str) -> None:
    config = make_config(tmp_path, language=language)
    transport = RecordingTransport()
    workbook = _workbook()
    with workbook:
        run_weekly(workbook, transport, Renderer(REPO / "templates"), config, TODAY, NOW)
    text = _text(transport.sent[0].message, "plain")
    assert text.startswith("WARNING: The daily run has not succeeded since")
    assert "Calls overdue (1): ID 1 Testa" in text and "Rows to fix (4):" in text
