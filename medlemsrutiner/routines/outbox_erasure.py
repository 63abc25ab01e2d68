"""The letters in the outbox folder removed with the personal data they hold. Reads the
folder's file names and removes files.

`erase_letters` runs once the daily run's last write has landed — never before: when that
write fails, the letters stay until the data goes. It lists the folder's letters (the `dry-run`
folder's too) as their files record them (`adapters.outbox`), asks `steps.outbox_erasure` which
go, and removes them; it never reads what a letter says. It runs whatever the transport is: a
folder may hold letters from earlier use of the outbox while SMTP sends now. No folder, nothing
to do. It also removes what a killed run left half-written there (`outbox.remove_partial_letters`:
a letter's temporary file, IDs without their letter, in the dry-run folder too): the outbox
transport does so when a run opens it, but a run over SMTP, or one with no letter to send,
never opens it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medlemsrutiner.adapters import outbox
from medlemsrutiner.settings import Settings
from medlemsrutiner.steps import outbox_erasure
from medlemsrutiner.steps.records import Records


@dataclass(frozen=True)
class LettersErased:
    """How many letter files went; why the folder could not be swept, if so."""

    removed: int = 0
    error: str | None = None


def erase_letters(
    folder: Path,
    after: Records,
    today: dt.date,
    settings: Settings,
    unsure: Iterable[int] = (),
) -> LettersErased:
    """Remove the letters in `folder` whose time is up (see `steps.outbox_erasure`).

    `after`: the records as the run's writes left them; `unsure`: IDs a write of the run could
    not reach (their data may still be there)."""
    live = outbox_erasure.holding(after, unsure)
    removed = 0
    try:
        if folder.is_dir():  # the daily run holds the workbook's lock: no run writes there now
            outbox.remove_partial_letters(folder)
        letters = outbox.letters(folder)
        verdicts = outbox_erasure.sweep(letters, live, today, settings)
        for letter, goes in zip(letters, verdicts, strict=True):
            if goes:
                removed += outbox.remove(folder, letter)
    except OSError as error:
        why = error.strerror or type(error).__name__
        return LettersErased(removed, f"breven i utkorgen {folder} kunde inte raderas ({why})")
    return LettersErased(removed)
