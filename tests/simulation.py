"""A messy year of the routine, generated from a seed: people arrive, a simulated coordinator
types into the sheet the way people do (typos, dates as text, duplicates, sorting), calls,
refers, follows up — and the daily run goes every day with `today` stepping.

Used by the snapshot test (the same letters and the same workbook, day by day, before and after
a change that must not change behaviour) and by the long scenario tests. It only touches the
workbook through its grids and the run through `run_day`, so it does not depend on how the
package is organised inside.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.support import TAB_NAMES, default_groups, workbook_grids

GROUPS = [g["group"] for g in default_groups()] + ["Studentgruppen", "Vilande gruppen"]
ALTERNATIVES = ["Blixtaktioner", "webbaktioner", "Ny grupp", "på egen hand"]
OUTCOMES = ["Avböjt", "Ej nådd", "ej nadd"]
TYPOS = ["Centrumgrupen", "Skrivargrupen", "Okänd grupp"]
RESULTS = ["Aktiv", "Inte aktiv", "Ej nådd", "aktiv", "inaktiv"]


def simulation_groups(start: dt.date) -> list[dict[str, Any]]:
    """Four groups: two from the default set (confirmed a month before `start`), one student
    group, one that is inactive."""
    return [
        *default_groups(start),
        {
            "group": "Studentgruppen",
            "contact": "Ali Provare",
            "email": "studenter@example.org",
            "phone": "070-174 06 06",
            "meets": "Varannan onsdag",
            "works_on": "Campus",
            "active": "ja",
        },
        {
            "group": "Vilande gruppen",
            "contact": "Siv Exempel",
            "email": "vilande@example.org",
            "phone": "070-174 06 09",
            "meets": "",
            "works_on": "",
            "active": "nej",
        },
    ]


@dataclass
class Person:
    """What the simulation knows of one person it typed in (the ground truth)."""

    number: int
    email: str
    registered: dt.date
    valid: bool
    duplicate_of: int | None = None
    called: dt.date | None = None
    referred_to: str | None = None
    followed_up: dt.date | None = None
    result: str | None = None


@dataclass
class Day:
    """What one daily run did: its exit code, its report, and the letters it wrote."""

    day: dt.date
    exit_code: int
    lines: list[str]
    letters: list[tuple[str, EmailMessage]]
    workbook: str
    """Hashes of the workbook's tabs after the run: every tab but Logg, and Logg."""


@dataclass
class Year:
    workbook: MemoryWorkbook
    people: dict[int, Person] = field(default_factory=dict)
    days: list[Day] = field(default_factory=list)


RunDay = Callable[[MemoryWorkbook, Path, dt.date], tuple[int, list[str]]]
"""Runs the daily routine once on `workbook` for `day`, writing letters into the folder;
returns the exit code and the report's lines."""


def _headers(grid: list[list[Any]]) -> dict[str, int]:
    return {str(h): i for i, h in enumerate(grid[0])}


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _set(row: list[Any], index: int, value: Any) -> None:
    while len(row) <= index:
        row.append(None)
    row[index] = value


_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _typed_date(rng: random.Random, day: dt.date) -> Any:
    """A date the way a person types it: a date cell, ISO text, `3/11`, or `3 nov`."""
    return rng.choice(
        (
            day,
            day,
            day.isoformat(),
            f"{day.day}/{day.month}",
            f"{day.day} {_MONTHS[day.month - 1]}",
        )
    )


def _arrive(rng: random.Random, grids: Grids, day: dt.date, people: dict[int, Person]) -> None:
    sheet = grids["Intresserade"]
    col = _headers(sheet)
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
        number = len(people) + 1
        address = f"ar{number}@example.se"
        valid = rng.random() > 0.06
        duplicate_of = None
        if people and rng.random() < 0.05:
            earlier = rng.choice(list(people.values()))
            address, duplicate_of = earlier.email, earlier.number
        typed: Any = address if valid else f"ar{number}(at)example.se"
        if valid and rng.random() < 0.15:
            typed = f"  {address.upper()} "
        people[number] = Person(number, address, day, valid, duplicate_of)
        row: list[Any] = [None] * len(sheet[0])
        registered: Any = rng.choice((None, day, day, _typed_date(rng, day)))
        _set(row, col["Registrerad"], registered)
        _set(row, col["Namn"], f"Sim{number} Personsson")
        _set(row, col["E-post"], typed)
        _set(row, col["Telefon"], rng.choice(("070-174 06 50", "0701740651", "+46 70 174 06 52")))
        _set(row, col["Språk"], rng.choice((None, None, "sv", "en", "English", "tyska")))
        _set(row, col["Ort"], rng.choice((None, "Exempelstad", "Norrby")))
        sheet.append(row)


