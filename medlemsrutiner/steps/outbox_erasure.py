"""Which letters in the outbox folder go with the personal data they hold. Pure.

The outbox transport (the embedded default, and every dry run's `dry-run` folder) keeps each
letter as a file, and a letter holds the data of the people it is about. Each file records the
IDs of those people when it is written (`letterfile.LetterRecord`: the newcomer in its name, the
people the weekly summary names by first name beside it). After the daily run's last write has
landed, every letter is judged by that record and its age — never by what it says:

* **At least `erase_after_result_days`.** A letter stays that long after it was written, time to
  send it by hand and for its reader to answer; only `forget.py` (erasure on request) removes
  one sooner. The erasure rules keep a person's data that long after the last letter to them
  (`steps.erasure`), so the two agree.
* **Then with its people.** A letter that records IDs goes as soon as one of them holds no
  personal data in any row of Intresserade or Uppföljning: erased, or held by no row at all (a
  row deleted by hand). A letter whose IDs all hold data stays: a consent keeps the letters as
  it keeps the row, and a referred person's letters stay with their row in Uppföljning.
* **A weekly summary that records no IDs** (written by an older version, or its list of IDs
  removed by hand) may name anyone: it goes once it is `erase_after_result_days` old.
* **A group's reminder** holds the group's details as Grupper does (the contact person's name,
  address, phone): it goes `longest_days` after it was written (a newer reminder has gone out
  long before).
* **The training coordinator's letter** (dates, titles and counts) and a weekly summary that
  names nobody by first name hold no personal data: kept.
* **A dry run's letters** are a preview, never sent: no minimum, and each goes as soon as an ID
  it records holds no data, and at the latest `erase_after_result_days` after it was written
  (an ID a dry run gave a new row may be given to another row by the real run); one dated after
  today (a dry run of a day to come) goes with the next sweep.

Which letters are whose comes from the registry of letter kinds (`sheet.letter_kinds`): a
letter to a coordinator is a summary, to a group a group's letter.

Removing a letter file never changes what a run believes was sent: stamps, Logg and the send
journal say that, never the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from medlemsrutiner.letterfile import OutboxLetter
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.letter_kinds import letter_kind
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records


def kept_days(settings: Settings) -> int:
    """How long a letter stays at least, and a person's data after the last letter to them."""
    return settings.routine.erase_after_result_days


def longest_days(settings: Settings) -> int:
    """The longest any personal data may be kept without a consent: a row may stay in
    Intresserade `erase_stale_after_days`, a referral made on the last of those days keeps the
    person in Uppföljning `close_follow_up_after_weeks` more, and a re-engagement letter on the
    last of those keeps them `erase_after_result_days` more."""
    routine = settings.routine
    return (
        routine.erase_stale_after_days
        + 7 * routine.close_follow_up_after_weeks
        + routine.erase_after_result_days
    )


def holding(after: Records, unsure: Iterable[int] = ()) -> frozenset[int]:
    """The IDs the workbook holds personal data for. `after`: the records with the run's writes
    applied; `unsure`: IDs a write of the run could not reach (their data may still be there)."""
    rows: list[Newcomer | FollowUp] = [*after.newcomers, *after.followups]
    live = {row.id for row in rows if row.id is not None and not row.personal_blank}
    return frozenset(live | set(unsure))


def sweep(
    letters: Sequence[OutboxLetter], live: frozenset[int], today: dt.date, settings: Settings
) -> list[bool]:
    """Whether each letter goes (see the module docstring), in the order given. `live`: the
    IDs that hold personal data (`holding`)."""
    young = cells.later(today, days=-kept_days(settings))
    oldest = cells.later(today, days=-longest_days(settings))
    verdicts = []
    for letter in letters:
        record = letter.record
        kind = letter_kind(record.kind)
        recipient = kind.recipient if kind is not None else None
        if letter.dry_run:
            # A preview of a day to come (`--dry-run --today` ahead) is dated ahead: it goes too.
            ahead = letter.written > today
            verdicts.append(ahead or letter.written <= young or not record.ids <= live)
        elif letter.written > young:
            verdicts.append(False)
        elif record.ids:
            verdicts.append(not record.ids <= live)
        elif recipient == "coordinator":  # the summary: may name anyone if it records no list
            verdicts.append(record.names is None)
        else:  # a group's letter holds its contact's details; the training letter, nobody's
            verdicts.append(recipient == "group" and letter.written < oldest)
    return verdicts


def naming(letters: Sequence[OutboxLetter], ids: Iterable[int]) -> list[OutboxLetter]:
    """The letters that record one of `ids` (erasure on request: every letter to or about the
    person, and every weekly summary that names them)."""
    wanted = frozenset(ids)
    return [letter for letter in letters if letter.record.ids & wanted]
