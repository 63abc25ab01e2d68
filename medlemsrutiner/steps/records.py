"""The workbook's rows as the routine understands them. Pure: no I/O, no clock.

`read_records` reads every tab once: newcomers (Intresserade), follow-ups (Uppföljning),
groups, the upcoming trainings and the local texts. It hands out IDs to new rows (never reused:
the next one is above every ID the workbook, Logg included, has ever held), fills a blank
`Registrerad` with the day the row was first seen, and marks duplicates (the same address on a
second row, now or earlier). A bad cell never raises: it becomes a problem on its row.

`steps.after.records_after` gives the same records once a run's writes have landed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.plan import Flag, Group, Shared, Training
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells, stamps
from medlemsrutiner.sheet.changes import AssignId, Change, SetByKey, SetCells, fingerprint_of
from medlemsrutiner.sheet.logbook import Action, LogEntry, first_logged, last_erasures, last_named
from medlemsrutiner.sheet.schema import NEWCOMERS, TRAININGS, Record, Tab, Tables
from medlemsrutiner.sheet.stamps import Stamp, StampState, read_stamp
from medlemsrutiner.steps import formulas
from medlemsrutiner.steps.district import (
    last_training_before,
    read_groups,
    read_texts,
    read_trainings,
    rows_of,
)
from medlemsrutiner.steps.rows import (
    FollowUp,
    Newcomer,
    Referral,
    id_advice,
    parse_followup,
    parse_newcomer,
)
from medlemsrutiner.steps.typed_dates import (
    followup_dates,
    group_dates,
    newcomer_dates,
    training_dates,
)

__all__ = [
    "FollowUp",
    "Newcomer",
    "Record",
    "Records",
    "Referral",
    "mark_duplicates",
    "mark_shared_ids",
    "parse_followup",
    "parse_newcomer",
    "read_records",
    "row_key",
    "shared_id_problem",
]


# --- All of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """Every tab of one read, understood; and what reading it decided (IDs, first-seen dates)."""

    newcomers: tuple[Newcomer, ...]
    followups: tuple[FollowUp, ...]
    groups: Mapping[str, Group]
    shared: Shared
    flags: tuple[Flag, ...]
    """Rows of Grupper and Utbildningar that cannot be used, and rows without a usable ID."""
    first_writes: tuple[Change, ...]
    """IDs for new rows, first-seen dates for a blank Registrerad, and dates typed as text
    written back as real dates (Utbildningar's too, by the row's content, a time after the date
    moved into Tid; Grupper's Bekräftad by the group's name)."""
    log: tuple[LogEntry, ...]
    present: Mapping[str, frozenset[str]]
    """The columns each tab really has (by tab key)."""
    upcoming: tuple[Training, ...] = ()
    """Every training from today on, soonest first (the letters show the first few)."""
    last_training: dt.date | None = None
    """The latest training before today."""

    @property
    def in_followups(self) -> frozenset[int]:
        """IDs that have a row in Uppföljning."""
        return frozenset(f.id for f in self.followups if f.id is not None)

    @property
    def followups_by_id(self) -> dict[int, list[FollowUp]]:
        """Uppföljning's rows by ID (an ID typed twice has two)."""
        found: dict[int, list[FollowUp]] = {}
        for followup in self.followups:
            if followup.id is not None:
                found.setdefault(followup.id, []).append(followup)
        return found


def _known_ids(tables: Tables) -> list[int]:
    found: list[int] = []
    for key in ("newcomers", "followups", "log"):
        for value in tables[key].column("id"):
            parsed = cells.parse_id(value)
            if isinstance(parsed, int):
                found.append(parsed)
    return found


