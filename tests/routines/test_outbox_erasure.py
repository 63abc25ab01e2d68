"""The outbox keeps a person's letters no longer than the workbook keeps their data: days of the
daily run over an in-memory workbook and a real outbox folder (the embedded default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.cli.shell import open_transport
from medlemsrutiner.config import Config
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.letterfile import LetterRecord, OutboxLetter
from medlemsrutiner.letters.render import OutgoingEmail, Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.routines.weekly import run_weekly
from medlemsrutiner.sheet.changes import Change, Resolution
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.fakes.transports import RecordingTransport
from tests.support import NOW, TODAY, make_config, memory_workbook, newcomer

DAY = dt.timedelta(days=1)
REFERRED = TODAY + 2 * DAY
CALLED_BACK = REFERRED + 60 * DAY
ERASED = CALLED_BACK + 7 * DAY
"""Person 1: welcomed on TODAY, referred two days later, followed up as `Inte aktiv` 60 days
after that, erased a week after the follow-up call."""


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOW.time(), NOW.tzinfo)


def run(
    workbook: MemoryWorkbook,
    config: Config,
    renderer: Renderer,
    day: dt.date,
    *,
    dry_run: bool = False,
    transport: Any = None,
) -> DailyReport:
    folder = config.mail.outbox / "dry-run" if dry_run else config.mail.outbox
    with workbook:
        return run_daily(
            workbook,
            transport or Outbox(folder, at(day)),
            renderer,
            config,
            day,
            at(day),
            dry_run=dry_run,
        )


def letters(config: Config) -> list[str]:
    """Every letter file under the outbox folder (dry-run folder included), as
    `dry-run/ID1-welcome` or `ID1-welcome`."""
    if not config.mail.outbox.exists():
        return []
    return sorted(
        str(
            path.relative_to(config.mail.outbox).with_name(path.name.split("-", 2)[2])
        ).removesuffix(".eml")
        for path in config.mail.outbox.rglob("*.eml")
    )


def type_into(workbook: MemoryWorkbook, tab: str, row_id: int, **values: Any) -> None:
    """A coordinator types `values` (by header) into the row with `row_id`."""
    grid = workbook.grids[tab]
    headers = [str(h) for h in grid[0]]
    (row,) = [row for row in grid[1:] if row and row[headers.index("ID")] == row_id]
    for header, value in values.items():
        row[headers.index(header)] = value


def holds(workbook: MemoryWorkbook, tab: str, row_id: int) -> bool:
    """The row with `row_id` still holds a name, an address or a phone number."""
    return any(
        row.get(h) for row in workbook.tab(tab) if row["ID"] == row_id for h in ("Namn", "E-post")
    )


_WRITTEN: list[dt.datetime] = []


def letter_file(
    folder: Path,
    written: dt.date,
    record: LetterRecord,
    body: str = "Hej!",
    to: str = "x@example.se",
) -> Path:
    """A letter written on `written` by the outbox transport, recording `record`."""
    message = EmailMessage()
    message["From"] = "medlemsansvarig@example.org"
    message["To"] = to
    message["Subject"] = "Brev"
    message.set_content(body)
    now = at(written) + dt.timedelta(seconds=len(_WRITTEN))  # a name of its own
    _WRITTEN.append(now)
    outbox = Outbox(folder, now)
    with outbox:
        outbox.send(OutgoingEmail(message, message.as_bytes(), "a@example.org", to, "x", record))
    (path,) = outbox.written
    return path


def _people() -> MemoryWorkbook:
    return memory_workbook(
        newcomers=[
            newcomer(1, registered=TODAY),  # referred, followed up, erased
            newcomer(2, registered=TODAY),  # still waiting for a call throughout
            newcomer(3, registered=TODAY),  # declines: erased 30 days after the call
        ]
    )


def _until_the_day_before_erasure(
    workbook: MemoryWorkbook, config: Config, renderer: Renderer
) -> None:
    run(workbook, config, renderer, TODAY)
    type_into(workbook, "Intresserade", 1, Samtal=REFERRED, **{"Hänvisad till": "Centrumgruppen"})
    type_into(workbook, "Intresserade", 3, Samtal=REFERRED, **{"Hänvisad till": "Avböjt"})
    run(workbook, config, renderer, REFERRED)
    assert holds(workbook, "Uppföljning", 1) and not holds(workbook, "Intresserade", 1)
    type_into(workbook, "Uppföljning", 1, Uppföljning=CALLED_BACK, Resultat="Inte aktiv")
    run(workbook, config, renderer, CALLED_BACK)
    run(workbook, config, renderer, ERASED - DAY)


PERSON_1 = [
    "ID1-introduction_group",
    "ID1-introduction_newcomer",
    "ID1-reengagement",
    "ID1-welcome",
]


def test_a_persons_letters_leave_the_outbox_the_day_their_data_is_erased(
    config: Config, renderer: Renderer
) -> None:
    workbook = _people()
    _until_the_day_before_erasure(workbook, config, renderer)
    before = letters(config)
    person_1 = [name for name in before if "ID1-" in name]
    assert person_1 == PERSON_1
    assert "ID2-welcome" in before
    # Person 3 declined and was erased 30 days after the call, their welcome with them.
    assert not holds(workbook, "Intresserade", 3)
    assert [name for name in before if "ID3-" in name] == []
    assert holds(workbook, "Uppföljning", 1)

    report = run(workbook, config, renderer, ERASED)

    assert report.erased == [1] and not holds(workbook, "Uppföljning", 1)
    after = letters(config)
    assert [name for name in after if "ID1-" in name] == []
    assert after == sorted(set(before) - set(person_1))  # everyone else's stay
    assert "  brev i utkorgen raderade: 4" in report.lines()
    assert report.exit_code == 0
    # A later run finds nothing more to remove and says nothing about it.
    again = run(workbook, config, renderer, ERASED + DAY)
    assert letters(config) == after
    assert not any("utkorgen" in line for line in again.lines())


def test_the_declined_persons_welcome_goes_on_their_erasure_day(
    config: Config, renderer: Renderer
) -> None:
    workbook = _people()
    run(workbook, config, renderer, TODAY)
    type_into(workbook, "Intresserade", 3, Samtal=TODAY + DAY, **{"Hänvisad till": "Avböjt"})
    run(workbook, config, renderer, TODAY + 30 * DAY)
    assert "ID3-welcome" in letters(config)

    report = run(workbook, config, renderer, TODAY + 31 * DAY)

    assert report.erased == [3]
    assert letters(config) == ["ID1-welcome", "ID2-welcome"]
    assert "  brev i utkorgen raderade: 1" in report.lines()


class FailingLastWrite(MemoryWorkbook):
    """The run's last write (the one that erases) fails while `failing` is set."""

    failing = True

    def write(self, changes: Sequence[Change]) -> Resolution:
        if self.failing and any(getattr(c, "tab", None) == "log" for c in changes):
            raise WorkbookError("arbetsboken gick inte att skriva")
        return super().write(changes)


