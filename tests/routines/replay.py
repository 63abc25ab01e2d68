"""A replay of the demo, one daily run a day, checked every day for what must never happen to
personal data and to the letters in the outbox (issue 18's acceptance).

It starts from the demo workbook (`routines.demo.demo_rows`, in memory) and the outbox
transport, and then, every day: a simulated coordinator calls people, refers them, types
follow-up results (some days late, with the day the call was really made), now and then types
or clears a consent; new people arrive; now and then a dry run goes first; the daily run goes;
on Mondays the weekly emails; every 45 days one person asks to be forgotten (`forget`). After
each day it checks, from the outside:

* **No letter removed within `erase_after_result_days` (7) of being written** unless forget
  asked for it (a dry run's previews are replaced by the next dry run, by design).
* **No letter holds data the workbook no longer holds**: every address and every full name of a
  person a letter file holds (read from the file, as a person would) is still in some row with
  personal data, and every `ID n Förnamn` in a weekly summary is an ID whose row still holds data.
* **No data kept past its erasure date**: every row that holds personal data shows its erasure
  date in Status, that date is after today, and it is at most the longest any data may be kept
  without a consent (registration + 180 days + 16 weeks + 7 days) from the day the ID was first
  seen.
* **Every re-engagement letter the run reports is in the outbox.**

Used by `tests/routines/test_replay.py` (a short replay in `make test`) and
`benchmarks/replay.py` (two years).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.cli.shell import open_transport
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import demo_rows
from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.routines.weekly import run_weekly
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.simulation import _cell as _get
from tests.simulation import _headers as _columns
from tests.simulation import _set as _put
from tests.simulation import letter_text
from tests.support import REPO, TAB_NAMES, make_config, workbook_grids

START = dt.date(2026, 1, 5)  # a Monday
KEPT_DAYS = 7
LONGEST = dt.timedelta(days=180 + 16 * 7 + 7)
ADDRESS = re.compile(r"[\w.+-]+@example\.se", re.IGNORECASE)
NAMED = re.compile(r"\bID (\d+) ([A-ZÅÄÖ]\w*)")
ERASURE = re.compile(
    r"(?:Raderas senast|Personuppgifterna raderas|sparas till) (\d{4}-\d{2}-\d{2})"
)
PEOPLE_TABS = ("Intresserade", "Uppföljning")
FORGET_EVERY = 45
DRY_RUN_EVERY = 11


@dataclass
class Replay:
    """What the replay saw and what it found wrong (empty lists: nothing)."""

    days: int = 0
    letters_written: int = 0
    letters_removed: int = 0
    forgotten: int = 0
    reengagement_letters: int = 0
    summaries: int = 0
    erasures: int = 0
    removed_early: list[str] = field(default_factory=list)
    outlived: list[str] = field(default_factory=list)
    kept_too_long: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.removed_early, *self.outlived, *self.kept_too_long, *self.lost]


def _rows(grids: Grids, tab: str) -> Iterator[tuple[dict[str, int], list[Any]]]:
    grid = grids[tab]
    at = _columns(grid)
    for row in grid[1:]:
        yield at, row


def _written(name: str) -> dt.date:
    return dt.datetime.strptime(name[:8], "%Y%m%d").date()


class Coordinator:
    """Types into the workbook as a coordinator would."""

    def __init__(self, seed: int, groups: list[str]) -> None:
        self.rng = random.Random(seed)
        self.groups = groups
        self.arrived = 0

    def work(self, grids: Grids, day: dt.date) -> None:
        rng = self.rng
        choices = [
            *self.groups,
            "Blixtaktioner",
            "Webbaktioner",
            "På egen hand",
            "Avböjt",
            "Ej nådd",
        ]
        for at, row in _rows(grids, "Intresserade"):
            if not _get(row, at["Namn"]) or _get(row, at["Samtal"]) is not None:
                continue
            if rng.random() < 0.004:
                _put(row, at["Samtycke"], day)
            if rng.random() < 0.2:
                _put(row, at["Samtal"], day)
                if rng.random() < 0.9:
                    _put(row, at["Hänvisad till"], rng.choice(choices))
        for at, row in _rows(grids, "Uppföljning"):
            if not _get(row, at["Namn"]):
                continue
            if _get(row, at["Samtycke"]) is not None and rng.random() < 0.02:
                _put(row, at["Samtycke"], None)  # withdrawn
            start = _get(row, at["Följ upp från"])
            if _get(row, at["Uppföljning"]) is not None or not isinstance(start, dt.date):
                continue
            if day < start or rng.random() > 0.15:
                continue
            # The call was made today, or some days ago and typed only now.
            called = max(start, day - dt.timedelta(days=rng.choice((0, 0, 0, 1, 3, 6, 10))))
            _put(row, at["Uppföljning"], called)
            _put(row, at["Resultat"], rng.choice(("Aktiv", "Inte aktiv", "Inte aktiv", "Ej nådd")))
            if rng.random() < 0.05:
                _put(row, at["Samtycke"], called)

    def arrive(self, grids: Grids, day: dt.date) -> None:
        sheet = grids["Intresserade"]
        at = _columns(sheet)
        for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
            self.arrived += 1
            n = self.arrived
            row: list[Any] = [None] * len(sheet[0])
            _put(row, at["Registrerad"], day)
            _put(row, at["Namn"], f"Replay{n} Testsson")
            _put(row, at["E-post"], f"replay{n}@example.se")
            _put(row, at["Telefon"], f"070-174 06 {10 + n % 80:02d}")
            _put(row, at["Språk"], self.rng.choice((None, "sv", "en")))
            sheet.append(row)


@dataclass
class Held:
    """What the workbook holds after a run: IDs, addresses and names with personal data."""

    ids: set[int]
    addresses: set[str]
    names: set[str]


def held(grids: Grids) -> Held:
    found = Held(set(), set(), set())
    for tab in PEOPLE_TABS:
        for at, row in _rows(grids, tab):
            values = [_get(row, at[h]) for h in ("Namn", "E-post", "Telefon")]
            if not any(values):
                continue
            if isinstance(_get(row, at["ID"]), int):
                found.ids.add(_get(row, at["ID"]))
            found.addresses.update(a.casefold() for a in ADDRESS.findall(str(values[1] or "")))
            if values[0]:
                found.names.add(" ".join(str(values[0]).split()))
    return found


@dataclass
class Holds:
    """What one letter file holds of people, read from it once."""

    addresses: frozenset[str]
    names: frozenset[str]
    ids: frozenset[int]


def replay(folder: Path, days: int, seed: int = 2026) -> Replay:
    """Replay the demo for `days` days from `START` in `folder`; see the module docstring."""
    config: Config = make_config(
        folder, training_coordinator={"name": "Alex Exempelsson", "email": "kurs@example.org"}
    )
    rows = demo_rows(START, seed)
    workbook = MemoryWorkbook(workbook_grids(**rows, log=[]), TAB_NAMES)
    names = {
        str(r["name"]) for tab in ("newcomers", "followups") for r in rows[tab] if r.get("name")
    }
    full_name = re.compile(
        r"Replay\d+ Testsson|"
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    )
    active = [str(g["group"]) for g in rows["groups"] if g["active"] == "ja" and g["email"]]
    coordinator = Coordinator(seed, active)
    renderer = Renderer(REPO / "templates")
    outbox = config.mail.outbox
    result = Replay()
    holds: dict[str, Holds] = {}
    present: set[str] = set()
    first_seen: dict[int, dt.date] = {}
    rng = random.Random(seed + 1)

    def read(path: Path) -> Holds:
        text = letter_text(path)
        summary = path.name.endswith("_summary.eml")
        return Holds(
            frozenset(a.casefold() for a in ADDRESS.findall(text)),
            frozenset(" ".join(n.split()) for n in full_name.findall(text)),
            frozenset(int(m[1]) for m in NAMED.finditer(text)) if summary else frozenset(),
        )

    for offset in range(days):
        day = START + dt.timedelta(days=offset)
        now = dt.datetime.combine(day, dt.time(7, 0), tzinfo=config.zone)
        coordinator.work(workbook.grids, day)
        coordinator.arrive(workbook.grids, day)
        allowed: set[str] = set()
        if offset % DRY_RUN_EVERY == 5:
            with workbook:
                run_daily(
                    workbook,
                    open_transport(config, {}, now, dry_run=True),
                    renderer,
                    config,
                    day,
                    now,
                    dry_run=True,
                )
        with workbook:
            report = run_daily(
                workbook, Outbox(outbox, now, remove_partial=True), renderer, config, day, now
            )
        result.erasures += len(report.erased)
        if day.weekday() == 0:
            with workbook:
                weekly = run_weekly(workbook, Outbox(outbox, now), renderer, config, day, now)
            result.summaries += "veckosammanfattning" in weekly.sent
        if offset % FORGET_EVERY == FORGET_EVERY - 1:
            candidates = sorted(held(workbook.grids).ids)
            if candidates:
                with workbook:
                    forgot = run_forget(workbook, config, day, now, row_id=rng.choice(candidates))
                allowed = {Path(letter.file).as_posix() for letter in forgot.letters}
                result.forgotten += 1

        # No letter removed within a week of being written, unless forget asked for it.
        now_present = (
            {path.relative_to(outbox).as_posix() for path in outbox.rglob("*.eml")}
            if outbox.exists()
            else set()
        )
        for gone in sorted(present - now_present):
            result.letters_removed += 1
            name = Path(gone).name
            young = (day - _written(name)).days < KEPT_DAYS
            if young and gone not in allowed and not gone.startswith("dry-run/"):
                result.removed_early.append(f"{day}: {gone} removed, written {_written(name)}")
        result.letters_written += len(now_present - present)
        present = now_present

        # No letter holds data the workbook no longer holds.
        kept = held(workbook.grids)
        for name in sorted(present):
            if name not in holds:
                holds[name] = read(outbox / name)
            what = holds[name]
            for problem in (
                *(f"address {a}" for a in what.addresses - kept.addresses),
                *(f"name {n}" for n in what.names - kept.names),
                *(f"ID {i} by first name" for i in what.ids - kept.ids),
            ):
                result.outlived.append(f"{day}: {name} holds {problem}, no longer in the workbook")

        # Every row with personal data shows an erasure date after today, within bounds.
        for tab in PEOPLE_TABS:
            for at, row in _rows(workbook.grids, tab):
                row_id = _get(row, at["ID"])
                if isinstance(row_id, int):
                    first_seen.setdefault(row_id, day)
                if not any(_get(row, at[h]) for h in ("Namn", "E-post", "Telefon")):
                    continue
                status = str(_get(row, at["Status"]) or "")
                found = ERASURE.search(status)
                if found is None:
                    result.kept_too_long.append(f"{day}: {tab} ID {row_id}: no date in {status!r}")
                    continue
                erased_on = dt.date.fromisoformat(found[1])
                since = first_seen.get(row_id, day) if isinstance(row_id, int) else day
                consent = "Samtycke" in status
                if erased_on <= day or (not consent and erased_on > since + LONGEST):
                    result.kept_too_long.append(f"{day}: {tab} ID {row_id}: {status!r}")

        # Every re-engagement letter the run reports is in the outbox.
        reengaged = report.sent.get("reengagement", [])
        result.reengagement_letters += len(reengaged)
        for row_id in reengaged:
            if not any(n.endswith(f"-ID{row_id}-reengagement.eml") for n in present):
                result.lost.append(f"{day}: the re-engagement letter to ID {row_id} is not there")
        result.days += 1
    return result
