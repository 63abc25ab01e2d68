"""The due rules of letter kinds added to the registry beside the built-in ones. Pure.

The built-in kinds' rules are steps of their own (`welcome`, `referral`, `followup`, `groups`),
composed by `daily.plan_day` in the order the routine needs: the welcome letter is worded after
the same day's introduction, and an introduction moves the person to Uppföljning. A kind added
to the registry (`sheet.letter_kinds.registered`) brings its rule here: a function of one row of
its stamp column's tab, the records, the day and the settings, returning the row's delivery
when it is due and None otherwise. `plan_day` asks each rule about every row that may get a
letter that day:

* in Intresserade, a row with a usable ID that is not finished, not erased today and not a
  duplicate (after the built-in letters of the row);
* in Uppföljning, a row with an ID of its own that still holds personal data;
* in Grupper, every group (after the reminders);

and never when the tab lacks the kind's stamp column: without its cell a letter could not be
sent at most once. A delivery a rule returns must be of the rule's kind and guarded by that
kind's stamp column (anything else is a bug: ValueError).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from medlemsrutiner.plan import Delivery, Group
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import letter_kinds
from medlemsrutiner.sheet.letter_kinds import DeliveryKind
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records

NewcomerRule = Callable[[Newcomer, Records, dt.date, Settings], Delivery | None]
FollowUpRule = Callable[[FollowUp, Records, dt.date, Settings], Delivery | None]
GroupRule = Callable[[Group, Records, dt.date, Settings], Delivery | None]


@dataclass(frozen=True)
class Rule:
    """When the delivery kind called `delivery` is due: one function, for the rows of the tab
    its stamp column is in."""

    delivery: str
    newcomer: NewcomerRule | None = None
    followup: FollowUpRule | None = None
    group: GroupRule | None = None


_rules: list[Rule] = []


@contextmanager
def registered(*rules: Rule) -> Iterator[None]:
    """`plan_day` asks `rules` too, until the block ends. Each names a delivery kind of the
    registry (register the letter kind first) and has the function for its stamp column's tab.
    """
    before = list(_rules)
    try:
        for rule in rules:
            kind = letter_kinds.delivery_kind(rule.delivery)
            if kind is None:
                raise ValueError(f"no delivery kind {rule.delivery} is registered")
            if any(known.delivery == rule.delivery for known in _rules):
                raise ValueError(f"the delivery kind {rule.delivery} has a rule already")
            given = {
                tab
                for tab, function in (
                    ("newcomers", rule.newcomer),
                    ("followups", rule.followup),
                    ("groups", rule.group),
                )
                if function is not None
            }
            if given != {kind.stamp.tab}:
                raise ValueError(f"the rule of {rule.delivery} is not for the tab {kind.stamp.tab}")
            _rules.append(rule)
        yield
    finally:
        _rules[:] = before


def _asked(records: Records) -> list[tuple[Rule, DeliveryKind]]:
    """The rules whose stamp column the workbook has, with their delivery kinds."""
    found = []
    for rule in _rules:
        kind = letter_kinds.delivery_kind(rule.delivery)
        if kind is not None and kind.stamp.column in records.present.get(kind.stamp.tab, ()):
            found.append((rule, kind))
    return found


def _checked(delivery: Delivery | None, kind: DeliveryKind) -> list[Delivery]:
    if delivery is None:
        return []
    stamp = kind.stamp
    if (delivery.kind, delivery.tab, delivery.stamp) != (kind.name, stamp.tab, stamp.column):
        raise ValueError(
            f"the rule of {kind.name} planned a delivery of {delivery.kind} guarded by "
            f"{delivery.tab}/{delivery.stamp}"
        )
    return [delivery]


def newcomer_deliveries(
    newcomer: Newcomer, records: Records, today: dt.date, settings: Settings
) -> list[Delivery]:
    """What the added rules want sent to or about a row of Intresserade today."""
    found: list[Delivery] = []
    for rule, kind in _asked(records):
        if rule.newcomer is not None:
            found.extend(_checked(rule.newcomer(newcomer, records, today, settings), kind))
    return found


def followup_deliveries(
    followup: FollowUp, records: Records, today: dt.date, settings: Settings
) -> list[Delivery]:
    """What the added rules want sent about a row of Uppföljning today."""
    found: list[Delivery] = []
    if followup.id is None or followup.id_shared or followup.personal_blank:
        return found
    for rule, kind in _asked(records):
        if rule.followup is not None:
            found.extend(_checked(rule.followup(followup, records, today, settings), kind))
    return found


def group_deliveries(records: Records, today: dt.date, settings: Settings) -> list[Delivery]:
    """What the added rules want sent to the groups today, by group name."""
    found: list[Delivery] = []
    asked = _asked(records)
    for group in sorted(records.groups.values(), key=lambda g: g.name):
        for rule, kind in asked:
            if rule.group is not None:
                found.extend(_checked(rule.group(group, records, today, settings), kind))
    return found