def test_letters_stay_while_a_failed_write_leaves_the_data_and_go_when_it_lands(
    config: Config, renderer: Renderer
) -> None:
    good = _people()
    _until_the_day_before_erasure(good, config, renderer)
    workbook = FailingLastWrite(good.grids, good.tab_names)
    before = letters(config)

    report = run(workbook, config, renderer, ERASED)

    assert report.write_error is not None and holds(workbook, "Uppföljning", 1)
    assert letters(config) == before  # the data is still there: so are its letters
    workbook.failing = False
    report = run(workbook, config, renderer, ERASED + DAY)
    assert report.erased == [1] and not holds(workbook, "Uppföljning", 1)
    assert [name for name in letters(config) if "ID1-" in name] == []


def test_an_erasure_that_found_no_row_removes_no_letter(config: Config, renderer: Renderer) -> None:
    workbook = _people()
    _until_the_day_before_erasure(workbook, config, renderer)
    before = letters(config)

    def renumber(grids: Grids) -> None:
        """Between the run's read and its write, a person types another ID into the row."""
        followups = grids["Uppföljning"]
        at_id = [str(h) for h in followups[0]].index("ID")
        for row in followups[1:]:
            if row and row[at_id] == 1:
                row[at_id] = 99

    workbook.before_write = renumber
    report = run(workbook, config, renderer, ERASED)

    assert [s.change for s in report.skipped_writes]  # the erasure found no row with ID 1
    assert holds(workbook, "Uppföljning", 99)
    assert letters(config) == before
    assert report.letters_erased == 0


