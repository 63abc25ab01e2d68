"""The outbox's letter files: named, recorded and read back by `adapters.outbox` alone."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import pytest

from medlemsrutiner.adapters import outbox
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.errors import WorkbookBusyError
from medlemsrutiner.letterfile import KeptLetters, LetterRecord, OutboxLetter
from medlemsrutiner.letters.render import OutgoingEmail
from tests.support import NOW, TODAY


def write(folder: Path, *records: LetterRecord, now: dt.datetime = NOW) -> list[Path]:
    """Letters written by the outbox transport, one per record."""
    box = Outbox(folder, now)
    with box:
        for record in records:
            message = EmailMessage()
            message["To"] = "person@example.se"
            message.set_content("Hej Testa!")
            box.send(OutgoingEmail(message, message.as_bytes(), "a@example.org", "b", "x", record))
    return box.written


@pytest.mark.parametrize(
    ("record", "name"),
    [
        (LetterRecord("welcome", about=17), "20261124T070000-0001-ID17-welcome.eml"),
        (
            LetterRecord("group_reminder", group="Centrumgruppen"),
            "20261124T070000-0001-Grupp-Centrumgruppen-group_reminder.eml",
        ),
        (
            LetterRecord("weekly_summary", week=48, names=frozenset({69, 4})),
            "20261124T070000-0001-vecka48-weekly_summary.eml",
        ),
        (
            LetterRecord("training_summary", week=48, names=frozenset()),
            "20261124T070000-0001-vecka48-training_summary.eml",
        ),
        (LetterRecord("welcome"), "20261124T070000-0001-welcome.eml"),
    ],
)
def test_a_letter_reads_back_as_it_was_recorded(
    tmp_path: Path, record: LetterRecord, name: str
) -> None:
    (path,) = write(tmp_path, record)
    assert path.name == name
    assert outbox.letters(tmp_path) == [OutboxLetter(name, TODAY, record, dry_run=False)]


def test_the_ids_a_letter_names_are_beside_it_and_go_with_it(tmp_path: Path) -> None:
    record = LetterRecord("weekly_summary", week=48, names=frozenset({69, 4}))
    (path,) = write(tmp_path / "dry-run", record)
    ids = path.with_name(f".{path.stem}.ids")
    assert ids.read_text() == "4 69\n"  # IDs only
    (letter,) = outbox.letters(tmp_path)
    assert letter.dry_run and letter.file == f"dry-run/{path.name}"
    assert outbox.remove(tmp_path, letter) is True
    assert not path.exists() and not ids.exists()
    assert outbox.remove(tmp_path, letter) is False  # already gone


def test_ids_that_cannot_be_read_leave_whom_a_letter_names_unknown(tmp_path: Path) -> None:
    (path,) = write(tmp_path, LetterRecord("weekly_summary", week=48, names=frozenset({5})))
    path.with_name(f".{path.stem}.ids").write_text("5 sex\n")
    (letter,) = outbox.letters(tmp_path)
    assert letter.record.names is None


def test_files_the_scripts_did_not_write_are_not_letters(tmp_path: Path) -> None:
    (tmp_path / "anteckningar.eml").write_text("mitt eget")
    (tmp_path / "20261124T070000-0001-ID17-welcome.txt").write_text("inte ett brev")
    (tmp_path / "20261399T070000-0001-ID17-welcome.eml").write_text("ingen dag")
    assert outbox.letters(tmp_path) == []
    assert outbox.letters(tmp_path / "saknas") == []


def test_a_run_that_holds_the_lock_removes_partial_files_and_ids_whose_letter_is_gone(
    tmp_path: Path,
) -> None:
    kept, gone = write(
        tmp_path,
        LetterRecord("weekly_summary", week=47, names=frozenset({1})),
        LetterRecord("weekly_summary", week=48, names=frozenset({2})),
    )
    gone.unlink()  # removed by hand, its list of IDs left behind
    partial = tmp_path / f".{kept.name}.4242.tmp"
    partial.write_text("halvt brev")
    partial_ids = tmp_path / f"..{kept.stem}.ids.4242.tmp"
    partial_ids.write_text("1")
    other = tmp_path / ".mina.tmp"
    other.write_text("inte ett brev")
    with Outbox(tmp_path, NOW, remove_partial=True):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [kept.name, f".{kept.stem}.ids", other.name]
    )


def test_a_dry_runs_folder_is_emptied_of_letters_when_a_dry_run_starts(tmp_path: Path) -> None:
    dry = tmp_path / "dry-run"
    write(dry, LetterRecord("welcome", about=1), LetterRecord("weekly_summary", names=frozenset()))
    (dry / "anteckning.txt").write_text("egen fil")
    later = NOW + dt.timedelta(days=1)
    (path,) = write(dry, LetterRecord("welcome", about=2), now=later)
    with Outbox(dry, later, fresh=True) as box:
        pass
    assert box.written == [] and sorted(p.name for p in dry.iterdir()) == ["anteckning.txt"]
    assert not path.exists()


def test_partial_files_a_killed_dry_run_left_go_with_the_next_run_that_holds_the_lock(
    tmp_path: Path,
) -> None:
    dry = tmp_path / "dry-run"
    (kept,) = write(dry, LetterRecord("welcome", about=1))
    partial = dry / f".{kept.name.replace('0001', '0002')}.4242.tmp"
    partial.write_text("To: person2@example.se\n\nHej Testa!")  # the dry run was killed here
    orphan = dry / ".20261124T070000-0003-vecka48-weekly_summary.ids"
    orphan.write_text("2")
    (dry / ".medlemsrutiner-lock").write_text("")  # and its lock file (no process holds it)
    with Outbox(tmp_path, NOW, remove_partial=True):
        pass
    assert sorted(p.name for p in dry.iterdir()) == [kept.name]


def test_a_dry_run_writing_now_keeps_its_files_and_its_folder_to_itself(tmp_path: Path) -> None:
    dry = tmp_path / "dry-run"
    with Outbox(dry, NOW, fresh=True):
        writing = dry / ".20261124T070000-0001-ID1-welcome.eml.4242.tmp"
        writing.write_text("halvt brev")
        with Outbox(tmp_path, NOW, remove_partial=True):
            pass
        assert writing.exists()  # a real run does not take a letter a dry run is writing
        with (
            pytest.raises(WorkbookBusyError, match="En annan körning använder just nu mappen"),
            Outbox(dry, NOW, fresh=True),
        ):
            pass
    assert not (dry / ".medlemsrutiner-lock").exists()


def _send(box: Outbox, message_id: str, record: LetterRecord) -> None:
    message = EmailMessage()
    message["To"] = "person@example.se"
    message["Message-ID"] = message_id
    message.set_content("Hej Testa!")
    box.send(OutgoingEmail(message, message.as_bytes(), "a@example.org", "b", "x", record))


def test_the_outbox_shows_which_letters_it_holds_by_their_message_id(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    with Outbox(folder, NOW) as box:
        _send(box, "<a@example.org>", LetterRecord("welcome", about=1))
        _send(box, "<b@example.org>", LetterRecord("weekly_summary", week=48, names=frozenset()))
    with Outbox(folder / "dry-run", NOW, fresh=True) as preview:
        _send(preview, "<c@example.org>", LetterRecord("welcome", about=3))
    # A letter a killed run was writing: its temporary file is no letter.
    partial = folder / ".20261124T070000-0009-ID4-welcome.eml.x1.tmp"
    partial.write_bytes(b"Message-ID: <d@example.org>\n\nHej")

    later = Outbox(folder, NOW)
    asked = ["<a@example.org>", "<b@example.org>", "<c@example.org>", "<d@example.org>"]
    assert later.kept(asked) == KeptLetters(
        str(folder.absolute()), frozenset({"<a@example.org>", "<b@example.org>"})
    )
    assert later.kept([]) == KeptLetters(str(folder.absolute()))


def test_a_dry_runs_folder_or_a_folder_that_is_gone_shows_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    with Outbox(folder / "dry-run", NOW, fresh=True) as preview:
        _send(preview, "<c@example.org>", LetterRecord("welcome", about=3))
    assert preview.kept(["<c@example.org>"]) is None  # a preview proves nothing
    assert Outbox(tmp_path / "gone", NOW).kept(["<c@example.org>"]) is None