def read_records(tables: Tables, today: dt.date, settings: Settings) -> Records:
    """Every tab, understood, with IDs handed out and duplicates marked."""
    groups, flags = read_groups(tables["groups"], today)
    upcoming, training_flags = read_trainings(tables["trainings"], today, 10_000)
    flags.extend(training_flags)
    horizon = cells.later(today, days=settings.routine.trainings_within_days)
    trainings = tuple(t for t in upcoming if t.date <= horizon)[
        : settings.routine.trainings_in_letters
    ]
    texts, texts_en = read_texts(tables["texts"])
    flags.extend(formulas.table_flags(tables["texts"]))
    newcomers = [
        parse_newcomer(row, record, today, settings, groups)
        for row, record in rows_of(tables["newcomers"])
    ]
    followups = [
        parse_followup(row, record, today, settings) for row, record in rows_of(tables["followups"])
    ]

    # IDs: never reused, so the next one is above every ID the workbook (Logg included) knows.
    next_id = max(_known_ids(tables), default=0) + 1
    # On the very first run (no ID anywhere, no daily run in Logg) a row without a date may be
    # an old contact typed in long ago: it must not pass for new and be welcomed.
    first_run = next_id == 1 and not any(
        cells.text(action) == Action.DAILY_DONE for action in tables["log"].column("action")
    )
    first_writes: list[Change] = []
    log: list[LogEntry] = []
    counts: dict[int, int] = {}
    for newcomer in newcomers:
        if newcomer.id is not None:
            counts[newcomer.id] = counts.get(newcomer.id, 0) + 1
    for index, newcomer in enumerate(newcomers):
        if newcomer.id_problem is not None:
            continue
        if newcomer.id is not None and counts[newcomer.id] > 1:
            newcomers[index] = dataclasses.replace(
                newcomer, id_problem=f"ID {newcomer.id} finns på flera rader"
            )
            continue
        fill: tuple[tuple[str, Any], ...] = (
            (("registered", today),) if newcomer.registered_blank else ()
        )
        if first_run and newcomer.registered_blank and newcomer.welcome.state is StampState.DUE:
            # An old contact, perhaps: no welcome, and the date written is the run's own, which
            # Status asks a person to check for as long as it stands (`problems.row_problems`:
            # Registrerad is still the day the scripts first saw the row, which is today).
            fill = (*fill, ("welcome", stamps.existed_before_start()))
            newcomers[index] = newcomer = dataclasses.replace(
                newcomer,
                stamps=newcomer.stamps.replace(
                    "welcome", read_stamp(stamps.existed_before_start(), today)
                ),
                first_seen=today,
            )
        dates, typed = newcomer_dates(newcomer)
        fill = (*fill, *dates)
        if newcomer.id is not None:
            shown, typed = id_shown(newcomer.id, newcomer.record["id"], typed)
            fill = (*fill, *shown)
        if newcomer.id is None:
            # The fingerprint holds the typed text, so the dates land only on the row as read.
            newcomers[index] = dataclasses.replace(newcomer, id=next_id, new=True)
            first_writes.append(
                AssignId("newcomers", fingerprint_of(NEWCOMERS, newcomer.record), next_id, fill)
            )
            log.append(LogEntry(Action.NEW_ROW, next_id, "ID tilldelat"))
            next_id += 1
        elif fill:
            first_writes.append(SetCells("newcomers", newcomer.id, fill, expect=typed))
    flags.extend(
        Flag(
            "newcomers",
            newcomer.row,
            None,
            f"Intresserade rad {newcomer.row}: {newcomer.id_problem}; inga brev skickas från "
            f"raden. {id_advice(newcomer)}.",
        )
        for newcomer in newcomers
        if newcomer.id_problem is not None
    )
    followups = mark_shared_ids(followups)
    for followup in followups:
        if followup.id is None or followup.id_shared:
            continue
        dates, typed = followup_dates(followup)
        shown, typed = id_shown(followup.id, followup.record["id"], typed)
        dates = (*dates, *shown)
        if dates:
            first_writes.append(SetCells("followups", followup.id, dates, expect=typed))
    group_rows = dict(rows_of(tables["groups"]))
    for group in groups.values():
        confirmed = group_dates(group, group_rows[group.row])
        if confirmed is not None:
            first_writes.append(confirmed)
    has_time = "time" in tables["trainings"].present
    for _, record in rows_of(tables["trainings"]):
        dates, typed = training_dates(record, today, has_time)
        if dates:  # a tab without IDs: the row is found by all it reads
            key = row_key(record, TRAININGS)
            first_writes.append(SetByKey("trainings", key, dates, expect=typed))
    seen, named = first_logged(tables["log"]), last_named(tables["log"])
    erasures = last_erasures(tables["log"])
    newcomers = [
        dataclasses.replace(
            n,
            first_seen=seen.get(n.id, n.first_seen),
            erased_on=erasures[n.id][0] if n.id in erasures else None,
            erased_on_request=n.id in erasures and erasures[n.id][1],
            named=named.get(n.id),
        )
        if n.id in seen or n.id in erasures or n.id in named
        else n
        for n in newcomers
    ]
    followups = [
        dataclasses.replace(f, first_seen=seen.get(f.id), named=named.get(f.id))
        if f.id in seen or f.id in named
        else f
        for f in followups
    ]
    return Records(
        newcomers=mark_duplicates(newcomers, followups),
        followups=tuple(followups),
        groups=groups,
        shared=Shared(
            texts=texts,
            trainings=trainings,
            groups=tuple(
                sorted(
                    (g for g in groups.values() if g.active and not g.formulas),
                    key=lambda g: g.name,
                )
            ),
            texts_en=texts_en,
        ),
        flags=tuple(flags),
        first_writes=tuple(first_writes),
        log=tuple(log),
        present={key: table.present for key, table in tables.by_key.items()},
        upcoming=upcoming,
        last_training=last_training_before(tables["trainings"], today),
    )


def id_shown(
    row_id: int, value: Any, expect: tuple[tuple[str, str], ...]
) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]:
    """The ID written back as its number when the cell reads as a date (the ID column given
    a date format: `cells.parse_id`), so the cell shows the number again; compare-and-set on
    the cell as read. Nothing for an ID that reads as a number."""
    if not cells.id_as_date(value):
        return (), expect
    return (("id", row_id),), (*expect, ("id", cells.text(value)))


