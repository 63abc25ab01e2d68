"""330 consecutive days of the whole routine, checked against a ground truth kept by the test.

A simulated coordinator types into the workbook as people do — arrivals with typos, duplicates
and invalid addresses, calls, referrals (to groups, alternatives, misspelt or inactive groups),
declines, follow-up calls with results, consents typed and withdrawn, people never followed up —
and the daily run goes every day with `today` stepping. The simulation remembers what it typed
and what the outbox received, and from that alone computes, every day, when each row's personal
data must be gone, and at the end the statistics. The test then asserts:

* every day, cell by cell: each person's name, address and phone number are in their own row
  (found by the ID the row got) of the tab they belong in until their erasure date, and from
  that day on in no cell of any tab; no cell anywhere holds a detail that is not its own row's
  owner's (nothing of one person is ever written into another person's row, Logg or Status);
* consented people kept until their consent ends and not a day longer;
* exactly one re-engagement letter per `Inte aktiv`, none for anyone else;
* the Statistik tab equals the statistics computed here;
* Logg and the run's report never contain a name, an address or a phone number, and neither do
  stdout and stderr of the real command (`scripts/run_daily.py`, run as a subprocess on a copy
  of the workbook on a few of the days);
* every day, each letter in the outbox (the embedded transport) is there exactly while the
  person it is about may still have data: gone on their erasure date, never before; at the end
  no letter left names anyone whose data is gone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.simulation import letter_text, simulation_groups
from tests.support import REPO, TAB_NAMES, make_config, workbook_grids, write_xlsx

START = dt.date(2026, 1, 5)
DAYS = 330
GROUPS = {"Centrumgruppen": "Centrumgruppen", "skrivargruppen": "Skrivargruppen",
          "Studentgruppen": "Studentgruppen"}  # fmt: skip
ALTERNATIVES = {"Blixtaktioner": "Blixtaktioner", "webbaktioner": "Webbaktioner",
                "på egen hand": "På egen hand"}  # fmt: skip
RESULTS = {"Aktiv": "Aktiv", "aktiv": "Aktiv", "Inte aktiv": "Inte aktiv",
           "inaktiv": "Inte aktiv", "Ej nådd": "Ej nådd"}  # fmt: skip
OUTCOMES = ("Avböjt", "Ej nådd")
NOT_USABLE = ("Centrumgrupen", "Vilande gruppen")  # a typo and an inactive group
COMMAND_DAYS = (40, 150, 230, 320)
"""Days on which the real command also runs (as a subprocess, on a copy of the workbook)."""


def months_later(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Row:
    """One row the coordinator typed into Intresserade, and what became of it."""

    n: int
    email: str
    arrived: dt.date
    valid: bool
    consent: dt.date | None = None
    consent_cleared: dt.date | None = None
    row_id: int | None = None
    called: dt.date | None = None
    referral: str | None = None
    introduced: dt.date | None = None
    followed_up: dt.date | None = None
    result: str | None = None
    followup_consent: dt.date | None = None
    followup_consent_cleared: dt.date | None = None

    @property
    def name(self) -> str:
        return f"Sim{self.n} Testsson"

    @property
    def typed_email(self) -> str:
        """The address as the coordinator typed it (an invalid one with ` at `)."""
        return self.email if self.valid else self.email.replace("@", " at ")

    @property
    def phone(self) -> str:
        return f"070-174 06 {10 + self.n % 80:02d}"

    @property
    def tab(self) -> str:
        """Where the person's details belong: Uppföljning from the day of the referral."""
        return "Intresserade" if self.introduced is None else "Uppföljning"

    def details(self) -> dict[str, str]:
        """Each personal cell of the person's row, by header, as typed. An address that is
        none is not copied to Uppföljning (its letters cannot go anywhere)."""
        if self.tab == "Uppföljning" and not self.valid:
            return {"Namn": self.name, "Telefon": self.phone}
        return {"Namn": self.name, "E-post": self.typed_email, "Telefon": self.phone}

    def active_consent(self, today: dt.date, in_followup: bool) -> dt.date | None:
        if in_followup and self.followup_consent is not None:
            cleared = self.followup_consent_cleared
            return self.followup_consent if cleared is None or cleared > today else None
        if self.consent is None:
            return None
        cleared = self.consent_cleared
        if cleared is not None and cleared <= today:
            return None
        return self.consent

    def deadline(self, today: dt.date) -> dt.date:
        """The last day the row's personal data may still be there is the day before this."""
        if self.introduced is None:
            normal = self.arrived + dt.timedelta(days=180)
            if self.referral in OUTCOMES and self.called is not None:
                normal = min(normal, self.called + dt.timedelta(days=30))
            consent = self.active_consent(today, in_followup=False)
        else:
            normal = self.introduced + dt.timedelta(weeks=16)
            if self.result is not None and self.followed_up is not None:
                normal = min(normal, self.followed_up + dt.timedelta(days=7))
            consent = self.active_consent(today, in_followup=True)
        return max(normal, months_later(consent, 24)) if consent else normal

    def final_result(self, today: dt.date) -> str | None:
        if self.result is not None:
            return self.result
        if self.introduced is not None and today >= self.introduced + dt.timedelta(weeks=16):
            return "Ej uppföljd"
        return None


