"""The send journal in the daily run (routines/settle.py): a run stopped half-way is settled by
the next from what the journal proves; a journal that is missing, unreadable or cannot be
written never costs a letter twice. Over an in-memory workbook, a real outbox folder and a
real journal file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Set
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.sendlog_file import FileJournal, JournalError
from medlemsrutiner.config import Config
from medlemsrutiner.errors import MailError
from medlemsrutiner.letters.render import OutgoingEmail, Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.sendlog import Begun, RunStarted, from_line
from medlemsrutiner.sheet.stamps import StampState, read_stamp
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.fakes.transports import Crash, CrashingTransport, RecordingTransport
from tests.support import NOW, TODAY, memory_workbook, newcomer

DAY = dt.timedelta(days=1)
LATER = dt.timedelta(minutes=30)


def _workbook() -> MemoryWorkbook:
    """Three welcome letters and an introduction (two letters, then the move to Uppföljning)."""
    rows = [newcomer(i) for i in (1, 2, 3)]
    rows.append(
        newcomer(4, welcome=TODAY - 4 * DAY, call=TODAY - DAY, referred_to="Centrumgruppen")
    )
    return memory_workbook(newcomers=rows)


def run(
    workbook: MemoryWorkbook,
    config: Config,
    renderer: Renderer,
    *,
    transport: Any = None,
    now: dt.datetime = NOW,
    journal: bool = True,
) -> DailyReport:
    outbox = transport or Outbox(config.mail.outbox, now)
    with workbook:
        if not journal:
            return run_daily(workbook, outbox, renderer, config, now.date(), now)
        with FileJournal(config.journal_path) as opened:
            return run_daily(workbook, outbox, renderer, config, now.date(), now, journal=opened)


def stop_after_the_first_letter(
    workbook: MemoryWorkbook, config: Config, renderer: Renderer, letters: int = 1
) -> None:
    """A run whose process dies as it is about to hand over the letter after its first
    `letters` (with one: the introduction's group letter, begun in the journal, never written)."""
    transport = CrashingTransport(Outbox(config.mail.outbox, NOW), letters)
    with pytest.raises(Crash):
        run(workbook, config, renderer, transport=transport)


def sent(config: Config) -> Counter[str]:
    """Letters in the outbox by label (`ID4-introduction_group`)."""
    return Counter(
        path.name.split("-", 2)[2].removesuffix(".eml") for path in config.mail.outbox.glob("*.eml")
    )


def stamp(workbook: MemoryWorkbook, row_id: int, header: str) -> Any:
    return {row["ID"]: row for row in workbook.tab("Intresserade")}[row_id][header]


def test_a_run_stopped_while_sending_is_settled_letter_by_letter_by_the_next(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(
        workbook, config, renderer
    )  # the introduction's first letter went, then the process died
    assert stamps.marker_run(stamp(workbook, 1, "Välkomstbrev")) is not None

    report = run(workbook, config, renderer, now=NOW + LATER)

    # The journal showed: the newcomer's letter accepted, the group's begun without an answer
    # (it was about to be handed over) and not in the outbox, so never written, the welcome
    # letters never begun: the group's letter and the welcome letters go now, once.
    assert sent(config) == {
        "ID4-introduction_newcomer": 1,
        "ID4-introduction_group": 1,
        "ID1-welcome": 1,
        "ID2-welcome": 1,
        "ID3-welcome": 1,
    }
    assert [stamp(workbook, i, "Välkomstbrev") for i in (1, 2, 3)] == [TODAY] * 3
    assert [row["ID"] for row in workbook.tab("Uppföljning")] == [4]  # the move finished
    assert report.journal is not None
    assert (report.journal.confirmed, report.journal.resend, report.journal.uncertain) == (1, 4, 0)
    assert any("sändjournalen" in line for line in report.lines())
    assert report.exit_code == 0  # nothing for a person
    assert not config.journal_path.exists()  # every run is settled: nothing kept
    log = [(row["Åtgärd"], row["ID"], row["Detalj"]) for row in workbook.tab("Logg")]
    assert ("introduktion delvis skickad", 4) in [entry[:2] for entry in log]
    assert any(entry[1] == 4 and "utkorgen" in str(entry[2]) for entry in log)  # why it knew

    run(workbook, config, renderer, now=NOW + DAY)
    assert max(sent(config).values()) == 1


def test_on_a_transport_that_keeps_nothing_the_letter_in_flight_is_left_for_a_person(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    smtp_like = RecordingTransport()  # keeps nothing a later run can look at, as SMTP
    with pytest.raises(Crash):
        run(workbook, config, renderer, transport=CrashingTransport(smtp_like, 1))

    later = RecordingTransport()
    report = run(workbook, config, renderer, transport=later, now=NOW + LATER)

    assert [email.label for email in later.sent] == ["ID1-welcome", "ID2-welcome", "ID3-welcome"]
    intro = read_stamp(stamp(workbook, 4, "Introduktion"), TODAY)
    assert intro.state is StampState.SENDING
    assert intro.text.endswith("skickat till den intresserade")
    assert report.journal is not None
    assert (report.journal.confirmed, report.journal.resend, report.journal.uncertain) == (1, 3, 1)
    assert report.exit_code == 1  # the one uncertain letter needs a person


def test_a_run_stopped_in_its_last_write_has_every_letter_dated_and_the_move_finished(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    calls = {"n": 0}

    def die_in_the_last_write(grids: Grids) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash()

    workbook.before_write = die_in_the_last_write
    with pytest.raises(Crash):
        run(workbook, config, renderer)
    workbook.before_write = None
    assert len(sent(config)) == 5

    report = run(workbook, config, renderer, now=NOW + LATER)

    assert sum(sent(config).values()) == 5  # nothing again
    assert stamp(workbook, 4, "Introduktion") == TODAY
    assert [row["ID"] for row in workbook.tab("Uppföljning")] == [4]
    assert stamp(workbook, 4, "E-post") is None  # moved: the intake row keeps no data
    assert report.journal is not None and report.journal.confirmed == 5
    assert report.exit_code == 0
    log = [(row["Åtgärd"], row["ID"], row["Brev"]) for row in workbook.tab("Logg")]
    assert ("introduktion skickad", 4, 2) in log  # the daily limit counts them
    assert ("flyttad till Uppföljning", 4, None) in log


def test_without_its_journal_the_next_run_leaves_the_markers_for_a_person(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(workbook, config, renderer)
    config.journal_path.unlink()  # a lost runner, a deleted file

    run(workbook, config, renderer, now=NOW + LATER)

    assert sent(config) == {"ID4-introduction_newcomer": 1}
    for row_id, header in ((1, "Välkomstbrev"), (2, "Välkomstbrev"), (4, "Introduktion")):
        assert read_stamp(stamp(workbook, row_id, header), TODAY).state is StampState.SENDING
        assert "KONTROLLERA" in stamp(workbook, row_id, "Status")


def test_an_unreadable_journal_proves_nothing_and_is_started_afresh(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(workbook, config, renderer)
    config.journal_path.write_bytes(b"garbage\n" + config.journal_path.read_bytes())

    report = run(workbook, config, renderer, now=NOW + LATER)

    assert sent(config) == {"ID4-introduction_newcomer": 1}
    assert read_stamp(stamp(workbook, 1, "Välkomstbrev"), TODAY).state is StampState.SENDING
    assert report.journal is not None and report.journal.unreadable
    assert any("gick inte att läsa" in line for line in report.lines())
    assert not config.journal_path.exists()


class _JournalFullAfter:
    """A journal whose disk fills up after `entries` appends."""

    def __init__(self, path: Path, entries: int) -> None:
        self.inner = FileJournal(path)
        self.left = entries
        self.run = self.inner.run

    def describe(self) -> str:
        return self.inner.describe()

    def pending(self) -> Any:
        return self.inner.pending()

    def append(self, entries: Any) -> None:
        from medlemsrutiner.adapters.sendlog_file import JournalError

        if self.left == 0:
            raise JournalError("No space left on device")
        self.left -= 1
        self.inner.append(entries)

    def drop(self, runs: Any) -> None:
        self.inner.drop(runs)

    def clear(self) -> None:
        self.inner.clear()


def test_a_letter_whose_beginning_cannot_be_noted_is_not_sent_and_stays_due(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    journal = _JournalFullAfter(config.journal_path, 2)  # the run and one letter's beginning
    with workbook:
        report = run_daily(
            workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW, journal=journal
        )
    assert sent(config) == {"ID4-introduction_newcomer": 1}
    assert report.stopped is not None and "sändjournalen" in report.stopped
    assert [stamp(workbook, i, "Välkomstbrev") for i in (1, 2, 3)] == [None] * 3  # due again
    assert str(stamp(workbook, 4, "Introduktion")).startswith("Delvis skickat")
    assert report.journal is not None and report.journal.failed == "No space left on device"

    run(workbook, config, renderer, now=NOW + LATER)
    assert max(sent(config).values()) == 1 and len(sent(config)) == 5


def test_a_journal_that_cannot_be_written_at_all_leaves_the_run_as_without_one(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    journal = _JournalFullAfter(config.journal_path, 0)
    with workbook:
        report = run_daily(
            workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW, journal=journal
        )
    assert len(sent(config)) == 5
    assert stamp(workbook, 1, "Välkomstbrev") == TODAY
    assert report.journal is not None and report.journal.failed is not None


def test_a_date_a_person_wrote_over_a_marker_is_kept(config: Config, renderer: Renderer) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(workbook, config, renderer)
    grid = workbook.grids["Intresserade"]
    column = grid[0].index("Välkomstbrev")
    row = next(r for r in grid[1:] if r[0] == 1)
    row[column] = "skickat för hand"

    run(workbook, config, renderer, now=NOW + LATER)

    assert stamp(workbook, 1, "Välkomstbrev") == "skickat för hand"
    assert "ID1-welcome" not in sent(config)


def test_the_journal_holds_labels_and_message_ids_never_a_name_or_an_address(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(workbook, config, renderer, letters=3)
    text = config.journal_path.read_text(encoding="utf-8")
    assert "ID1-welcome" in text
    for person in workbook.tab("Intresserade"):
        for header in ("Namn", "E-post", "Telefon"):
            assert str(person[header]) not in text
    assert "centrum@example.org" not in text and "Rut Exempelsson" not in text


def test_a_dry_run_neither_reads_nor_writes_the_journal(config: Config, renderer: Renderer) -> None:
    config.journal_path.write_bytes(b"garbage\n")
    workbook = _workbook()
    with workbook, FileJournal(config.journal_path) as journal:
        report = run_daily(
            workbook,
            Outbox(config.mail.outbox / "dry-run", NOW),
            renderer,
            config,
            TODAY,
            NOW,
            dry_run=True,
            journal=journal,
        )
    assert report.journal is None
    assert config.journal_path.read_bytes() == b"garbage\n"


def test_every_letter_is_noted_in_the_journal_before_it_is_handed_over(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    noted: list[bool] = []  # when a letter is handed over, its Begun entry is already on disk

    def look(email: OutgoingEmail) -> None:
        lines = config.journal_path.read_text(encoding="utf-8").splitlines()
        begun = Begun(journal_run(lines), email.label, str(email.message["Message-ID"]))
        noted.append(begun in [from_line(line) for line in lines])

    transport = RecordingTransport(Outbox(config.mail.outbox, NOW), before_send=look)
    run(workbook, config, renderer, transport=transport)
    assert noted == [True] * 5 and len(transport.sent) == 5


def journal_run(lines: list[str]) -> str:
    """The token of the run whose entries `lines` hold (its RunStarted line)."""
    [started] = [entry for entry in map(from_line, lines) if isinstance(entry, RunStarted)]
    return started.run


def test_a_forget_stopped_after_removing_the_letters_never_makes_a_run_send_them_again(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()

    def die(email: OutgoingEmail, outcome: object) -> None:
        raise Crash()  # the letter is in the outbox; its answer never reaches the journal

    with pytest.raises(Crash):
        run(
            workbook,
            config,
            renderer,
            transport=RecordingTransport(Outbox(config.mail.outbox, NOW), after_send=die),
        )
    assert sent(config) == {"ID4-introduction_newcomer": 1}

    def die_before_the_write(grids: Grids) -> None:
        raise Crash()

    workbook.before_write = die_before_the_write  # forget removed the letters, then died
    with pytest.raises(Crash), workbook, FileJournal(config.journal_path) as opened:
        run_forget(workbook, config, TODAY, NOW + LATER, row_id=4, journal=opened)
    workbook.before_write = None
    assert sent(config) == {}
    assert not config.journal_path.exists()  # its one run dropped before the letters went

    report = run(workbook, config, renderer, now=NOW + 2 * LATER)

    # The journal no longer accounts for that run: its markers are left for a person, and the
    # letter forget removed is not taken for one never written.
    assert "ID4-introduction_newcomer" not in sent(config)
    assert read_stamp(stamp(workbook, 4, "Introduktion"), TODAY).state is StampState.SENDING
    assert "KONTROLLERA" in stamp(workbook, 4, "Status")
    assert report.exit_code == 1


def test_a_forget_that_cannot_clear_the_journal_removes_nothing(
    config: Config, renderer: Renderer
) -> None:
    workbook = _workbook()
    stop_after_the_first_letter(workbook, config, renderer)

    class FullDisk(FileJournal):
        def drop(self, runs: Set[str]) -> None:
            raise JournalError("disken är full")

    with (
        pytest.raises(MailError, match="inget har raderats"),
        workbook,
        FullDisk(config.journal_path) as opened,
    ):
        run_forget(workbook, config, TODAY, NOW + LATER, row_id=4, journal=opened)
    assert sent(config) == {"ID4-introduction_newcomer": 1}  # the letter is still there
    assert stamp(workbook, 4, "E-post") is not None  # and the row untouched
