"""Retention statistics: how many of those referred are still active at the follow-up. Pure.

Computed only from the anonymous columns of Uppföljning (`Hänvisad till`, `Hänvisad`,
`Resultat`), so they survive erasure and can always be recomputed. Per group (an alternative
counts as a group of its own) and quarter of referral: referred, followed up (a call was made),
active, not active, not reached, not followed up (`Ej uppföljd`), and the share active =
active / (active + not active). A `Totalt` row per quarter, and a rolling row per group for the
last 12 months (`Senaste 12 mån`). A group with at least `min_followups` follow-ups in the last
12 months and a share below `alert_below` % is a problem group. The counts are summed by pandas:
one frame row per referral, `groupby` per group and quarter, per quarter and per group over the
last 12 months (`counts_by`, which the national report uses too).

`statistics_change` turns them into the Statistik tab (one whole-tab write, of the cells that
changed) with a block beside it — share active per group over the last four quarters — that
the workbook draws as a chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields

import pandas as pd

from medlemsrutiner.plan import Group
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellValue, Chart, ReplaceRows, Values
from medlemsrutiner.sheet.words import Result, alternative_words
from medlemsrutiner.steps.erasure import referral_date
from medlemsrutiner.steps.records import FollowUp

ROLLING = "Senaste 12 mån"
TOTAL = "Totalt"
SHARE_NOTE = (
    "Andel aktiva: aktiva av aktiva och inte aktiva (ej nådda och ej uppföljda räknas inte)."
)
"""What the share active is a share of, as the Statistik chart says it."""
NO_RESULT_NOTE = "Ingen stapel och ingen siffra: inget känt resultat det kvartalet (ännu)."
"""How a chart of shares tells "nobody's result known yet" from 0 % (which has its label)."""


@dataclass(frozen=True)
class Counts:
    """What happened to the people referred to one group in one period."""

    referred: int = 0
    followed_up: int = 0
    active: int = 0
    not_active: int = 0
    not_reached: int = 0
    not_followed_up: int = 0

    @property
    def share_active(self) -> float | None:
        """Active / (active + not active); None when nobody's outcome is known yet."""
        known = self.active + self.not_active
        return self.active / known if known else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)))


@dataclass(frozen=True)
class Row:
    """One row of Statistik."""

    quarter: str
    group: str
    counts: Counts
    alert: bool = False


@dataclass(frozen=True)
class Statistics:
    rows: tuple[Row, ...]
    recent_quarters: tuple[str, ...]
    """The last four quarters, oldest first (what the chart shows)."""
    problem_groups: tuple[str, ...]

    def share(self, quarter: str, group: str) -> float | None:
        for row in self.rows:
            if row.quarter == quarter and row.group == group:
                return row.counts.share_active
        return None

    @property
    def rolling(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.quarter == ROLLING)


def quarter_of(day: dt.date) -> str:
    """`2026 Q1`."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def last_quarters(today: dt.date, count: int = 4) -> tuple[str, ...]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(f"{year} Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return tuple(reversed(found))


def group_name(text: str, groups: Mapping[str, Group]) -> str:
    """The name a follow-up's `Hänvisad till` is counted under: the group's name in Grupper,
    the alternative's canonical word, or the text as written."""
    word = cells.normalise_word(text)
    if word in groups:
        return groups[word].name
    if word in alternative_words():
        return alternative_words()[word].value
    return cells.text(text)


def _counts(result: Result | None) -> Counts:
    return Counts(
        referred=1,
        followed_up=int(result is not None and result.followed_up),
        active=int(result is Result.ACTIVE),
        not_active=int(result is Result.NOT_ACTIVE),
        not_reached=int(result is Result.NOT_REACHED),
        not_followed_up=int(result is Result.NOT_FOLLOWED_UP),
    )


