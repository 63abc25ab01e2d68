"""The Status text of every row, in plain Swedish: problems first, then the next step and its
date, or what is overdue. Pure.

Status is computed from the state *after* the run's writes (`after.records_after`), so it
says what is true when the coordinator opens the sheet: "Välkomstbrev skickat 2026-11-24", not
"ej skickat". Due dates count from the recorded dates, never from today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import SetCells
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.steps.erasure import followup_erase_date, outcome_erase_date, stale_erase_date
from medlemsrutiner.steps.problems import referral_problems, row_problems
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records, Referral
from medlemsrutiner.steps.referral import closed


def status_changes(after: Records, today: dt.date, settings: Settings) -> tuple[SetCells, ...]:
    """Status writes for every row whose Status text is not what the state says it should be."""
    in_followups = after.in_followups
    changes: list[SetCells] = []
    for newcomer in after.newcomers:
        if not newcomer.usable or newcomer.id is None:
            continue
        if cells.parse_id(newcomer.record["id"]) != newcomer.id:
            continue  # the ID is not written yet; its Status comes with the next run
        text = newcomer_status(newcomer, today, settings, in_followups)
        if cells.text(newcomer.record["status"]) != text:
            changes.append(SetCells("newcomers", newcomer.id, (("status", text),)))
    for followup in after.followups:
        if followup.id is None:
            continue
        text = followup_status(followup, today, settings)
        if cells.text(followup.record["status"]) != text:
            changes.append(SetCells("followups", followup.id, (("status", text),)))
    return tuple(changes)


def _d(day: dt.date) -> str:
    return day.isoformat()


def newcomer_status(
    newcomer: Newcomer, today: dt.date, settings: Settings, in_followups: Set[int]
) -> str:
    """The Status text of a row of Intresserade: problems first, then the next step."""
    routine = settings.routine
    if closed(newcomer, today, settings, in_followups):
        return _closed_status(newcomer, today)

    parts = row_problems(newcomer)
    if newcomer.duplicate_of is not None:
        return " ".join(parts)
    parts.extend(newcomer.notes)
    parts.extend(stamp_notes(newcomer))
    registered = newcomer.registered

    if newcomer.referral is Referral.OUTCOME and newcomer.outcome is not None:
        erase_on = outcome_erase_date(newcomer, settings)
        parts.append(f"{newcomer.outcome.value}. Personuppgifterna raderas {_d(erase_on)}.")
        return " ".join(parts)

    welcome = newcomer.welcome
    if (
        registered is not None
        and registered < settings.start_date
        and welcome.state is StampState.DUE
    ):
        parts.append("Registrerad före startdatum: inget välkomstbrev skickas.")
    elif welcome.state is StampState.SENT and welcome.date is not None:
        parts.append(f"Välkomstbrev skickat {_d(welcome.date)}.")
    elif welcome.state is StampState.DUE and registered is not None:
        deadline = registered + dt.timedelta(days=routine.welcome_within_days)
        late = "FÖRSENAT: " if today > deadline else ""
        parts.append(f"{late}Välkomstbrev ej skickat (senast {_d(deadline)}).")

    if newcomer.referral is Referral.NONE and newcomer.call is None and registered is not None:
        deadline = registered + dt.timedelta(days=routine.call_within_days)
        stale = registered + dt.timedelta(days=routine.stale_after_days)
        if today > stale:
            parts.append(
                f"Ingen kontakt på {routine.stale_after_days} dagar: ring eller skriv Avböjt / "
                f"Ej nådd. Raderas {_d(stale_erase_date(newcomer, settings))}."
            )
        elif today > deadline:
            parts.append(f"FÖRSENAT: ring (senast {_d(deadline)}).")
        else:
            parts.append(f"Ring senast {_d(deadline)}.")
    elif newcomer.referral is Referral.NONE:
        parts.append(
            "Samtal gjort: fyll i Hänvisad till (grupp, alternativ, Avböjt eller Ej nådd)."
        )
    elif newcomer.introduction.state is StampState.DUE and not referral_problems(newcomer):
        parts.append("Introduktion skickas vid nästa körning.")
    return " ".join(parts)


def _closed_status(newcomer: Newcomer, today: dt.date) -> str:
    if newcomer.referral is Referral.GROUP and newcomer.group is not None:
        return (
            f"Klar: hänvisad till {newcomer.group.name} "
            f"{_d(newcomer.introduction.date or today)}. Följs upp i fliken Uppföljning."
        )
    if newcomer.referral is Referral.ALTERNATIVE and newcomer.alternative is not None:
        return (
            f"Klar: alternativen skickade {_d(newcomer.introduction.date or today)} "
            f"({newcomer.alternative.value}). Följs upp i fliken Uppföljning."
        )
    if newcomer.referral is Referral.GROUP or newcomer.referral is Referral.ALTERNATIVE:
        return "Klar: hänvisad. Följs upp i fliken Uppföljning."
    reason = newcomer.outcome.value if newcomer.outcome else "Ingen kontakt"
    return f"{reason}. Personuppgifterna är raderade."


def stamp_notes(newcomer: Newcomer) -> list[str]:
    """What a person should do about a stamp cell that is neither blank nor a date."""
    notes: list[str] = []
    for stamp, header in (
        (newcomer.welcome, "Välkomstbrev"),
        (newcomer.introduction, "Introduktion"),
    ):
        if stamp.state is StampState.SENDING:
            notes.append(
                f"KONTROLLERA {header}: utskicket avbröts ({stamp.text}). Gick brevet iväg? "
                "Skriv i så fall datumet i cellen, annars töm den så skickas det igen."
            )
        elif stamp.state is StampState.PARTIAL:
            notes.append(f"{header}: resten skickas vid nästa körning (se cellen).")
        elif stamp.failed_in_part:
            notes.append(
                f"{header} gick bara delvis iväg (se cellen): rätta felet, skicka resten för "
                "hand och skriv sedan datumet i cellen. Töm den inte – då skickas allt igen."
            )
        elif stamp.failed:
            notes.append(f"{header} ej skickat: se cellen. Töm cellen när felet är rättat.")
        elif stamp.not_sent_reason is not None:
            notes.append(
                f"{header} ej skickat ({stamp.not_sent_reason}). Töm cellen om brevet ska skickas."
            )
    return notes


def followup_status(followup: FollowUp, today: dt.date, settings: Settings) -> str:
    """The Status text of a row of Uppföljning."""
    parts = list(followup.problems)
    if followup.result:
        parts.append(f"Uppföljd: {followup.result}.")
        erase_on = followup_erase_date(followup, settings)
        if followup.erased is not None:
            parts.append(f"Personuppgifterna raderade {_d(followup.erased)}.")
        elif erase_on is not None:
            parts.append(f"Personuppgifterna raderas {_d(erase_on)}.")
    elif followup.follow_up_from is not None and followup.follow_up_by is not None:
        window = f"{_d(followup.follow_up_from)}–{_d(followup.follow_up_by)}"
        if today > followup.follow_up_by:
            parts.append(f"FÖRSENAT: uppföljningssamtal (senast {_d(followup.follow_up_by)}).")
        elif today >= followup.follow_up_from:
            parts.append(f"Dags för uppföljningssamtal ({window}).")
        else:
            parts.append(f"Uppföljningssamtal {window}.")
    return " ".join(parts)