def _coordinate(rng: random.Random, grids: Grids, day: dt.date, people: dict[int, Person]) -> None:
    """Calls, referrals and follow-up calls, typed into the sheet like a person would."""
    sheet = grids["Intresserade"]
    col = _headers(sheet)
    by_email = {p.email: p for p in people.values() if p.duplicate_of is None}
    for row in sheet[1:]:
        address = str(_cell(row, col["E-post"]) or "").strip().lower()
        person = by_email.get(address)
        if person is None or _cell(row, col["Samtal"]) is not None:
            continue
        waited = (day - person.registered).days
        if waited < 1 or rng.random() > 0.35 or rng.random() < 0.03:
            continue
        choice = rng.choices(
            (rng.choice(GROUPS), rng.choice(ALTERNATIVES), rng.choice(OUTCOMES), rng.choice(TYPOS)),
            weights=(6, 2, 2, 1),
        )[0]
        person.called, person.referred_to = day, choice
        _set(row, col["Samtal"], _typed_date(rng, day))
        if rng.random() < 0.1:
            continue  # called, but Hänvisad till is left for another day
        _set(row, col["Hänvisad till"], choice)
    # Now and then a typo is corrected.
    for row in sheet[1:]:
        if _cell(row, col["Hänvisad till"]) in TYPOS and rng.random() < 0.1:
            _set(row, col["Hänvisad till"], rng.choice(GROUPS[:3]))
    followups = grids["Uppföljning"]
    fcol = _headers(followups)
    for row in followups[1:]:
        if _cell(row, fcol["Uppföljning"]) is not None or _cell(row, fcol["Raderad"]) is not None:
            continue
        start = _cell(row, fcol["Följ upp från"])
        if not isinstance(start, dt.date) or day < start:
            continue
        if rng.random() > 0.15 or rng.random() < 0.05:
            continue
        _set(row, fcol["Uppföljning"], _typed_date(rng, day))
        if rng.random() < 0.95:
            _set(row, fcol["Resultat"], rng.choice(RESULTS))
    if rng.random() < 0.1:
        header, rows = sheet[0], sheet[1:]
        rng.shuffle(rows)
        grids["Intresserade"] = [header, *rows]


def _trainings(day: dt.date) -> list[dict[str, Any]]:
    first = dt.date(day.year, 1, 20)
    return [
        {
            "date": first + dt.timedelta(weeks=6 * n),
            "time": "18.00–20.00",
            "title": f"Grundutbildning {n + 1}",
            "place": "Exempelgatan 1",
            "signup": "https://example.org/anmalan",
        }
        for n in range(9)
    ]


def messy_year(
    run_day: RunDay,
    outbox: Path,
    *,
    start: dt.date = dt.date(2026, 1, 1),
    days: int = 365,
    seed: int = 2026,
) -> Year:
    """Simulate `days` days from `start`; the daily run writes its letters to `outbox`."""
    rng = random.Random(seed)
    old = [
        {
            "id": 1,
            "registered": start - dt.timedelta(days=20),
            "name": "Gammal Rad",
            "email": "gammal@example.se",
        }
    ]
    texts = [
        {"key": "lokal_information", "text": "Vi träffas första tisdagen varje månad."},
        {"key": "aktuell_aktion", "text": "Skriv under för en fängslad journalist."},
        {"key": "aktuell_aktion_länk", "text": "https://example.org/aktion"},
    ]
    grids = workbook_grids(
        newcomers=old, groups=simulation_groups(start), trainings=_trainings(start), texts=texts
    )
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    year = Year(workbook)
    year.people[0] = Person(0, "gammal@example.se", start - dt.timedelta(days=20), True)
    seen: set[Path] = set()
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        _coordinate(rng, workbook.grids, day, year.people)
        _arrive(rng, workbook.grids, day, year.people)
        if day == start + dt.timedelta(days=150):
            # A group goes dormant mid-year; people are still referred to it by mistake.
            groups = workbook.grids["Grupper"]
            gcol = _headers(groups)
            groups[2][gcol["Aktiv"]] = "nej"
        exit_code, lines = run_day(workbook, outbox, day)
        new = sorted(set(outbox.glob("*.eml")) - seen) if outbox.exists() else []
        seen.update(new)
        messages = read_outbox_files(new)
        tabs = "".join(
            grid_digest(workbook.grids[name]) for name in sorted(workbook.grids) if name != "Logg"
        )
        state = hashlib.sha256(tabs.encode()).hexdigest()[:16]
        state += " logg " + grid_digest(workbook.grids.get("Logg", []))
        named = list(zip([p.name for p in new], messages, strict=True))
        year.days.append(Day(day, exit_code, lines, named, state))
    return year


def read_outbox_files(paths: list[Path]) -> list[EmailMessage]:
    """The given .eml files, parsed, in the given order."""
    messages = []
    for path in paths:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def letter_text(path: Path) -> str:
    """What a letter file says, decoded: its headers and every text part (quoted-printable and
    base64 too). The tests read letters; the package never does to decide what to remove."""
    (message,) = read_outbox_files([path])
    texts = [str(value) for value in message.values()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert isinstance(part, EmailMessage)
            texts.append(str(part.get_content()))
    return "\n".join(texts)


def letter_digest(name: str, message: EmailMessage) -> str:
    """A letter as one line: its label, recipient, subject and a hash of both bodies."""
    label = name.split("-", 2)[2].removesuffix(".eml")
    bodies = []
    for subtype in ("plain", "html"):
        part = message.get_body((subtype,))
        bodies.append(str(part.get_content()) if part is not None else "")
    digest = hashlib.sha256("\x00".join(bodies).encode()).hexdigest()[:12]
    to = message["To"].addresses[0].addr_spec
    return f"{label} {to} {message['Subject']} {digest}"


def grid_digest(grid: list[list[Any]]) -> str:
    """A tab's content (blank rows and trailing blanks ignored) as a short hash."""
    rows = []
    for row in grid:
        values = [
            "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in row
        ]
        while values and values[-1] == "":
            values.pop()
        if values:
            rows.append("\t".join(values))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