def is_problem(counts: Counts, settings: Settings) -> bool:
    """A problem group: at least `min_followups` follow-ups and a share active below
    `alert_below` % (the rule of the Statistik tab's Varning and of the national report)."""
    routine = settings.routine
    share = counts.share_active
    return (
        counts.followed_up >= routine.min_followups
        and share is not None
        and share * 100 < routine.alert_below
    )


COUNT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Counts))
"""The counts of a row, in the order of Statistik's columns."""


def counts_by(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], Counts]:
    """The sums of `frame`'s counts (one column each, `COUNT_NAMES`) per value of `keys`,
    in the order of the keys."""
    summed = frame.groupby(keys, sort=True)[list(COUNT_NAMES)].sum().reset_index()
    width = len(keys)
    return {
        tuple(str(key) for key in line[:width]): Counts(*(int(n) for n in line[width:]))
        for line in summed.itertuples(index=False, name=None)
    }


def compute(
    followups: Iterable[FollowUp], groups: Mapping[str, Group], today: dt.date, settings: Settings
) -> Statistics:
    """The statistics of every follow-up row with a referral date and a group."""
    year_ago = cells.later(today, months=-12)
    referrals: list[tuple[object, ...]] = []
    for followup in followups:
        referred = referral_date(followup, settings)
        name = group_name(followup.referred_to, groups)
        if referred is None or not name or referred > today:
            continue
        counts = astuple(_counts(followup.outcome))
        referrals.append((quarter_of(referred), name, referred > year_ago, *counts))
    frame = pd.DataFrame(referrals, columns=["quarter", "group", "recent", *COUNT_NAMES])
    per_group = counts_by(frame, ["quarter", "group"])
    recent = frame.loc[frame["recent"].astype(bool)]
    rolling = {name: counts for (name,), counts in counts_by(recent, ["group"]).items()}
    problems = tuple(name for name, counts in rolling.items() if is_problem(counts, settings))
    rows: list[Row] = []
    for (quarter,), total in counts_by(frame, ["quarter"]).items():
        rows.extend(Row(q, name, counts) for (q, name), counts in per_group.items() if q == quarter)
        rows.append(Row(quarter, TOTAL, total))
    if rolling:
        rows.extend(
            Row(ROLLING, name, counts, alert=name in problems) for name, counts in rolling.items()
        )
        rows.append(Row(ROLLING, TOTAL, sum(rolling.values(), Counts())))
    return Statistics(tuple(rows), last_quarters(today), problems)


def alert_text(settings: Settings) -> str:
    return f"Under {settings.routine.alert_below} % aktiva"


def statistics_change(statistics: Statistics, settings: Settings) -> ReplaceRows:
    """The Statistik tab as it should read, with the chart's block beside it."""
    rows: list[Values] = []
    for row in statistics.rows:
        share = row.counts.share_active
        rows.append(
            (
                ("quarter", row.quarter),
                ("group", row.group),
                ("referred", row.counts.referred),
                ("followed_up", row.counts.followed_up),
                ("active", row.counts.active),
                ("not_active", row.counts.not_active),
                ("not_reached", row.counts.not_reached),
                ("not_followed_up", row.counts.not_followed_up),
                ("share_active", round(share, 4) if share is not None else None),
                ("alert", alert_text(settings) if row.alert else None),
            )
        )
    quarters = statistics.recent_quarters
    names = sorted(
        {row.group for row in statistics.rows if row.quarter in quarters and row.group != TOTAL}
    )
    side: list[tuple[CellValue, ...]] = []
    if names:
        side.append(("Andel aktiva per grupp", *quarters))
        for name in names:
            shares = (statistics.share(quarter, name) for quarter in quarters)
            side.append((name, *(round(s, 4) if s is not None else None for s in shares)))
    chart = Chart(
        "Andel aktiva per grupp, senaste fyra kvartalen",
        "Andel aktiva",
        True,
        f"{SHARE_NOTE} {NO_RESULT_NOTE}",
    )
    return ReplaceRows("statistics", tuple(rows), tuple(side), chart)
