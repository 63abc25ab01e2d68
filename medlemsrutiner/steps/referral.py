"""The referral (routine steps 3-4): the double introduction to a group, or the alternatives,
and the move to Uppföljning. Pure.

When `Hänvisad till` names an active group with a contact address, the newcomer gets the group
contact's details and the group contact gets the newcomer's: two letters guarded by one stamp
cell (`Introduktion`). When it names an alternative, the newcomer gets the alternatives letter.
Once every letter went out, the person is copied to Uppföljning and their personal cells in
Intresserade are blanked. Nobody is copied twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set

from medlemsrutiner.plan import Delivery, Group, Letter, LogEntry
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow, Change, Values
from medlemsrutiner.sheet.letter_kinds import ALTERNATIVES, INTRODUCTION
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import NEWCOMERS
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.steps.erasure import erase
from medlemsrutiner.steps.followup import window
from medlemsrutiner.steps.records import FollowUp, Newcomer, Referral


def group_usable(group: Group | None) -> bool:
    """A group a newcomer can be introduced to: active, with a contact address, and no formula
    in a cell the letters show."""
    return group is not None and group.active and group.email is not None and not group.formulas


def referred_to(newcomer: Newcomer) -> str | None:
    """The group or alternative the person is referred to, as Uppföljning records it."""
    if newcomer.referral is Referral.GROUP and newcomer.group is not None:
        return newcomer.group.name
    if newcomer.referral is Referral.ALTERNATIVE and newcomer.alternative is not None:
        return newcomer.alternative.value
    return None


def moved(newcomer: Newcomer) -> str | None:
    """The group or alternative a person was introduced to (Introduktion has a date), if any."""
    if newcomer.introduction.state is StampState.SENT:
        return referred_to(newcomer)
    return None


def closed(newcomer: Newcomer, in_followups: Set[int]) -> bool:
    """Done with intake: introduced and moved to Uppföljning, or erased.

    An introduced row is decided from lasting state (a dated Introduktion and the ID in
    Uppföljning), not from the personal cells being blank: a note typed into a finished row must
    not reopen it. Any other row without personal data has nothing left to do.
    """
    if moved(newcomer) is not None:
        return newcomer.id in in_followups or newcomer.personal_blank
    return newcomer.personal_blank


def copy_to_followups(
    newcomer: Newcomer, to: str, referred_on: dt.date, settings: Settings
) -> AppendRow:
    """The person's row in Uppföljning: contact details, referral and follow-up window, and a
    basic training already attended (`Utbildning`: typed in Uppföljning from now on)."""
    assert newcomer.id is not None
    follow_up_from, follow_up_by = window(referred_on, settings)
    copied: Values = (
        ("name", newcomer.person.name),
        ("email", newcomer.email or ""),
        ("phone", newcomer.person.phone),
        ("language", newcomer.person.language),
        ("referred_to", to),
        ("referred", referred_on),
        ("follow_up_from", follow_up_from),
        ("follow_up_by", follow_up_by),
        ("note", cells.multiline_text(newcomer.record["note"]) or None),
        ("consent", newcomer.consent),
        ("training", newcomer.training),
    )
    return AppendRow("followups", (("id", newcomer.id), *copied))


def move_to_followups(
    newcomer: Newcomer, to: str, referred_on: dt.date, settings: Settings, existing: Set[int]
) -> tuple[Change, ...]:
    """Copy the person to Uppföljning, then blank their personal cells in Intresserade.

    A person already in Uppföljning is never copied again (the row there may hold the
    follow-up, or have been erased): only the cells left in Intresserade are blanked.
    """
    assert newcomer.id is not None
    blank = erase("newcomers", newcomer.id, NEWCOMERS.personal_columns)
    if newcomer.id in existing:
        return (blank,)
    return (copy_to_followups(newcomer, to, referred_on, settings), blank)


def finish_move(
    newcomer: Newcomer, today: dt.date, settings: Settings, existing: Set[int]
) -> tuple[tuple[Change, ...], LogEntry] | None:
    """An introduced row that still holds personal data (a run stopped half-way, the date was
    typed by hand, or someone typed into a finished row): move it, so nothing stays behind."""
    to = moved(newcomer)
    if to is None or newcomer.personal_blank or newcomer.id is None:
        return None
    referred_on = newcomer.introduction.date or today
    changes = move_to_followups(newcomer, to, referred_on, settings, existing)
    return changes, LogEntry(Action.MOVED, newcomer.id, to)


def _letters(newcomer: Newcomer, settings: Settings) -> tuple[tuple[Letter, ...], str, str] | None:
    """The letters a referral sends (to whom, about what), what Uppföljning records, and the
    delivery's kind; None when the referral cannot be introduced (an unusable group).

    A newcomer without a valid address gets no letter of their own — the coordinator has
    spoken to them — but the group contact still gets theirs (with the phone number), and the
    person moves to Uppföljning all the same: the follow-up is a phone call.
    """
    email, person = newcomer.email, newcomer.person
    to = referred_to(newcomer)
    if to is None:
        return None
    if newcomer.referral is Referral.ALTERNATIVE:
        if email is None:
            return (), to, ALTERNATIVES.name
        letter = Letter(
            "alternatives", person.language, email, person.name, person, chosen=newcomer.alternative
        )
        return (letter,), to, ALTERNATIVES.name
    group = newcomer.group
    if group is None or not group_usable(group) or group.email is None:
        return None
    to_group = Letter(
        "introduction_group", settings.language, group.email, group.contact, person, group
    )
    if email is None:
        return (to_group,), to, INTRODUCTION.name
    to_newcomer = Letter(
        "introduction_newcomer", person.language, email, person.name, person, group=group
    )
    return (to_newcomer, to_group), to, INTRODUCTION.name


def same_person(newcomer: Newcomer, followups: Sequence[FollowUp]) -> bool:
    """The follow-up rows with the newcomer's ID are this person's: one of them holds the same
    address. (An ID typed or copied by hand can belong to someone else entirely.)"""
    if newcomer.email is None:
        return False
    key = cells.email_key(newcomer.email)
    return any(f.email is not None and cells.email_key(f.email) == key for f in followups)


def id_taken(newcomer: Newcomer, followups: Mapping[int, Sequence[FollowUp]]) -> bool:
    """The newcomer's ID already belongs to another person in Uppföljning: introducing them
    would copy nobody and blank their details — the person would be lost."""
    rows = followups.get(newcomer.id) if newcomer.id is not None else None
    return bool(rows) and not same_person(newcomer, rows or ())


def introduction(
    newcomer: Newcomer,
    today: dt.date,
    settings: Settings,
    followups: Mapping[int, Sequence[FollowUp]],
) -> Delivery | None:
    """The introduction or alternatives delivery, if due (or only its rest, if half-sent)."""
    stamp = newcomer.introduction
    if newcomer.id is None or stamp.state not in (StampState.DUE, StampState.PARTIAL):
        return None
    if id_taken(newcomer, followups) or (newcomer.call_ahead and stamp.state is StampState.DUE):
        return None
    found = _letters(newcomer, settings)
    if found is None:
        return None
    letters, to, kind = found
    left = tuple(
        letter
        for letter in letters
        if stamp.state is StampState.DUE or letter.kind in stamp.remaining
    )
    return Delivery(
        tab=INTRODUCTION.stamp.tab,
        row_id=newcomer.id,
        stamp=INTRODUCTION.stamp.column,
        letters=left,
        due_since=newcomer.call or newcomer.registered or today,
        kind=kind,
        on_sent=move_to_followups(newcomer, to, today, settings, set(followups)),
        already_sent=tuple(letter.kind for letter in letters if letter not in left),
        stamp_text=stamp.text,
        unsure=tuple(
            letter.kind for letter in letters if letter not in left and letter.kind in stamp.unsure
        ),
    )