def test_a_run_stopped_after_the_erasure_landed_leaves_the_letters_to_the_next_run(
    config: Config, renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = _people()
    _until_the_day_before_erasure(workbook, config, renderer)

    def stopped(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # the process stops right after the erasing write

    with monkeypatch.context() as patched:
        patched.setattr("medlemsrutiner.routines.daily.erase_letters", stopped)
        with pytest.raises(KeyboardInterrupt):
            run(workbook, config, renderer, ERASED)
    assert not holds(workbook, "Uppföljning", 1)
    assert "ID1-welcome" in letters(config)

    # The next run erases nobody (the data is gone) but finds the letters of a gone ID.
    report = run(workbook, config, renderer, ERASED + DAY)
    assert report.erased == []
    assert [name for name in letters(config) if "ID1-" in name] == []
    assert "  brev i utkorgen raderade: 4" in report.lines()


def smtp_config(folder: Path) -> Config:
    """Letters go over SMTP; the outbox folder `utkorg` holds letters of earlier use."""
    smtp = {"host": "smtp.example.org", "port": 587, "username": "", "password_env": "X"}
    return make_config(folder, mail={"transport": "smtp", "outbox": "utkorg", "smtp": smtp})


def test_letters_from_earlier_outbox_use_go_while_smtp_sends(
    tmp_path: Path, renderer: Renderer
) -> None:
    config = smtp_config(tmp_path)
    outbox = config.mail.outbox
    welcome = letter_file(outbox, TODAY - 200 * DAY, LetterRecord("welcome", 5))
    kept = letter_file(outbox, TODAY - 10 * DAY, LetterRecord("welcome", 6))
    workbook = memory_workbook(
        newcomers=[newcomer(5, registered=TODAY - 180 * DAY), newcomer(6, welcome=TODAY)]
    )

    report = run(workbook, config, renderer, TODAY, transport=RecordingTransport())

    assert report.erased == [5]
    assert not welcome.exists() and kept.exists()
    assert report.letters_erased == 1


def test_no_outbox_folder_is_nothing_to_do(tmp_path: Path, renderer: Renderer) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(newcomers=[newcomer(5, registered=TODAY - 180 * DAY)])
    report = run(workbook, config, renderer, TODAY, transport=RecordingTransport())
    assert report.erased == [5] and report.letters_erased == 0
    assert not config.mail.outbox.exists()


def test_letters_go_by_what_their_files_record_never_by_what_they_say(
    config: Config, renderer: Renderer
) -> None:
    outbox = config.mail.outbox
    old = TODAY - 300 * DAY  # older than any data may be kept without consent (299 days)
    recent = TODAY - 100 * DAY
    # Under IDs no row holds (rows deleted by hand): a week old, or younger.
    unknown = letter_file(outbox, recent, LetterRecord("welcome", 91))
    unknown_young = letter_file(outbox, TODAY - 6 * DAY, LetterRecord("welcome", 92))
    # The weekly summary names people by ID and first name and records whom; the training
    # letter holds counts.
    names_5 = letter_file(
        outbox, recent, LetterRecord("weekly_summary", week=5, names=frozenset({5}))
    )
    # "ID 69" split by a quoted-printable soft break reads "ID 6=" in the file: the summary
    # names ID 69 (kept) and never the erased ID 6.
    text = "Samtal: " + "x" * 64 + " ID 69 Testa"
    names_69 = letter_file(
        outbox, recent, LetterRecord("weekly_summary", week=6, names=frozenset({69})), text
    )
    assert b"ID 6=" in names_69.read_bytes()
    nobody = letter_file(outbox, old, LetterRecord("weekly_summary", week=7, names=frozenset()))
    unrecorded = letter_file(outbox, recent, LetterRecord("weekly_summary", week=8))
    training = letter_file(outbox, old, LetterRecord("training_summary", week=7))
    reminder_old = letter_file(outbox, old, LetterRecord("group_reminder", group="Centrumgruppen"))
    reminder = letter_file(outbox, recent, LetterRecord("group_reminder", group="Centrumgruppen"))
    workbook = memory_workbook(
        newcomers=[
            newcomer(5, registered=TODAY - 180 * DAY),  # erased today
            newcomer(6, name=None, email=None, phone=None),  # erased long ago
            newcomer(69, registered=TODAY - 30 * DAY, welcome=TODAY - 29 * DAY),
        ]
    )
    report = run(workbook, config, renderer, TODAY, transport=RecordingTransport())
    assert report.erased == [5]
    assert not unknown.exists() and unknown_young.exists()
    assert not names_5.exists() and names_69.exists()
    assert nobody.exists() and training.exists() and not unrecorded.exists()
    assert reminder.exists() and not reminder_old.exists()
    # Nothing is left beside a removed letter: its list of IDs went with it.
    assert sorted(path.name for path in outbox.glob(".*")) == sorted(
        f".{path.stem}.ids" for path in (names_69, nobody)
    )


def test_forget_removes_every_letter_that_records_the_person_however_young(
    config: Config, renderer: Renderer
) -> None:
    outbox = config.mail.outbox
    names = letter_file(
        outbox, TODAY, LetterRecord("weekly_summary", week=48, names=frozenset({5}))
    )
    other = letter_file(
        outbox, TODAY, LetterRecord("weekly_summary", week=47, names=frozenset({15, 50}))
    )
    welcome = letter_file(outbox / "dry-run", TODAY, LetterRecord("welcome", 5))
    partial = outbox / ".20261124T070000-0002-ID15-welcome.eml.4242.tmp"
    partial.write_text("en halv")
    workbook = memory_workbook(newcomers=[newcomer(5), newcomer(15)])
    with workbook:
        report = run_forget(workbook, config, TODAY, NOW, row_id=5)
    assert [letter.file for letter in report.letters] == [names.name, f"dry-run/{welcome.name}"]
    assert not names.exists() and not welcome.exists() and other.exists()
    assert not partial.exists()  # a partial letter of a killed run may be anyone's


def test_a_folder_that_cannot_be_swept_is_reported_and_tried_again(
    config: Config, renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = letter_file(config.mail.outbox, TODAY - 7 * DAY, LetterRecord("welcome", 5))
    workbook = memory_workbook(newcomers=[newcomer(5, registered=TODAY - 180 * DAY)])

    def refused(folder: Path, letter: OutboxLetter) -> bool:
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patched:
        patched.setattr("medlemsrutiner.adapters.outbox.remove", refused)
        report = run(workbook, config, renderer, TODAY, transport=RecordingTransport())
    assert report.erased == [5] and letter.exists()
    said = f"breven i utkorgen {config.mail.outbox} kunde inte raderas (Permission denied)"
    assert f"  FEL: {said}. Nästa körning försöker igen." in report.lines()
    assert report.exit_code == 1
    again = run(workbook, config, renderer, TODAY + DAY, transport=RecordingTransport())
    assert not letter.exists() and again.letters_erased == 1 and again.exit_code == 0


def dry_run(workbook: MemoryWorkbook, config: Config, renderer: Renderer, day: dt.date) -> None:
    """`run_daily.py --dry-run` on `day`: the transport the command opens."""
    with workbook:
        run_daily(
            workbook,
            open_transport(config, {}, at(day), dry_run=True),
            renderer,
            config,
            day,
            at(day),
            dry_run=True,
        )


def test_each_dry_run_starts_with_an_empty_dry_run_folder(
    config: Config, renderer: Renderer
) -> None:
    workbook = _people()
    dry_run(workbook, config, renderer, TODAY)
    assert letters(config) == ["dry-run/ID1-welcome", "dry-run/ID2-welcome", "dry-run/ID3-welcome"]
    type_into(workbook, "Intresserade", 3, Samtal=TODAY, **{"Hänvisad till": "Avböjt"})
    dry_run(workbook, config, renderer, TODAY + DAY)
    assert letters(config) == ["dry-run/ID1-welcome", "dry-run/ID2-welcome"]  # not ID 3's
    other = config.mail.outbox / "dry-run" / "anteckning.txt"  # not a letter: left alone
    other.write_text("egen fil")
    with workbook:
        run_weekly(
            workbook,
            open_transport(config, {}, at(TODAY + DAY), dry_run=True),
            renderer,
            config,
            TODAY + DAY,
            at(TODAY + DAY),
            dry_run=True,
        )
    assert letters(config) == ["dry-run/vecka48-weekly_summary"]
    assert other.exists()


def test_a_dry_runs_letters_go_with_the_data_they_hold_and_within_a_week(
    config: Config, renderer: Renderer
) -> None:
    workbook = _people()
    dry_run(workbook, config, renderer, TODAY)
    # Person 2's details are removed by hand; the next real run removes their dry-run letter.
    type_into(workbook, "Intresserade", 2, Namn=None, **{"E-post": None, "Telefon": None})
    run(workbook, config, renderer, TODAY + DAY)
    assert letters(config) == [
        "ID1-welcome",
        "ID3-welcome",
        "dry-run/ID1-welcome",
        "dry-run/ID3-welcome",
    ]
    run(workbook, config, renderer, TODAY + 6 * DAY)
    assert "dry-run/ID1-welcome" in letters(config)
    run(workbook, config, renderer, TODAY + 7 * DAY)  # a preview a week old: gone
    assert letters(config) == ["ID1-welcome", "ID3-welcome"]


def test_the_sweep_removes_what_a_killed_run_left_half_written_whatever_the_transport(
    tmp_path: Path, renderer: Renderer
) -> None:
    config = smtp_config(tmp_path)
    outbox = config.mail.outbox
    (outbox / "dry-run").mkdir(parents=True)
    partials = [
        outbox / ".20261117T070000-0001-ID5-welcome.eml.4242.tmp",  # earlier outbox use, killed
        outbox / "dry-run" / ".20261124T070000-0001-ID6-welcome.eml.4243.tmp",  # a dry run's
        outbox / ".20261124T070000-0002-vecka48-weekly_summary.ids",  # IDs without their letter
    ]
    for path in partials:
        path.write_text("To: person5@example.se\n\nHej Testa!")
    workbook = memory_workbook(newcomers=[newcomer(6, welcome=TODAY)])

    # Nothing to send: the transport is never opened, the sweep still runs.
    report = run(workbook, config, renderer, TODAY, transport=RecordingTransport())

    assert report.outbox_error is None
    assert [path for path in partials if path.exists()] == []


def test_a_forget_killed_after_its_write_left_no_letter_for_the_rerun_to_miss(
    config: Config, renderer: Renderer
) -> None:
    outbox = config.mail.outbox
    young = letter_file(outbox, TODAY, LetterRecord("welcome", 5))
    summary = letter_file(
        outbox, TODAY, LetterRecord("weekly_summary", week=48, names=frozenset({5}))
    )
    workbook = memory_workbook(newcomers=[newcomer(5), newcomer(15)])
    written = workbook.write

    def write_then_die(changes: Sequence[Change]) -> Resolution:
        written(changes)
        raise KeyboardInterrupt  # the process is killed as soon as the erasure has landed

    workbook.write = write_then_die  # type: ignore[method-assign]
    with workbook, pytest.raises(KeyboardInterrupt):
        run_forget(workbook, config, TODAY, NOW, email_address="person5@example.se")
    assert not holds(workbook, "Intresserade", 5)

    # Run again by address: the rows no longer say whose letters they were.
    workbook.write = written  # type: ignore[method-assign]
    with workbook:
        run_forget(workbook, config, TODAY, NOW, email_address="person5@example.se")
    assert not young.exists() and not summary.exists()
