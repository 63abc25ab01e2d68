"""The Status text of every row, in plain Swedish: problems first, then the next step and its
date, or what is overdue. Pure.

Status is computed from the state *after* the run's writes (`after.records_after`), so it
says what is true when the coordinator opens the sheet: "Välkomstbrev skickat 2026-11-24", not
"ej skickat". Due dates count from the recorded dates, never from today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells, stamps
from medlemsrutiner.sheet.changes import Change
from medlemsrutiner.sheet.letter_kinds import INTRODUCTION, REENGAGEMENT, WELCOME
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.sheet.stamp_words import Said, StampWords, row_words
from medlemsrutiner.sheet.stamps import StampCells, StampState
from medlemsrutiner.sheet.words import Result
from medlemsrutiner.steps.erasure import (
    Erasure,
    followup_erasure,
    intake_erasure,
    referral_date,
    row_write,
)
from medlemsrutiner.steps.followup import (
    reengagement_by_phone,
    reengagement_due,
    reengagement_problem,
    window,
)
from medlemsrutiner.steps.problems import phone_only, referral_problems, row_problems
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records, Referral
from medlemsrutiner.steps.referral import closed, moved
from medlemsrutiner.steps.rows import id_advice
from medlemsrutiner.wording import count, date_range


def status_changes(after: Records, today: dt.date, settings: Settings) -> tuple[Change, ...]:
    """Status writes for every row whose Status text is not what the state says it should be."""
    by_id = after.followups_by_id
    column = REENGAGEMENT.stamp.column
    has_stamp = column in after.present.get(FOLLOWUPS.key, frozenset({column}))
    changes: list[Change] = []
    for newcomer in after.newcomers:
        if newcomer.usable and cells.parse_id(newcomer.record["id"]) != newcomer.id:
            continue  # the ID is not written yet; its Status comes with the next run
        if newcomer.usable:
            text = newcomer_status(newcomer, today, settings, by_id)
        else:
            text = unaddressable_status(newcomer, today, settings)
        if cells.text(newcomer.record["status"]) != text:
            values = (("status", text),)
            changes.append(
                row_write(
                    "newcomers", newcomer.id, newcomer.read_record, values, not newcomer.usable
                )
            )
    for followup in after.followups:
        if followup.id is None and followup.personal_blank:
            continue
        text = followup_status(followup, today, settings, has_stamp)
        if cells.text(followup.record["status"]) != text:
            values = (("status", text),)
            by_content = followup.id_shared or followup.id is None
            changes.append(
                row_write("followups", followup.id, followup.read_record, values, by_content)
            )
    return tuple(changes)


def _d(day: dt.date) -> str:
    return day.isoformat()


def unaddressable_status(newcomer: Newcomer, today: dt.date, settings: Settings) -> str:
    """The Status of a row whose ID is unreadable or on two rows: what to do, and its erasure."""
    if newcomer.personal_blank:
        return "Personuppgifterna är raderade."
    problem = newcomer.id_problem or "ID:t går inte att läsa"
    return (
        f"Rätta ID: {problem}. {id_advice(newcomer)}; inga brev skickas tills dess. "
        f"{erasure_text(intake_erasure(newcomer, today, settings))}"
    )


def erasure_text(erasure: Erasure) -> str:
    """The erasure date as Status says it."""
    if erasure.consent_until is not None:
        return f"Samtycke: sparas till {_d(erasure.consent_until)}, personuppgifterna raderas då."
    if erasure.latest:
        return f"Raderas senast {_d(erasure.on)}."
    return f"Personuppgifterna raderas {_d(erasure.on)}."


def newcomer_status(
    newcomer: Newcomer,
    today: dt.date,
    settings: Settings,
    followups: Mapping[int, Sequence[FollowUp]],
) -> str:
    """The Status text of a row of Intresserade: problems first, then the next step, then the
    day the personal data will be erased."""
    routine = settings.routine
    if closed(newcomer, followups.keys()):
        return _closed_status(newcomer, today)

    erasure = intake_erasure(newcomer, today, settings)
    parts = row_problems(newcomer, followups)
    if newcomer.duplicate_of is not None:
        return " ".join([*parts, erasure_text(erasure)])
    parts.extend(newcomer.notes)
    parts.extend(note.sv for note in stamp_notes(newcomer.stamps, NEWCOMERS.key))
    registered = newcomer.registered

    if newcomer.referral is Referral.OUTCOME and newcomer.outcome is not None:
        parts.append(f"{newcomer.outcome.value}.")
        return " ".join([*parts, erasure_text(erasure)])

    welcome = newcomer.welcome
    before_start = registered is not None and registered < settings.start_date
    if before_start and welcome.state is StampState.DUE:
        parts.append("Registrerad före startdatum: inget välkomstbrev skickas.")
    elif welcome.state is StampState.DUE and phone_only(newcomer):
        parts.append("Ingen e-post: inget välkomstbrev. Fråga efter en adress när du ringer.")
    elif welcome.state is StampState.DUE and registered is not None:
        deadline = cells.later(registered, days=routine.welcome_within_days)
        late = "FÖRSENAT: " if today > deadline else ""
        parts.append(f"{late}{WELCOME.stamp.header} ej skickat (senast {_d(deadline)}).")
    parts.extend(sent_notes(newcomer.stamps, NEWCOMERS.key))

    if newcomer.referral is Referral.NONE and newcomer.call is None and registered is None:
        # Registrerad cannot be read (its problem comes first): no deadline can be counted.
        if welcome.state is StampState.DUE:
            parts.append(f"{WELCOME.stamp.header} skickas när Registrerad är rättad.")
    elif newcomer.referral is Referral.NONE and newcomer.call is None and registered is not None:
        deadline = cells.later(registered, days=routine.call_within_days)
        stale = cells.later(registered, days=routine.stale_after_days)
        if today > stale:
            parts.append(
                f"Ingen kontakt på {count(routine.stale_after_days, 'day')}: ring eller skriv "
                "Avböjt / Ej nådd."
            )
        elif today > deadline:
            parts.append(f"FÖRSENAT: ring (senast {_d(deadline)}).")
        else:
            parts.append(f"Ring senast {_d(deadline)}.")
    elif newcomer.referral is Referral.NONE and newcomer.call is not None:
        parts.append(
            "Samtal gjort: fyll i Hänvisad till (grupp, alternativ, Avböjt eller Ej nådd)."
        )
    elif newcomer.introduction.state is StampState.DUE and newcomer.call_ahead:
        pass  # the problem above says the introduction waits for the call's day
    elif newcomer.introduction.state is StampState.DUE and not referral_problems(newcomer):
        parts.append(f"{INTRODUCTION.stamp.header} skickas vid nästa körning.")
    parts.append(erasure_text(erasure))
    return " ".join(parts)


def _closed_status(newcomer: Newcomer, today: dt.date) -> str:
    """A finished row: referred (its introduction went out), or erased — and then what happened
    to it, never a referral that was not made."""
    if moved(newcomer) is not None:
        introduced = _d(newcomer.introduction.date or today)
        if newcomer.referral is Referral.GROUP and newcomer.group is not None:
            return (
                f"Klar: hänvisad till {newcomer.group.name} {introduced}. "
                "Följs upp i fliken Uppföljning."
            )
        if newcomer.referral is Referral.ALTERNATIVE and newcomer.alternative is not None:
            return (
                f"Klar: hänvisad till {newcomer.alternative.value} {introduced}. "
                "Följs upp i fliken Uppföljning."
            )
        return "Klar: hänvisad. Följs upp i fliken Uppföljning."
    erased = "Personuppgifterna är raderade."
    if newcomer.erased_on is not None:
        how = " på begäran" if newcomer.erased_on_request else ""
        erased = f"Personuppgifterna raderade{how} {_d(newcomer.erased_on)}."
    owner = stamps.duplicate_owner(newcomer.welcome)
    if newcomer.erased_on_request:
        return erased
    if owner is not None:
        # "Var dubblett": not the red "Dubblett" of a row still to delete (presentation.py).
        return f"Var dubblett av ID {owner} (samma e-post). {erased}"
    if newcomer.outcome is not None:
        return f"{newcomer.outcome.value}. {erased}"
    if newcomer.referral is Referral.NONE and newcomer.call is None:
        return f"Ingen kontakt. {erased}"
    return f"Inte klar i tid. {erased}"


def stamp_notes(cells: StampCells, tab: str) -> list[StampWords]:
    """What Status says about a row's stamp cells besides the day a letter went out (an
    unreadable cell is one of the row's problems, said with them)."""
    return [w for w in row_words(cells, tab) if w.said is not Said.SENT and not w.problem]


