"""A letter kind is one entry: a kind added from outside the package — one registry entry, its
rule, and templates this test writes — is planned, stamped and sent once, settled from the send
journal after a crash, shown in Status, the to-do list and the preview, and counted in the
weekly summary. No module had to be edited for it.

The kind: a thank-you letter to a newcomer who has attended a basic training (`Utbildning`
filled), guarded by an extra stamp column in Intresserade, `Tackbrev`."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.sendlog_file import FileJournal
from medlemsrutiner.config import Config
from medlemsrutiner.letters.preview import write_preview
from medlemsrutiner.letters.render import OutgoingEmail, Renderer
from medlemsrutiner.plan import Delivery, Letter, LetterOutcome
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.routines.weekly import run_weekly
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import letter_kinds
from medlemsrutiner.sheet.letter_kinds import DeliveryKind, LetterKind, StampColumn
from medlemsrutiner.sheet.schema import NEWCOMERS, Column, Owner
from medlemsrutiner.sheet.stamps import StampState, read_stamp
from medlemsrutiner.steps import rules
from medlemsrutiner.steps.records import Newcomer, Records
from medlemsrutiner.wording import Noun
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.fakes.transports import Crash, RecordingTransport
from tests.support import NOW, REPO, TODAY, make_config, memory_workbook, newcomer

DAY = dt.timedelta(days=1)
LATER = dt.timedelta(minutes=30)

THANKS_STAMP = StampColumn(
    "newcomers",
    "thanks",
    "Thank-you letter",
    adds=Column("thanks", "Tackbrev", Owner.SCRIPT, required=False, kind="date"),
)
THANKS = LetterKind(
    "training_thanks",
    "newcomer",
    ("newcomer",),
    "Tack efter grundutbildningen",
    DeliveryKind(
        "training_thanks",
        THANKS_STAMP,
        "tackbrev",
        Noun("tackbrev", "tackbrev", "thank-you letter", "thank-you letters", neuter=True),
        counted=True,
    ),
)


def thanks_due(
    row: Newcomer, records: Records, today: dt.date, settings: Settings
) -> Delivery | None:
    """The rule: once `Utbildning` holds a date, a thank-you letter, once."""
    stamp = row.stamps[THANKS_STAMP.column]
    if row.training is None or stamp.state is not StampState.DUE or row.email is None:
        return None
    assert row.id is not None
    person = row.person
    letter = Letter(THANKS.name, person.language, row.email, person.name, person)
    return Delivery(
        tab="newcomers",
        row_id=row.id,
        stamp=THANKS_STAMP.column,
        letters=(letter,),
        due_since=row.training,
        kind="training_thanks",
        stamp_text=stamp.text,
    )


TEMPLATES = {
    "sv": ("Tack för att du kom!", "Hej {{ newcomer.first_name }}! Tack för att du gick "
           "grundutbildningen.\n{% include \"sv/_partials/signature.txt\" %}"),
    "en": ("Thank you for coming!", "Hi {{ newcomer.first_name }}! Thank you for attending "
           "the basic training.\n{% include \"en/_partials/signature.txt\" %}"),
}  # fmt: skip


@pytest.fixture
def thanks() -> Iterator[None]:
    """The kind and its rule, registered for one test."""
    with letter_kinds.registered(THANKS), rules.registered(rules.Rule(THANKS.name, thanks_due)):
        yield


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """The package's templates, and the new kind's in both languages."""
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    for language, (subject, body) in TEMPLATES.items():
        kind = folder / language / THANKS.name
        kind.mkdir()
        (kind / "subject.txt").write_text(subject, encoding="utf-8")
        (kind / "body.txt").write_text(body, encoding="utf-8")
        (kind / "body.html").write_text(
            f'{{% extends "_layout.html" %}}{{% block content %}}<p>{body}</p>{{% endblock %}}',
            encoding="utf-8",
        )
    return folder


def _workbook() -> MemoryWorkbook:
    """Two newcomers who have attended the training, and one who has not."""
    rows = [
        newcomer(i, TODAY - 10 * DAY, welcome=TODAY - 9 * DAY, call=TODAY - 8 * DAY, training=day)
        for i, day in ((1, TODAY - DAY), (2, TODAY - 2 * DAY), (3, None))
    ]
    workbook = memory_workbook(newcomers=rows)
    assert "Tackbrev" in workbook.grids["Intresserade"][0]  # the workbook has the column
    return workbook


def _run(
    workbook: MemoryWorkbook,
    config: Config,
    templates: Path,
    transport: Transport,
    now: dt.datetime = NOW,
) -> DailyReport:
    with workbook, FileJournal(config.journal_path) as journal:
        return run_daily(
            workbook, transport, Renderer(templates), config, now.date(), now, journal=journal
        )


def _cell(workbook: MemoryWorkbook, row_id: int, header: str) -> Any:
    return {row["ID"]: row for row in workbook.tab("Intresserade")}[row_id][header]


def _labels(*transports: RecordingTransport) -> Counter[str]:
    return Counter(email.label for transport in transports for email in transport.sent)


@pytest.mark.usefixtures("thanks")
def test_a_kind_added_from_outside_is_planned_stamped_and_sent_once(
    config: Config, templates: Path
) -> None:
    workbook = _workbook()
    first = RecordingTransport(Outbox(config.mail.outbox, NOW))
    report = _run(workbook, config, templates, first)

    assert _labels(first) == {"ID1-training_thanks": 1, "ID2-training_thanks": 1}
    assert [str(email.message["Subject"]) for email in first.sent] == ["Tack för att du kom!"] * 2
    assert [_cell(workbook, i, "Tackbrev") for i in (1, 2, 3)] == [TODAY, TODAY, None]
    assert "  2 tackbrev skickade (ID 1, 2)" in report.lines()
    log = [(row["Åtgärd"], row["ID"], row["Brev"]) for row in workbook.tab("Logg")]
    assert ("tackbrev skickat", 1, 1) in log
    assert "Tackbrev skickat 2026-11-24." in _cell(workbook, 1, "Status")  # (c) Status

    again = RecordingTransport(Outbox(config.mail.outbox, NOW + DAY))
    _run(workbook, config, templates, again, NOW + DAY)
    assert _labels(again) == {}


@pytest.mark.usefixtures("thanks")
def test_a_crash_between_hand_over_and_stamp_is_settled_from_the_journal(
    config: Config, templates: Path
) -> None:
    workbook = _workbook()
    writes = {"n": 0}

    def die_in_the_last_write(grids: Grids) -> None:
        writes["n"] += 1
        if writes["n"] == 2:  # the markers landed, the letters went: the stamps never came
            raise Crash()

    workbook.before_write = die_in_the_last_write
    first = RecordingTransport(Outbox(config.mail.outbox, NOW))
    with pytest.raises(Crash):
        _run(workbook, config, templates, first)
    workbook.before_write = None
    assert read_stamp(_cell(workbook, 1, "Tackbrev"), TODAY).state is StampState.SENDING

    later = RecordingTransport(Outbox(config.mail.outbox, NOW + LATER))
    report = _run(workbook, config, templates, later, NOW + LATER)

    assert _labels(first, later) == {"ID1-training_thanks": 1, "ID2-training_thanks": 1}
    assert [_cell(workbook, i, "Tackbrev") for i in (1, 2)] == [TODAY, TODAY]
    assert report.journal is not None and report.journal.confirmed == 2
    assert report.exit_code == 0


@pytest.mark.usefixtures("thanks")
def test_a_letter_in_flight_at_a_crash_is_never_resent_and_is_in_status_and_the_to_do_list(
    config: Config, templates: Path
) -> None:
    workbook = _workbook()

    def die_before_the_answer(email: OutgoingEmail, outcome: LetterOutcome) -> None:
        raise Crash()  # the server has the letter; the run never learns it

    # A mail server keeps nothing a later run can look at (the outbox would show the letter).
    first = RecordingTransport(after_send=die_before_the_answer)
    with pytest.raises(Crash):
        _run(workbook, config, templates, first)

    later = RecordingTransport()
    report = _run(workbook, config, templates, later, NOW + LATER)

    # The oldest due went first (ID 2): begun without an answer, it may have left, so it is
    # never sent again and is left for a person; ID 1's was never handed over: it goes now.
    assert _labels(first) == {"ID2-training_thanks": 1}
    assert _labels(first, later) == {"ID1-training_thanks": 1, "ID2-training_thanks": 1}
    assert _cell(workbook, 1, "Tackbrev") == TODAY
    assert read_stamp(_cell(workbook, 2, "Tackbrev"), TODAY).state is StampState.SENDING
    assert _cell(workbook, 2, "Status").startswith("KONTROLLERA Tackbrev: utskicket avbröts")
    lines = report.lines()
    assert any(line.startswith("    ID 2: KONTROLLERA Tackbrev:") for line in lines)  # (d)
    assert report.exit_code == 1


@pytest.mark.usefixtures("thanks")
def test_the_preview_shows_the_added_kind_in_both_languages(
    config: Config, templates: Path, tmp_path: Path
) -> None:
    index = write_preview(config, Renderer(templates), tmp_path / "preview", NOW)

    assert {"sv-training_thanks.html", "en-training_thanks.html"} <= {
        path.name for path in index.parent.iterdir()
    }
    text = index.read_text(encoding="utf-8")
    assert "Tack efter grundutbildningen (svenska)" in text
    assert "Thank you for coming!" in text


@pytest.mark.usefixtures("thanks")
def test_the_weekly_summary_counts_the_added_kind(
    config: Config, templates: Path, tmp_path: Path
) -> None:
    workbook = _workbook()
    _run(workbook, config, templates, Outbox(config.mail.outbox, NOW))

    for language, words in (("sv", "2 tackbrev,"), ("en", "2 thank-you letters,")):
        transport = RecordingTransport()
        with workbook:
            run_weekly(
                workbook,
                transport,
                Renderer(templates),
                make_config(tmp_path, language=language),
                TODAY,
                NOW,
                dry_run=True,  # both languages the same week
            )
        body = transport.sent[0].message.get_body(("plain",))
        assert body is not None
        assert words in str(body.get_content())


def test_a_registration_ends_with_its_block() -> None:
    with letter_kinds.registered(THANKS):
        assert letter_kinds.letter_kind("training_thanks") is THANKS
        assert "Tackbrev" in NEWCOMERS.headers
    assert letter_kinds.letter_kind("training_thanks") is None
    assert "Tackbrev" not in NEWCOMERS.headers
    assert letter_kinds.letter_kinds() == letter_kinds.BUILT_IN


def test_a_kind_that_clashes_with_one_registered_is_refused_and_nothing_stays() -> None:
    welcome_again = LetterKind("welcome", "newcomer", ("newcomer",), "Välkommen igen")
    with pytest.raises(ValueError), letter_kinds.registered(THANKS, welcome_again):
        pass
    assert letter_kinds.letter_kinds() == letter_kinds.BUILT_IN
    assert "Tackbrev" not in NEWCOMERS.headers


def test_a_rule_needs_its_kind_in_the_registry_and_a_function_for_its_tab() -> None:
    with pytest.raises(ValueError), rules.registered(rules.Rule(THANKS.name, thanks_due)):
        pass
    wrong_tab = rules.Rule(THANKS.name, followup=lambda *_: None)
    with letter_kinds.registered(THANKS), pytest.raises(ValueError), rules.registered(wrong_tab):
        pass


@pytest.mark.usefixtures("thanks")
def test_an_unreadable_stamp_of_the_added_kind_is_a_problem_of_its_row(
    config: Config, templates: Path
) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(1, TODAY - 3 * DAY, welcome=TODAY - 2 * DAY, training=TODAY, thanks=1)]
    )
    transport = RecordingTransport(Outbox(config.mail.outbox, NOW))
    report = _run(workbook, config, templates, transport)

    assert _labels(transport) == {}
    assert _cell(workbook, 1, "Status").startswith("Rätta Tackbrev: cellen ska vara tom")
    assert report.exit_code == 1


# --- The Swedish stamp headers are written once --------------------------------------------------

PACKAGE = REPO / "medlemsrutiner"
HEADERS = ("Välkomstbrev", "Introduktion", "Alternativ", "Återvärvning", "Påminnelse")


def _literals(path: Path) -> set[str]:
    """Every string literal of a module (f-string parts included), without surrounding spaces."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


@pytest.mark.parametrize("header", HEADERS)
def test_a_stamp_header_is_a_literal_in_at_most_one_module_besides_the_schema(
    header: str,
) -> None:
    """The schema owns the headers; the registry and every reader take them from there (an
    `Alternativ` may still be an ordinary word: click's `Options` heading)."""
    modules = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "schema.py" and header in _literals(path)
    ]
    assert len(modules) <= 1, modules


def test_the_literal_check_sees_a_header_written_by_hand(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text('HEADER = "Återvärvning"\nTEXT = f"{HEADER} skickat"\n', encoding="utf-8")
    assert "Återvärvning" in _literals(module)
    assert "Återvärvningsbrev" not in _literals(module)