def shared_id_problem(followup: FollowUp) -> str:
    """What a person must do about a row of Uppföljning whose ID another row has too."""
    what = (
        f"Rätta ID: ID {followup.id} finns på flera rader i Uppföljning. Är raden en kopia, ta "
        "bort den; annars skriv personens eget ID (se Intresserade eller Logg)."
    )
    if followup.personal_blank:
        return f"{what} Tills dess räknas personen två gånger i Statistik."
    return f"{what} Tills dess skickas inget brev från raden; uppgifterna raderas ändå i tid."


def mark_shared_ids(followups: Sequence[FollowUp]) -> list[FollowUp]:
    """Follow-up rows whose ID another row has too (renumbered or copied by hand): each is
    marked, and its first problem says what to do (in Status and the to-do list)."""
    counts: dict[int, int] = {}
    for followup in followups:
        if followup.id is not None:
            counts[followup.id] = counts.get(followup.id, 0) + 1
    marked: list[FollowUp] = []
    for followup in followups:
        shared = followup.id is not None and counts[followup.id] > 1
        prefix = f"Rätta ID: ID {followup.id} finns på flera rader"
        problems = tuple(p for p in followup.problems if not p.startswith(prefix))
        if shared:
            problems = (shared_id_problem(followup), *problems)
        if shared != followup.id_shared or problems != followup.problems:
            followup = dataclasses.replace(followup, id_shared=shared, problems=problems)
        marked.append(followup)
    return marked


def row_key(record: Record, tab: Tab) -> tuple[tuple[str, str], ...]:
    """How a row that cannot be found by its ID alone is found: every cell of the tab's known
    columns as it reads. Two rows that read alike in all of them are copies of one person and
    get the same writes; a row that differs in any cell (another person with the same ID, or a
    copy someone has started to edit) is never written with the other's values."""
    return tuple((name, cells.text(record.get(name))) for name in tab.column_names)


def reached(stamp: Stamp) -> tuple[bool, dt.date]:
    """Whether a letter of the stamp's delivery may have gone out, and the day it did
    (`date.max` when the cell does not say): a date, a `Skickar…` or `Delvis skickat` text, or
    anything a person typed (`skickat för hand`); not a blank cell, a refusal (`Fel …`) or a
    letter deliberately not sent (`Ej skickat: …`)."""
    if stamp.state is StampState.DUE or stamp.failed or stamp.not_sent_reason is not None:
        return False, dt.date.max
    return True, stamp.date or dt.date.max


def _precedence(newcomer: Newcomer) -> tuple[int, dt.date, dt.date, int]:
    """How early the routine reached the person on this row of Intresserade (lower: earlier)."""
    introduced, introduced_on = reached(newcomer.introduction)
    welcomed, welcomed_on = reached(newcomer.welcome)
    since = newcomer.registered or newcomer.first_seen or dt.date.max
    assert newcomer.id is not None
    if introduced:
        return 1, introduced_on, since, newcomer.id
    if welcomed:
        return 2, welcomed_on, since, newcomer.id
    return 3, since, since, newcomer.id


def mark_duplicates(
    newcomers: Sequence[Newcomer], followups: Sequence[FollowUp]
) -> tuple[Newcomer, ...]:
    """One person on several rows (the same address, `cells.email_key`): the row the routine
    reached first is the original; every other row of Intresserade holding the address is a
    duplicate of it and gets no letter. Never simply the lower ID (an ID blanked and handed out
    again is higher than a newer row's): first a row of Uppföljning that still holds the data
    (the person was referred; the earliest referral), then a row whose introduction went out,
    then one that was welcomed (each the earliest), then the one registered first; the ID only
    breaks a tie. So no address is welcomed twice while a row holding it keeps its data. A row
    whose ID cannot be read is compared once its ID is fixed (it gets no letter meanwhile)."""
    first: dict[str, tuple[tuple[int, dt.date, dt.date, int], int]] = {}

    def offer(email: str, rank: tuple[int, dt.date, dt.date, int], row_id: int) -> None:
        key = cells.email_key(email)
        if key not in first or rank < first[key][0]:
            first[key] = (rank, row_id)

    for followup in followups:
        if followup.email and followup.id is not None and not followup.erased:
            since = followup.referred or followup.first_seen or dt.date.max
            offer(followup.email, (0, since, since, followup.id), followup.id)
    for newcomer in newcomers:
        if newcomer.email and newcomer.id is not None:  # an ID on two rows competes too
            offer(newcomer.email, _precedence(newcomer), newcomer.id)
    owners: dict[int, int | None] = {}
    for newcomer in newcomers:
        if newcomer.usable and newcomer.email:
            owner = first[cells.email_key(newcomer.email)][1]
            owners[id(newcomer)] = owner if owner != newcomer.id else None
    return tuple(
        dataclasses.replace(n, duplicate_of=owners.get(id(n)))
        if owners.get(id(n)) != n.duplicate_of
        else n
        for n in newcomers
    )
