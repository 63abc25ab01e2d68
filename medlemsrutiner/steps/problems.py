"""What a person must correct on a row of Intresserade: each problem makes the run end with
exit code 1 and is shown first in the row's Status. Pure.

Problems never quote a cell: they may end up in a log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medlemsrutiner.sheet import cells, stamps
from medlemsrutiner.sheet.schema import NEWCOMERS
from medlemsrutiner.sheet.stamp_words import row_words
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.steps.records import FollowUp, Newcomer, Referral
from medlemsrutiner.steps.referral import id_taken, referred_to


def phone_only(newcomer: Newcomer) -> bool:
    """The person left a phone number and no address at all: nothing to correct (the
    coordinator calls, and the introduction goes to the group alone), so no problem — Status
    says no welcome letter goes and to ask for an address on the phone."""
    return (
        newcomer.email is None
        and cells.is_blank(newcomer.record["email"])
        and not cells.is_blank(newcomer.person.phone)
    )


def referral_problems(newcomer: Newcomer) -> list[str]:
    """Why `Hänvisad till` cannot be introduced: an unknown name, an inactive group, or a group
    without a contact address."""
    if newcomer.referral is Referral.UNKNOWN:
        hint = f" Menar du '{newcomer.suggestion}'?" if newcomer.suggestion else ""
        return [f"Rätta Hänvisad till: ingen grupp i Grupper heter så.{hint}"]
    group = newcomer.group
    if newcomer.referral is Referral.GROUP and group is not None:
        if not group.active:
            return [f"Gruppen '{group.name}' är inte aktiv: välj en annan grupp."]
        if group.email is None:
            return [f"Gruppen '{group.name}' saknar giltig e-post till kontaktpersonen (Grupper)."]
        if group.formulas:
            return [
                f"Gruppen '{group.name}' har en formel i Grupper ({', '.join(group.formulas)}): "
                "ingen introduktion skickas förrän texten är inskriven där."
            ]
    return []


def registered_by_first_run(newcomer: Newcomer) -> bool:
    """Registrerad still holds the date the first run wrote into the blank cell of a row that
    was there before it (an old contact, perhaps): the welcome stamp says so, and Registrerad
    is the day the scripts first saw the row. A date a person types ends it (or clearing
    `Välkomstbrev`, which sends the letter: the date then stands)."""
    return (
        stamps.existed_before_first_run(newcomer.welcome)
        and newcomer.registered is not None
        and newcomer.registered == newcomer.first_seen
    )


def row_problems(
    newcomer: Newcomer, followups: Mapping[int, Sequence[FollowUp]] | None = None
) -> list[str]:
    """Every cell of the row a person must correct, in the order Status shows them."""
    problems = list(newcomer.problems)
    if registered_by_first_run(newcomer):
        problems.append(
            "Kontrollera Registrerad: första körningen skrev sitt eget datum här. Skriv "
            "datumet uppgifterna kom in: samtalsfristen och raderingen räknas från det."
        )
    taken = (
        followups is not None
        and newcomer.introduction.state is StampState.DUE
        and referred_to(newcomer) is not None
        and id_taken(newcomer, followups)
    )
    if taken:
        problems.append(
            f"ID {newcomer.id} finns redan i Uppföljning för en annan person: töm ID-cellen, "
            "så får raden ett nytt ID. Ingen introduktion skickas tills dess."
        )
    problems.extend(w.sv for w in row_words(newcomer.stamps, NEWCOMERS.key) if w.problem)
    needs_letters = newcomer.referral is Referral.NONE or newcomer.referral is Referral.UNKNOWN
    lacks = newcomer.email is None and not phone_only(newcomer)
    if needs_letters and lacks and not any("E-post" in p for p in problems):
        problems.append("Fyll i E-post: utan adress går inga brev ut.")
    if newcomer.duplicate_of is not None:
        owner = newcomer.duplicate_of
        # A call or referral typed here would never happen: a duplicate is never introduced.
        typed = newcomer.call is not None or newcomer.referral is not Referral.NONE
        what = (
            f"Skriv Samtal och Hänvisad till på raden med ID {owner} och ta bort den här raden."
            if typed
            else "Ta bort raden."
        )
        problems.append(f"Dubblett av ID {owner} (samma e-post): inga brev skickas. {what}")
    if newcomer.introduction.state is StampState.DUE:
        problems.extend(referral_problems(newcomer))
    return problems
