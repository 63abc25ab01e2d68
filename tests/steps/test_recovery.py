"""What the send journal proves (steps/recovery.py): pure, from the records and the entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.letterfile import KeptLetters
from medlemsrutiner.plan import Failed, NotAttempted, Sent
from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.changes import SetByKey, SetCells
from medlemsrutiner.sheet.sendlog import Answer, Answered, Begun, Entry, Marked, RunStarted
from medlemsrutiner.sheet.stamps import StampState, read_stamp
from medlemsrutiner.steps.recovery import (
    NOTE,
    NOTE_OUTBOX,
    Seen,
    absence_proves,
    in_flight,
    letter_outcome,
    markers,
    recover,
    runs_marking,
    stale_runs,
)
from tests.support import TODAY, default_groups, newcomer, records_of

RUN = "3f9a2c1b"
CRASHED = TODAY - dt.timedelta(days=1)
MARKER = stamps.sending_marker("2026-11-23 07:00", RUN)


def _welcome(row_id: int) -> Marked:
    return Marked(
        RUN,
        "newcomers",
        row_id,
        (),
        "welcome",
        "welcome",
        "sv",
        (("welcome", f"ID{row_id}-welcome"),),
    )


def _intro(row_id: int) -> Marked:
    return Marked(
        RUN,
        "newcomers",
        row_id,
        (),
        "introduction",
        "introduction",
        "sv",
        (
            ("introduction_newcomer", f"ID{row_id}-introduction_newcomer"),
            ("introduction_group", f"ID{row_id}-introduction_group"),
        ),
    )


def _sent(label: str, answer: Answer | None = "accepted") -> list[Entry]:
    begun: list[Entry] = [Begun(RUN, label, f"<{label}@example.org>")]
    if answer is None:
        return begun
    return [*begun, Answered(RUN, label, f"<{label}@example.org>", answer)]


def _journal(*entries: Entry | list[Entry]) -> list[Entry]:
    flat: list[Entry] = [RunStarted(RUN, CRASHED, "2026-11-23 07:00")]
    for entry in entries:
        flat.extend(entry if isinstance(entry, list) else [entry])
    return flat


def _stamp_of(change: Any) -> Any:
    ((_, value),) = change.values
    return value


@pytest.mark.parametrize(
    ("begun", "answer", "outcome"),
    [
        (False, None, NotAttempted()),
        (True, "accepted", Sent()),
        (True, "refused", Failed("e-postservern avvisade brevet")),
        (True, "deferred", Failed("tillfälligt fel, brevet skickades inte", retry=True)),
        (True, "unknown", Failed("okänt om e-postservern tog emot brevet", maybe_sent=True)),
        (True, None, Failed("körningen avbröts medan brevet skickades", maybe_sent=True)),
    ],
)
def test_what_the_journal_proves_about_one_letter(
    begun: bool, answer: Answer | None, outcome: Any
) -> None:
    start = Begun(RUN, "ID1-welcome", "<m1>") if begun else None
    end = Answered(RUN, "ID1-welcome", "<m1>", answer) if answer else None
    assert letter_outcome(start, end) == outcome


def test_an_answer_to_another_message_is_no_answer() -> None:
    outcome = letter_outcome(
        Begun(RUN, "ID1-welcome", "<m1>"), Answered(RUN, "ID1-welcome", "<m2>", "accepted")
    )
    assert isinstance(outcome, Failed) and outcome.maybe_sent


def test_accepted_letters_get_the_stopped_runs_day_never_begun_ones_are_due_again(
    config: Config,
) -> None:
    records = records_of(
        config, newcomers=[newcomer(i, registered=CRASHED, welcome=MARKER) for i in (1, 2, 3)]
    )
    found = recover(
        records,
        _journal(
            _welcome(1), _welcome(2), _welcome(3), _sent("ID1-welcome"), _sent("ID2-welcome", None)
        ),
    )
    assert found.changes == (
        SetCells("newcomers", 1, (("welcome", CRASHED),), expect=(("welcome", MARKER),)),
        SetCells(
            "newcomers",
            2,
            (("welcome", stamps.uncertain(CRASHED, "körningen avbröts medan brevet skickades")),),
            expect=(("welcome", MARKER),),
        ),
        SetCells("newcomers", 3, (("welcome", None),), expect=(("welcome", MARKER),)),
    )
    assert (found.confirmed, found.uncertain, found.resend, found.unproven) == (1, 1, 1, 0)
    assert [(e.action, e.row_id, e.letters) for e in found.log] == [
        ("välkomstbrev skickat", 1, 1),
        ("välkomstbrev osäkert", 2, 1),
        ("välkomstbrev väntar", 3, 0),
    ]
    assert all(entry.detail.endswith(NOTE) for entry in found.log)
    assert found.runs == {RUN}


def test_an_introduction_whose_first_letter_was_in_flight_still_sends_the_second(
    config: Config,
) -> None:
    row = newcomer(1, welcome=CRASHED, call=CRASHED, referred_to="Centrumgruppen")
    records = records_of(config, newcomers=[{**row, "introduction": MARKER}])
    found = recover(records, _journal(_intro(1), _sent("ID1-introduction_newcomer", None)))
    stamp = read_stamp(_stamp_of(found.changes[0]), TODAY)
    assert stamp.state is StampState.PARTIAL
    assert stamp.remaining == {"introduction_group"}
    assert stamp.unsure == {"introduction_newcomer"}
    assert (found.uncertain, found.resend) == (1, 1)


def test_an_introduction_half_sent_is_finished_by_the_next_run(config: Config) -> None:
    row = newcomer(1, welcome=CRASHED, call=CRASHED, referred_to="Centrumgruppen")
    records = records_of(config, newcomers=[{**row, "introduction": MARKER}])
    found = recover(records, _journal(_intro(1), _sent("ID1-introduction_newcomer")))
    stamp = read_stamp(_stamp_of(found.changes[0]), TODAY)
    assert stamp.state is StampState.PARTIAL and stamp.remaining == {"introduction_group"}
    assert stamp.unsure == frozenset()


def test_a_refused_letter_is_held_as_the_stopped_run_would_have_held_it(config: Config) -> None:
    records = records_of(config, newcomers=[newcomer(1, welcome=MARKER)])
    found = recover(records, _journal(_welcome(1), _sent("ID1-welcome", "refused")))
    assert read_stamp(_stamp_of(found.changes[0]), TODAY).failed
    assert found.refused == 1


def test_a_group_reminder_is_settled_by_the_groups_name(config: Config) -> None:
    groups = default_groups()
    groups[0]["reminder"] = MARKER
    records = records_of(config, groups=groups)
    mark = Marked(
        RUN,
        "groups",
        None,
        (("group", "Centrumgruppen"),),
        "reminder",
        "group_reminder",
        "sv",
        (("group_reminder", "Grupp-Centrumgruppen-group_reminder"),),
    )
    found = recover(records, _journal(mark, _sent("Grupp-Centrumgruppen-group_reminder")))
    assert found.changes == (
        SetByKey(
            "groups",
            (("group", "Centrumgruppen"),),
            (("reminder", CRASHED),),
            expect=(("reminder", MARKER),),
        ),
    )


def test_a_marker_the_journal_cannot_account_for_is_left_for_a_person(config: Config) -> None:
    other = stamps.sending_marker("2026-11-23 07:00", "99999999")
    records = records_of(
        config,
        newcomers=[
            newcomer(1, welcome=other),  # a run the journal does not hold
            newcomer(2, welcome=MARKER),  # the run, but not this cell
            newcomer(3, welcome="Skickar… 2026-11-23 07:00"),  # a run without a journal
            newcomer(4, welcome=stamps.uncertain(CRASHED, "förbindelsen bröts")),
        ],
    )
    found = recover(records, _journal(_welcome(1), _sent("ID1-welcome")))
    assert found.changes == () and found.log == ()
    assert found.unproven == 2
    assert [m.row_id for m in markers(records)] == [1, 2]


def test_a_journal_entry_of_a_kind_this_version_does_not_know_proves_nothing(
    config: Config,
) -> None:
    records = records_of(config, newcomers=[newcomer(1, welcome=MARKER)])
    odd = Marked(RUN, "newcomers", 1, (), "welcome", "welcome", "sv", (("postcard", "ID1-x"),))
    found = recover(records, _journal(odd, _sent("ID1-x")))
    assert found.changes == () and found.unproven == 1


def test_runs_older_than_the_erasure_period_or_without_a_start_are_stale() -> None:
    old = RunStarted("aaaa", TODAY - dt.timedelta(days=8), "2026-11-16 07:00")
    new = RunStarted("bbbb", TODAY, "2026-11-24 07:00")
    orphan = Begun("cccc", "ID1-welcome", "<m>")
    assert stale_runs([old, new, orphan], TODAY - dt.timedelta(days=7)) == {"aaaa", "cccc"}


# --- What the outbox shows of the letter in flight ------------------------------------------

OUTBOX = "/srv/medlemsrutiner/outbox"


def _outbox_run(day: dt.date = CRASHED, kept_in: str = OUTBOX) -> RunStarted:
    return RunStarted(RUN, day, "2026-11-23 07:00", kept_in)


def _kept(*labels: str, where: str = OUTBOX) -> KeptLetters:
    return KeptLetters(where, frozenset(f"<{label}@example.org>" for label in labels))


def _recover_welcome(
    config: Config, kept: KeptLetters | None, run: RunStarted | None = None, **row: Any
) -> Any:
    records = records_of(config, newcomers=[newcomer(1, welcome=MARKER, **row)])
    entries = [run or _outbox_run(), _welcome(1), *_sent("ID1-welcome", None)]
    return recover(records, entries, kept, TODAY, config.settings)


def test_a_letter_in_flight_that_the_outbox_holds_was_sent(config: Config) -> None:
    found = _recover_welcome(config, _kept("ID1-welcome"))
    assert _stamp_of(found.changes[0]) == CRASHED
    assert (found.confirmed, found.uncertain, found.resend) == (1, 0, 0)
    assert [(e.action, e.row_id, e.letters) for e in found.log] == [("välkomstbrev skickat", 1, 1)]
    assert found.log[0].detail.endswith(NOTE_OUTBOX)


def test_a_letter_in_flight_missing_from_the_outbox_it_was_written_to_is_due_again(
    config: Config,
) -> None:
    found = _recover_welcome(config, _kept())
    assert _stamp_of(found.changes[0]) is None  # the marker cleared: the plan sends it now
    assert (found.confirmed, found.uncertain, found.resend) == (0, 0, 1)
    assert "innan brevet hamnade i utkorgen" in found.log[0].detail


@pytest.mark.parametrize(
    ("why", "kept", "run", "row"),
    [
        ("a transport that keeps nothing (SMTP)", None, None, {}),
        (
            "a run that noted no folder (SMTP, or an older version)",
            _kept(),
            _outbox_run(kept_in=""),
            {},
        ),
        ("another folder than the run wrote to", _kept(where="/srv/other"), None, {}),
        ("a person erased since", _kept(), None, {"name": None, "email": None, "phone": None}),
        ("a run the sweep may have swept after", _kept(), _outbox_run(TODAY - dt.timedelta(6)), {}),
        ("a run dated after today", _kept(), _outbox_run(TODAY + dt.timedelta(1)), {}),
    ],
)
def test_a_missing_letter_proves_nothing_where_something_else_could_have_removed_it(
    config: Config, why: str, kept: KeptLetters | None, run: RunStarted | None, row: Any
) -> None:
    found = _recover_welcome(config, kept, run, **row)
    assert read_stamp(_stamp_of(found.changes[0]), TODAY).state is StampState.SENDING, why
    assert (found.confirmed, found.uncertain, found.resend) == (0, 1, 0), why


def test_a_letter_the_outbox_holds_was_sent_whatever_the_folder_noted(config: Config) -> None:
    # Its Message-ID is unique: the letter is there, so the transport had it.
    found = _recover_welcome(config, _kept("ID1-welcome"), _outbox_run(kept_in=""))
    assert _stamp_of(found.changes[0]) == CRASHED


def test_absence_proves_only_within_the_outbox_sweeps_minimum_less_a_day(config: Config) -> None:
    days = config.settings.routine.erase_after_result_days
    proves = [
        absence_proves(_kept(), _outbox_run(TODAY - dt.timedelta(age)), TODAY, config.settings)
        for age in range(-1, days + 1)
    ]
    assert proves == [False, *([True] * (days - 1)), False, False]


def test_what_the_outbox_shows_decides_only_a_letter_without_a_final_answer() -> None:
    begun = Begun(RUN, "ID1-welcome", "<m1>")
    there, gone = Seen(frozenset({"<m1>"})), Seen(absence_proves=True)
    assert letter_outcome(begun, None, there) == Sent()
    assert letter_outcome(begun, Answered(RUN, "ID1-welcome", "<m1>", "unknown"), there) == Sent()
    assert letter_outcome(begun, None, gone) == Failed(
        "körningen avbröts innan brevet hamnade i utkorgen", retry=True
    )
    refused = Answered(RUN, "ID1-welcome", "<m1>", "refused")
    assert letter_outcome(begun, refused, there) == Failed("e-postservern avvisade brevet")
    assert letter_outcome(None, None, gone) == NotAttempted()
    nameless = Begun(RUN, "ID1-welcome", "")  # no Message-ID: nothing to look for
    assert letter_outcome(nameless, None, gone) == Failed(
        "körningen avbröts medan brevet skickades", maybe_sent=True
    )


def test_an_introduction_with_its_group_letter_in_flight_is_finished_or_sent_once(
    config: Config,
) -> None:
    row = newcomer(1, welcome=CRASHED, call=CRASHED, referred_to="Centrumgruppen")
    records = records_of(config, newcomers=[{**row, "introduction": MARKER}])
    entries = [
        _outbox_run(),
        _intro(1),
        *_sent("ID1-introduction_newcomer"),
        *_sent("ID1-introduction_group", None),
    ]
    written = recover(records, entries, _kept("ID1-introduction_group"), TODAY, config.settings)
    assert _stamp_of(written.changes[0]) == CRASHED
    assert [e.letters for e in written.log] == [2]  # both left that day: the limit counts them

    missing = recover(records, entries, _kept(), TODAY, config.settings)
    stamp = read_stamp(_stamp_of(missing.changes[0]), TODAY)
    assert stamp.state is StampState.PARTIAL and stamp.remaining == {"introduction_group"}
    assert stamp.unsure == frozenset()


def test_the_letters_asked_about_are_those_begun_without_a_final_answer() -> None:
    entries = _journal(
        _welcome(1),
        _sent("ID1-welcome"),
        _sent("ID2-welcome", None),
        _sent("ID3-welcome", "unknown"),
        _sent("ID4-welcome", "deferred"),
    )
    assert in_flight(entries) == {"<ID2-welcome@example.org>", "<ID3-welcome@example.org>"}


def test_forget_finds_the_runs_that_marked_a_persons_row() -> None:
    other = "77aa77aa"
    entries = [*_journal(_welcome(1), _welcome(2)), RunStarted(other, CRASHED, "07:00")]
    entries.append(Marked(other, "newcomers", 3, (), "welcome", "welcome", "sv", ()))
    assert runs_marking(entries, {2}) == {RUN}
    assert runs_marking(entries, {3, 9}) == {other}
    assert runs_marking(entries, {9}) == frozenset()
