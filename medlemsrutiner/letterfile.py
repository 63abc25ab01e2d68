"""What a letter file in the outbox records about its letter, as typed values. Pure.

The outbox transport (`adapters.outbox`, the only module that names letter files and reads their
names back) writes each letter with a `LetterRecord`: what kind of letter it is, the newcomer it
is to or about, and any further IDs whose personal data it holds. Listing the folder gives each
letter back as an `OutboxLetter`. The rules that decide which letters go with their people's
data (`steps.outbox_erasure`) and `forget` work on these values alone: removing a letter never
reads what it says. What a later run can see of the letters a stopped run handed over is a
`KeptLetters` (their Message-IDs only), which `steps.recovery` weighs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class LetterRecord:
    """What a letter's file records about it when it is written (never a name or an address)."""

    kind: str
    """The letter's template (`welcome`, `weekly_summary`, …)."""
    about: int | None = None
    """The ID of the newcomer the letter is to or about (its file name says `ID17`)."""
    group: str = ""
    """The group a letter without a newcomer is to (a reminder): a group's name is no
    personal data."""
    week: int | None = None
    """The ISO week of a coordinator's weekly letter."""
    names: frozenset[int] | None = None
    """More IDs whose personal data (a first name) the letter holds: the weekly summary's.
    None when the letter records none beyond `about`; a weekly summary written by an older
    version records none, so whom it names is unknown."""

    @property
    def ids(self) -> frozenset[int]:
        """Every ID the letter records: `about` and `names`."""
        about = frozenset() if self.about is None else frozenset({self.about})
        return about | (self.names or frozenset())


@dataclass(frozen=True)
class OutboxLetter:
    """A letter file the outbox holds, as its name (and the IDs recorded beside it) say."""

    file: str
    """Where it is, relative to the outbox folder (`dry-run/…-ID17-welcome.eml`)."""
    written: dt.date
    """The day it was written (the run's local time, from its name)."""
    record: LetterRecord
    dry_run: bool
    """Written by a dry run (in the `dry-run` folder): a preview, never sent."""


@dataclass(frozen=True)
class KeptLetters:
    """What a transport that keeps each letter it was given as a file shows a later run
    (`Transport.kept`): facts for `steps.recovery`, which decides what they prove."""

    where: str
    """The folder the letters are kept in (absolute): a run notes it in the send journal, and
    only a look in the same folder can show that one of its letters is absent."""
    present: frozenset[str] = frozenset()
    """The Message-IDs asked about whose letter is in the folder, whole."""
