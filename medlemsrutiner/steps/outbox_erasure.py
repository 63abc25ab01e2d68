"""Which letters in the outbox folder go with the personal data they hold. Pure.

The outbox transport (the embedded default, and every dry run's `dry-run` folder) keeps each
letter as a file named by the run's time and the letter's label (`…-ID17-welcome.eml`). A letter
holds the data of the people it is about, so it lives no longer than their rows do. After the
daily run's last write has landed, every letter file is judged by what its label says:

* **A newcomer's letter** (`ID<n>-welcome`, the introductions, the alternatives, the
  re-engagement letter) goes as soon as ID n is *gone*: the workbook has a row with ID n, and
  no row with ID n (in Intresserade or Uppföljning) holds personal data any more. That is the
  day the run erases the person, and otherwise the next run after they were erased some other
  way: by `forget.py`, by hand, or by a run stopped before it removed the letters. A letter
  whose ID still holds personal data is never removed: a consent keeps the letters as it keeps
  the row, and a referred person's letters stay with their row in Uppföljning.
* **A letter whose ID no row holds** (a row deleted by hand; a dry run's ID for a row that got
  another) goes when it mentions an address erased that day, and at the latest `longest_days`
  after it was written: the longest any personal data may be kept without a consent
  (`erase_stale_after_days` in Intresserade, then `close_follow_up_after_weeks` in
  Uppföljning; 292 days by default).
* **The weekly summary** names people by ID and first name: it goes as soon as an ID it names
  is gone, or once it is `longest_days` old and names an ID that holds no personal data. A
  summary naming nobody holds no personal data and is kept.
* **A group's reminder** holds the group's details as Grupper does (the contact person's name,
  address, phone): kept while current, gone `longest_days` after it was written (a newer
  reminder has gone out long before).
* **The training coordinator's letter** holds dates, titles and counts only: kept.

Removing a letter file never changes what a run believes was sent: stamps, Logg and the send
journal say that, never the outbox.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from medlemsrutiner.plan import Erasing
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records

_NEWCOMER_LABEL = re.compile(r"^ID(\d+)-(\w+)$")
_NAMED_ID = re.compile(r"\bID\s+(\d+)\b")


class LetterName(Protocol):
    """What a letter's file name says (`adapters.outbox.LetterFile`)."""

    @property
    def label(self) -> str: ...

    @property
    def written(self) -> dt.date: ...


@dataclass(frozen=True)
class Check:
    """A letter whose fate depends on what it says: it goes when it mentions one of
    `addresses`, names one of the IDs in `gone`, or (with `live` set) names an ID not in
    `live`."""

    addresses: frozenset[str] = frozenset()
    gone: frozenset[int] = frozenset()
    live: frozenset[int] | None = None


Verdict = bool | Check
"""True: remove the letter; False: keep it; a Check: read it and `decide`."""


def longest_days(settings: Settings) -> int:
    """The longest any personal data may be kept without a consent: a row may stay in
    Intresserade `erase_stale_after_days`, and a referral made on the last of those days keeps
    the person in Uppföljning `close_follow_up_after_weeks` more."""
    routine = settings.routine
    return routine.erase_stale_after_days + 7 * routine.close_follow_up_after_weeks


@dataclass(frozen=True)
class People:
    """Which IDs the workbook holds personal data for, after the run's writes."""

    live: frozenset[int]
    """IDs with personal data in some row (or whose erasure did not land)."""
    gone: frozenset[int]
    """IDs the workbook has rows for, none of which holds personal data."""
    addresses: frozenset[str]
    """Addresses erased this run that no row (nor a group) still holds, as `email_key`."""


def people(after: Records, erased: Iterable[Erasing], unsure: Iterable[int] = ()) -> People:
    """`after`: the records with the run's writes applied; `erased`: the erasures whose write
    landed; `unsure`: IDs a write of the run could not reach (their data may still be there)."""
    rows: list[Newcomer | FollowUp] = [*after.newcomers, *after.followups]
    live = {row.id for row in rows if row.id is not None and not row.personal_blank}
    live.update(unsure)
    known = {row.id for row in rows if row.id is not None}
    held = {cells.email_key(row.email) for row in rows if row.email and not row.personal_blank}
    held.update(cells.email_key(group.email) for group in after.groups.values() if group.email)
    addresses = {cells.email_key(e.address) for e in erased if e.address} - held
    return People(frozenset(live), frozenset(known - live), frozenset(addresses))


def sweep(
    letters: Sequence[LetterName], who: People, today: dt.date, settings: Settings
) -> list[Verdict]:
    """Each letter's verdict (see the module docstring), in the order given."""
    oldest = cells.later(today, days=-longest_days(settings))
    verdicts: list[Verdict] = []
    for letter in letters:
        old = letter.written < oldest
        newcomer = _NEWCOMER_LABEL.match(letter.label)
        kind = letter.label.rsplit("-", 1)[-1]
        verdict: Verdict = False
        if newcomer is not None:
            row_id = int(newcomer[1])
            if row_id in who.live:
                verdict = False
            elif row_id in who.gone or old:
                verdict = True
            elif who.addresses:
                verdict = Check(addresses=who.addresses)
        elif kind == "weekly_summary":
            verdict = Check(gone=who.gone, live=who.live if old else None)
        elif kind == "group_reminder":
            verdict = old
        verdicts.append(verdict)
    return verdicts


def decide(check: Check, texts: Sequence[str]) -> bool:
    """Whether a letter that says `texts` (`adapters.outbox.letter_texts`) goes."""
    if any(mentions(texts, address) for address in check.addresses):
        return True
    named = named_ids(texts)
    if named & check.gone:
        return True
    return check.live is not None and bool(named - check.live)


def mentions(texts: Sequence[str], address: str) -> bool:
    """A letter's texts name `address` (compared as `cells.email_key` does)."""
    wanted = cells.email_key(address.strip())
    return bool(wanted) and any(wanted in cells.text(text).casefold() for text in texts)


def named_ids(texts: Sequence[str]) -> frozenset[int]:
    """The IDs a letter names as `ID 17` (the weekly summary's way of naming a person)."""
    return frozenset(int(match[1]) for text in texts for match in _NAMED_ID.finditer(text))