def _col(grid: list[list[Any]]) -> dict[str, int]:
    return {str(h): i for i, h in enumerate(grid[0])}


def _get(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _put(row: list[Any], index: int, value: Any) -> None:
    while len(row) <= index:
        row.append(None)
    row[index] = value


class Coordinator:
    """Types into the workbook's grids the way a coordinator would; remembers what it typed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[int, Row] = {}
        self.by_name: dict[str, Row] = {}

    def arrive(self, grids: Grids, day: dt.date) -> None:
        rng, sheet = self.rng, grids["Intresserade"]
        col = _col(sheet)
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            n = len(self.rows) + 1
            email, valid = f"sim{n}@example.se", rng.random() > 0.05
            if self.rows and rng.random() < 0.05:  # registered twice
                email = rng.choice(list(self.rows.values())).email
            row = Row(n, email, day, valid)
            if rng.random() < 0.05:  # a member who agreed long ago to be kept in touch with
                row.consent = day - dt.timedelta(days=rng.randint(400, 600))
            self.rows[n] = row
            self.by_name[row.name] = row
            cells: list[Any] = [None] * len(sheet[0])
            _put(cells, col["Registrerad"], rng.choice((None, day, day.isoformat())))
            _put(cells, col["Namn"], row.name)
            _put(cells, col["E-post"], row.typed_email)
            _put(cells, col["Telefon"], row.phone)
            _put(cells, col["Språk"], rng.choice((None, "sv", "en")))
            _put(cells, col["Samtycke"], row.consent)
            sheet.append(cells)

    def work(self, grids: Grids, day: dt.date) -> None:
        rng = self.rng
        sheet = grids["Intresserade"]
        col = _col(sheet)
        for cells in sheet[1:]:
            row = self.by_name.get(str(_get(cells, col["Namn"])))
            if row is None:
                continue
            if row.consent is not None and row.consent_cleared is None and rng.random() < 0.01:
                row.consent_cleared = day
                _put(cells, col["Samtycke"], None)
            if row.called is not None or (day - row.arrived).days < 1 or rng.random() > 0.25:
                continue
            if rng.random() < 0.15:
                continue  # never called: the row goes stale
            weights = (6, 2, 2, 1, 1)
            kinds = (list(GROUPS), list(ALTERNATIVES), list(OUTCOMES), list(NOT_USABLE), [None])
            choice = rng.choice(rng.choices(kinds, weights=weights)[0])
            row.called, row.referral = day, choice
            _put(cells, col["Samtal"], day)
            _put(cells, col["Hänvisad till"], choice)
        followups = grids["Uppföljning"]
        fcol = _col(followups)
        for cells in followups[1:]:
            row = self.by_name.get(str(_get(cells, fcol["Namn"])))
            if row is None:
                continue
            if (
                row.followup_consent is not None
                and row.followup_consent_cleared is None
                and rng.random() < 0.02
            ):
                row.followup_consent_cleared = day
                _put(cells, fcol["Samtycke"], None)
            start = _get(cells, fcol["Följ upp från"])
            if row.followed_up is not None or not isinstance(start, dt.date) or day < start:
                continue
            if row.n % 9 == 0 or rng.random() > 0.12:
                continue  # every ninth person is never followed up
            row.followed_up = day
            _put(cells, fcol["Uppföljning"], day)
            if rng.random() < 0.95:
                typed = rng.choice(list(RESULTS))
                row.result = RESULTS[typed]
                _put(cells, fcol["Resultat"], typed)
            if rng.random() < 0.15:
                row.followup_consent = day - dt.timedelta(days=rng.randint(500, 700))
                _put(cells, fcol["Samtycke"], row.followup_consent)
        if rng.random() < 0.1:  # the coordinator sorts the sheet
            header, body = sheet[0], sheet[1:]
            rng.shuffle(body)
            grids["Intresserade"] = [header, *body]

    def learn(
        self, grids: Grids, letters: list[str], day: dt.date, reengaged: Counter[int]
    ) -> None:
        """After the run: the IDs the rows got, the letters that went out."""
        sheet = grids["Intresserade"]
        col = _col(sheet)
        for cells in sheet[1:]:  # a row's ID, once given, is the row's for good
            row = self.by_name.get(str(_get(cells, col["Namn"])))
            if row is not None and row.row_id is None and isinstance(_get(cells, col["ID"]), int):
                row.row_id = _get(cells, col["ID"])
        by_id = {row.row_id: row for row in self.rows.values() if row.row_id is not None}
        # A referral is done when Introduktion gets a date: with letters, or for someone
        # without a valid address, with the group's letter only (or none, for an alternative).
        for cells in sheet[1:]:
            row_id, stamp = _get(cells, col["ID"]), _get(cells, col["Introduktion"])
            row = by_id.get(row_id) if isinstance(row_id, int) else None
            if row is not None and row.introduced is None and isinstance(stamp, dt.date):
                row.introduced = stamp
        for label in letters:
            if "-Grupp-" in label:
                continue  # a reminder to a group's contact person
            match = re.search(r"-ID(\d+)-(\w+)\.eml$", label)
            assert match, label
            row_id, kind = int(match[1]), match[2]
            if kind in ("introduction_newcomer", "introduction_group", "alternatives"):
                assert by_id[row_id].introduced == day, label
            if kind == "reengagement":
                reengaged[row_id] += 1


PERSONAL = re.compile(r"Sim\d+|@example\.se|070-174|0701740|\+46")
TRACE = re.compile(r"(?i)sim\d+|070[- ]?174|0701740|\+46")
"""Anything shaped like a simulated person's name, address (valid or not) or phone number."""
PEOPLE_TABS = ("Intresserade", "Uppföljning")


def _check_letters(outbox: Path, seen: set[str], rows: list[Row], day: dt.date) -> list[str]:
    """Each letter the outbox received about a person is still there exactly while the person
    may have data (before their erasure date)."""
    present = {path.name for path in outbox.glob("*.eml")} if outbox.exists() else set()
    owners = {row.row_id: row for row in rows if row.row_id is not None}
    problems = []
    for name in seen:
        match = re.search(r"-ID(\d+)-", name)
        owner = owners.get(int(match[1])) if match else None
        if owner is None:
            continue
        live = day < owner.deadline(day)
        if (name in present) != live:
            still = "still there" if live is False else "gone"
            problems.append(f"{day}: {name} {still} (Sim{owner.n}, due {owner.deadline(day)})")
    return problems


def _check_cells(
    grids: Grids, rows: list[Row], day: dt.date, fixed: dict[str, set[str]]
) -> tuple[list[str], set[int]]:
    """Every cell of every tab that holds something of a simulated person, checked against
    whose row it is (by the ID the row got): it must be one of the owner's own details, in its
    own column, in the tab the owner belongs in, before the owner's erasure date. Cells the tab
    held before anyone arrived (`fixed`: the groups' contacts) are not people's. Returns the
    problems and the people whose row holds every one of their details."""
    owners = {row.row_id: row for row in rows if row.row_id is not None}
    problems: list[str] = []
    holding: set[int] = set()
    for tab, grid in grids.items():
        if not grid:
            continue
        headers = [str(header) for header in grid[0]]
        at = {header: index for index, header in enumerate(headers)}
        for cells in grid[1:]:
            owner = owners.get(_get(cells, at["ID"])) if tab in PEOPLE_TABS else None
            live = owner is not None and owner.tab == tab and day < owner.deadline(day)
            own = owner.details() if owner is not None and live else {}
            for index, value in enumerate(cells):
                if not isinstance(value, str) or value in fixed.get(tab, ()):
                    continue
                header = headers[index] if index < len(headers) else f"kolumn {index + 1}"
                if TRACE.search(value) and own.get(header) != value:
                    whose = f"ID {owner.row_id} (Sim{owner.n})" if owner else "no one's"
                    problems.append(f"{day}: {tab}, {whose} row: {header} = {value!r}")
            if (
                owner is not None
                and own
                and all(_get(cells, at[header]) == value for header, value in own.items())
            ):
                holding.add(owner.n)
    for row in rows:
        due = row.deadline(day)
        if day < due and row.n not in holding:
            grid = grids[row.tab]
            at = {str(header): index for index, header in enumerate(grid[0])}
            held = [
                {header: _get(cells, at[header]) for header in row.details()}
                for cells in grid[1:]
                if row.row_id is not None and _get(cells, at["ID"]) == row.row_id
            ]
            problems.append(f"{day}: Sim{row.n} (due {due}) in {row.tab}: {held}")
    return problems, holding


def _check_the_command(
    grids: Grids, outbox: Path, day: dt.date, folder: Path, rows: list[Row]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the real daily command on a copy of the workbook and the outbox as they stand, in a
    folder of its own; what it prints on stdout and stderr that belongs to a simulated person."""
    folder.mkdir()
    write_xlsx(folder / "arbetsbok.xlsx", grids)
    if outbox.exists():
        shutil.copytree(outbox, folder / "utkorg")
    (folder / "config.toml").write_text(
        f'timezone = "Europe/Stockholm"\nstart_date = {START.isoformat()}\n'
        '[coordinator]\nname = "Kim Exempelsson"\nemail = "medlemsansvarig@example.org"\n'
        '[workbook]\nbackend = "xlsx"\npath = "arbetsbok.xlsx"\n'
        '[mail]\ntransport = "outbox"\noutbox = "utkorg"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "run_daily.py"), "--config", "config.toml",
         "--today", day.isoformat()],
        cwd=folder, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    printed = done.stdout + done.stderr
    found = [match[0] for match in TRACE.finditer(printed)]
    for row in rows:
        for value in (row.name, row.email, row.typed_email, row.phone, row.phone.replace(" ", "")):
            if value.casefold() in printed.casefold():
                found.append(value)
    return done, found


@pytest.mark.slow
def test_a_year_of_the_routine_keeps_every_promise_about_personal_data(tmp_path: Path) -> None:
    config = make_config(tmp_path, start_date=START)
    groups = [g for g in simulation_groups(START) if g["group"] != "Vilande gruppen"]
    groups.append({"group": "Vilande gruppen", "contact": "K", "email": "v@example.org",
                   "active": "nej"})  # fmt: skip
    workbook = MemoryWorkbook(workbook_grids(groups=groups), TAB_NAMES)
    renderer = Renderer(REPO / "templates")
    coordinator = Coordinator(seed=330)
    outbox = tmp_path / "outbox"
    seen: set[str] = set()
    reengaged: Counter[int] = Counter()
    problems: list[str] = []
    kept_by_consent: set[int] = set()
    fixed = {tab: {v for r in grid for v in r if isinstance(v, str)}
             for tab, grid in workbook.grids.items()}  # fmt: skip
    commands: dict[dt.date, list[str]] = {}

    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        coordinator.work(workbook.grids, day)
        coordinator.arrive(workbook.grids, day)
        people = list(coordinator.rows.values())
        if offset in COMMAND_DAYS:
            folder = tmp_path / f"cli-{day}"
            done, printed = _check_the_command(workbook.grids, outbox, day, folder, people)
            assert done.returncode in (0, 1), done.stdout + done.stderr
            assert not printed, f"{day}: the command printed {printed}"
            assert done.stderr == "", done.stderr
            commands[day] = done.stdout.splitlines()
        now = dt.datetime.combine(day, dt.time(7, 0), tzinfo=config.zone)
        with workbook:
            report = run_daily(workbook, Outbox(outbox, now), renderer, config, day, now)
        for line in report.lines():
            if PERSONAL.search(line):
                problems.append(f"{day}: the report shows personal data: {line}")
        if day in commands:  # the command did the day's work: it printed the same report
            assert commands[day] == report.lines(), day
        new = sorted({p.name for p in outbox.glob("*.eml")} - seen) if outbox.exists() else []
        seen.update(new)
        coordinator.learn(workbook.grids, new, day, reengaged)

        found, holding = _check_cells(workbook.grids, people, day, fixed)
        problems.extend(found)
        problems.extend(_check_letters(outbox, seen, people, day))
        for row in people:
            consent = row.active_consent(day, in_followup=row.introduced is not None)
            deadline = row.deadline(day)
            if row.n in holding and consent is not None and day >= deadline - dt.timedelta(days=1):
                kept_by_consent.add(row.n)
        assert not problems, "\n".join(problems[:20])

    rows = coordinator.rows.values()
    # The simulation really exercised what it claims to.
    assert len(rows) > 250
    assert sum(row.introduced is not None for row in rows) > 100
    assert sum(row.final_result(day) == "Ej uppföljd" for row in rows) > 5
    assert sum(row.consent_cleared is not None or row.followup_consent_cleared is not None
               for row in rows) >= 1  # fmt: skip
    assert kept_by_consent, "no consent ever kept anyone until its end"
    # The command's days had letters and erasures to report (where a detail could slip out).
    reported = "\n".join(line for lines in commands.values() for line in lines)
    assert "skickade (" in reported and "personuppgifter raderade:" in reported, reported
    assert "brev i utkorgen raderade:" in reported, reported

    # Exactly one re-engagement letter per Inte aktiv with an address, none for anyone else.
    expected = {row.row_id for row in rows if row.result == "Inte aktiv" and row.valid}
    assert expected and set(reengaged) == expected
    assert set(reengaged.values()) == {1}

    # The Statistik tab equals the statistics computed from what the simulation knows.
    truth: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 6)
    year_ago = months_later(day, -12)
    for row in rows:
        if row.introduced is None or row.referral is None:
            continue
        group = {**GROUPS, **ALTERNATIVES}[row.referral]
        result = row.final_result(day)
        counts = [
            1,
            int(result in ("Aktiv", "Inte aktiv", "Ej nådd")),
            int(result == "Aktiv"),
            int(result == "Inte aktiv"),
            int(result == "Ej nådd"),
            int(result == "Ej uppföljd"),
        ]
        quarter = f"{row.introduced.year} Q{(row.introduced.month - 1) // 3 + 1}"
        keys = [(quarter, group), (quarter, "Totalt")]
        if row.introduced > year_ago:
            keys += [("Senaste 12 mån", group), ("Senaste 12 mån", "Totalt")]
        for key in keys:
            truth[key] = [a + b for a, b in zip(truth[key], counts, strict=True)]
    statistik = workbook.tab("Statistik")
    written = {
        (r["Kvartal"], r["Grupp"]): [
            r[h] for h in ("Hänvisade", "Uppföljda", "Aktiva", "Inte aktiva", "Ej nådda",
                           "Ej uppföljda")
        ]
        for r in statistik
    }  # fmt: skip
    assert written == dict(truth)
    for r in statistik:
        active, not_active = r["Aktiva"], r["Inte aktiva"]
        share = active / (active + not_active) if active + not_active else None
        assert r["Andel aktiva"] == (round(share, 4) if share is not None else None)

    # No letter left in the outbox names anyone whose data is gone (the group's letters name
    # the newcomer too).
    left = sorted(outbox.glob("*.eml"))
    assert len(left) < len(seen) / 2
    for path in left:
        for n in set(re.findall(r"Sim(\d+) Testsson", letter_text(path))):
            owner = coordinator.rows[int(n)]
            assert day < owner.deadline(day), (path.name, owner)

    # Logg never holds a name, an address or a phone number.
    logg = "\n".join(" ".join(str(v) for v in row.values()) for row in workbook.tab("Logg"))
    assert not PERSONAL.search(logg)