def sent_notes(cells: StampCells, tab: str) -> list[str]:
    """The day each letter went out, for the stamp columns whose Status says so."""
    return [w.sv for w in row_words(cells, tab) if w.said is Said.SENT and w.column.sent_in_status]


def followup_status(
    followup: FollowUp, today: dt.date, settings: Settings, has_stamp: bool = True
) -> str:
    """The Status text of a row of Uppföljning: problems, where the follow-up stands, the
    re-engagement letter, and when the personal data is (or was) erased."""
    parts = list(followup.problems)
    problem = reengagement_problem(followup, settings, has_stamp)
    if problem is not None:
        parts.append(problem)
    outcome = followup.outcome
    if outcome is Result.NOT_FOLLOWED_UP:
        # The window's end, when the call was due; the erasure date follows on its own.
        referred = referral_date(followup, settings)
        due_by = followup.follow_up_by or (window(referred, settings)[1] if referred else None)
        parts.append(
            f"Ej uppföljd: inget uppföljningssamtal senast {_d(due_by)}."
            if due_by is not None
            else "Ej uppföljd: inget uppföljningssamtal i tid."
        )
    elif outcome is not None:
        parts.append(f"Uppföljd: {outcome.value}.")
        if reengagement_by_phone(followup, settings, has_stamp):
            parts.append(
                "Inget återvärvningsbrev: raden har ingen e-post. Berätta om de andra "
                "grupperna och alternativen i telefon."
            )
    elif followup.follow_up_from is not None and followup.follow_up_by is not None:
        span = date_range(followup.follow_up_from, followup.follow_up_by)
        if today > followup.follow_up_by:
            parts.append(f"FÖRSENAT: uppföljningssamtal (senast {_d(followup.follow_up_by)}).")
        elif today >= followup.follow_up_from:
            parts.append(f"Dags för uppföljningssamtal ({span}).")
        else:
            parts.append(f"Uppföljningssamtal {span}.")
    parts.extend(note.sv for note in stamp_notes(followup.stamps, FOLLOWUPS.key))
    parts.extend(sent_notes(followup.stamps, FOLLOWUPS.key))
    if followup.erased is not None and followup.personal_blank:
        parts.append(f"Personuppgifterna raderade {_d(followup.erased)}.")
    elif not followup.personal_blank:
        due = reengagement_due(followup, settings, has_stamp)
        parts.append(erasure_text(followup_erasure(followup, today, settings, due)))
    return " ".join(parts)
