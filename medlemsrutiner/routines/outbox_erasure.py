"""The letters in the outbox folder removed with the personal data they hold. Reads and
removes files.

`erase_letters` runs once the daily run's last write has landed — never before: when that
write fails, the letters stay until the data goes. It lists the folder's letters (the
`dry-run` folder's too), asks `steps.outbox_erasure` which go, reads only the letters whose
fate depends on what they say, and removes them. It runs whatever the transport is: a folder
may hold letters from earlier use of the outbox while SMTP sends now. No folder, nothing to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medlemsrutiner.adapters import outbox
from medlemsrutiner.plan import Erasing
from medlemsrutiner.settings import Settings
from medlemsrutiner.steps import outbox_erasure
from medlemsrutiner.steps.outbox_erasure import Check
from medlemsrutiner.steps.records import Records


@dataclass(frozen=True)
class LettersErased:
    """How many letter files went; why the folder could not be swept, if so."""

    removed: int = 0
    error: str | None = None


def erase_letters(
    folder: Path,
    after: Records,
    erased: Iterable[Erasing],
    today: dt.date,
    settings: Settings,
    unsure: Iterable[int] = (),
) -> LettersErased:
    """Remove the letters in `folder` whose people's data is gone (see `steps.outbox_erasure`).

    `after`: the records as the run's writes left them; `erased`: the erasures whose write
    landed; `unsure`: IDs a write of the run could not reach."""
    who = outbox_erasure.people(after, erased, unsure)
    removed = 0
    try:
        letters = outbox.letter_files(folder)
        verdicts = outbox_erasure.sweep(letters, who, today, settings)
        doomed = [
            letter.path
            for letter, verdict in zip(letters, verdicts, strict=True)
            if verdict is True
            or (
                isinstance(verdict, Check)
                and outbox_erasure.decide(verdict, outbox.letter_texts(letter.path))
            )
        ]
        for path in doomed:
            removed += outbox.remove_letter(path)
    except OSError as error:
        why = error.strerror or type(error).__name__
        return LettersErased(removed, f"breven i utkorgen {folder} kunde inte raderas ({why})")
    return LettersErased(removed)
