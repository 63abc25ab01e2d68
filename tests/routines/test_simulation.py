"""120 consecutive days of the routine on generated data, on a real .xlsx file.

Every day new people arrive (some with a typed date, some with mistakes), a simulated
coordinator calls people and refers them (and sometimes sorts the sheet), and the daily run
goes with `today` stepping one day at a time. Then every letter the outbox received is checked
against what the routine promises, and the outbox still holds letters only of people whose
data the workbook still holds (the others' went with their data).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from tests.simulation import read_outbox_files
from tests.support import (
    REPO,
    TAB_NAMES,
    default_groups,
    make_config,
    workbook_grids,
    write_xlsx,
)

START = dt.date(2026, 3, 1)
DAYS = 120
GROUP_EMAILS = {g["group"]: g["email"] for g in default_groups()}
CHOICES = [*GROUP_EMAILS, "Blixtaktioner", "webbaktioner", "Avböjt", "Ej nådd", "Centrumgrupen"]


@dataclass
class Person:
    email: str
    registered: dt.date
    valid: bool
    referred_to: str | None = None


def _arrivals(rng: random.Random, day: dt.date, people: dict[str, Person]) -> list[list[Any]]:
    """New rows typed into Intresserade on `day`, in the sheet's column order."""
    rows = []
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        number = len(people) + 1
        address = f"sim{number}@example.se"
        valid = rng.random() > 0.05
        typed_email = address if valid else f"sim{number}(at)example.se"
        if rng.random() < 0.2:
            typed_email = f"  {typed_email.upper()} "
        people[address] = Person(address, day, valid)
        registered: Any = rng.choice((None, day, f"{day.day}/{day.month}"))
        rows.append(
            [
                None,
                registered,
                f"Sim Person{number}",
                typed_email,
                "070-174 06 50",
                rng.choice((None, "sv", "en")),
            ]
        )
    return rows


def _coordinator(rng: random.Random, path: Path, day: dt.date, people: dict[str, Person]) -> None:
    """Add the day's arrivals, make calls, and now and then sort the sheet."""
    book = openpyxl.load_workbook(path)
    sheet = book["Intresserade"]
    headers = [cell.value for cell in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    for row in sheet.iter_rows(min_row=2):
        email = str(row[col["E-post"] - 1].value or "").strip().lower()
        person = people.get(email)
        if person is None or not person.valid or row[col["Samtal"] - 1].value is not None:
            continue
        if (day - person.registered).days >= 2 and rng.random() < 0.5:
            choice = rng.choice(CHOICES)
            row[col["Samtal"] - 1].value = day
            row[col["Hänvisad till"] - 1].value = choice
            person.referred_to = choice
    for values in _arrivals(rng, day, people):
        sheet.append(values)
    if rng.random() < 0.2:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        rng.shuffle(rows)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                sheet.cell(row=r, column=c).value = value  # value=None would not clear
    book.save(path)


@pytest.mark.slow
def test_120_days_of_the_routine_keep_every_promise(tmp_path: Path) -> None:
    config = make_config(tmp_path, start_date=START)
    path = config.workbook.path
    assert path is not None
    old = [
        {
            "id": 1,
            "registered": dt.date(2026, 2, 20),
            "name": "Gammal Rad",
            "email": "gammal@example.se",
        }
    ]
    write_xlsx(path, workbook_grids(newcomers=old, groups=default_groups(START)))
    rng = random.Random(120)
    people: dict[str, Person] = {}
    renderer = Renderer(REPO / "templates")
    sent_on: dict[str, dt.date] = {}
    messages: dict[str, EmailMessage] = {}
    outbox = tmp_path / "outbox"

    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        _coordinator(rng, path, day, people)
        now = dt.datetime.combine(day, dt.time(7, 0), tzinfo=config.zone)
        before = set(outbox.glob("*.eml")) if outbox.exists() else set()
        with XlsxWorkbook(path, TAB_NAMES) as workbook:
            run_daily(workbook, Outbox(outbox, now), renderer, config, day, now)
        new = sorted(set(outbox.glob("*.eml")) - before)
        for letter, message in zip(new, read_outbox_files(new), strict=True):
            sent_on[letter.name] = day
            messages[letter.name] = message
    kinds: Counter[str] = Counter()
    letters: Counter[tuple[str, str]] = Counter()
    welcomed_on: dict[str, dt.date] = {}
    group_letters: list[tuple[str, str]] = []
    for name, message in messages.items():
        kind = name.rsplit("-", 1)[1].removesuffix(".eml")
        # Letters go to the address as typed; the simulation compares without regard to case.
        to = message["To"].addresses[0].addr_spec.lower()
        kinds[kind] += 1
        if kind == "introduction_group":
            body = message.get_body(("plain",))
            assert body is not None
            text = body.get_content().lower()
            group_letters.append((to, text))
            # A group contact gets one letter per newcomer: the newcomer is part of the key.
            about = re.findall(r"sim\d+@example\.se", text)
            assert len(about) == 1, text
            letters[(to, f"{kind}:{about[0]}")] += 1
        else:
            letters[(to, kind)] += 1
        if kind == "welcome":
            welcomed_on[to] = sent_on[name]

    assert len({m["Message-ID"] for m in messages.values()}) == len(messages)
    assert [key for key, count in letters.items() if count > 1] == []  # nothing sent twice
    assert "gammal@example.se" not in welcomed_on  # registered before start_date

    valid = [p for p in people.values() if p.valid]
    assert len(valid) > 80
    for person in valid:
        assert person.email in welcomed_on, person
        assert (welcomed_on[person.email] - person.registered).days <= 3, person
    for person in people.values():
        if not person.valid:
            assert all(to != person.email for to, _ in letters)

    referred = [p for p in valid if p.referred_to in GROUP_EMAILS]
    assert len(referred) > 15
    for person in referred:
        assert letters[(person.email, "introduction_newcomer")] == 1, person
        group_email = GROUP_EMAILS[str(person.referred_to)]
        to_group = [to for to, text in group_letters if person.email in text]
        assert to_group == [group_email], person
    assert len(group_letters) == len(referred)
    alternatives = [p for p in valid if p.referred_to in ("Blixtaktioner", "webbaktioner")]
    assert sorted(to for (to, kind) in letters if kind == "alternatives") == sorted(
        p.email for p in alternatives
    )
    others = [p for p in valid if p.referred_to in ("Avböjt", "Ej nådd", "Centrumgrupen")]
    assert others and all(letters[(p.email, "introduction_newcomer")] == 0 for p in others)

    # Intake keeps no personal data of anyone referred; the follow-up tab has each once.
    book = openpyxl.load_workbook(path)
    intake_emails = {str(c.value).strip().lower() for c in book["Intresserade"]["D"][1:] if c.value}
    assert not intake_emails & {p.email for p in referred + alternatives}
    followup_ids = [c.value for c in book["Uppföljning"]["A"][1:] if c.value is not None]
    assert len(followup_ids) == len(set(followup_ids)) == len(referred) + len(alternatives)

    # Intresserade shows only people who still need something: every hidden row is finished
    # (no personal data), and a finished row still in view was finished within the last week
    # (Logg last mentions its ID then). Hidden, never deleted: every ID handed out is still there.
    sheet = book["Intresserade"]
    headers = [cell.value for cell in sheet[1]]
    personal = [headers.index(h) for h in ("Namn", "E-post", "Telefon", "Ort", "Intressen")]
    log = book["Logg"]
    log_headers = [cell.value for cell in log[1]]
    last_mention: dict[int, dt.date] = {}
    handed_out: list[int] = []
    for values in log.iter_rows(min_row=2, values_only=True):
        row_id = values[log_headers.index("ID")]
        if not isinstance(row_id, int):
            continue
        when = dt.date.fromisoformat(str(values[log_headers.index("Tid")])[:10])
        last_mention[row_id] = max(when, last_mention.get(row_id, when))
        if values[log_headers.index("Åtgärd")] == "ny rad":
            handed_out.append(row_id)
    last_day = START + dt.timedelta(days=DAYS - 1)
    hidden = visible_finished = 0
    ids = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None for v in row):
            continue
        ids.append(row[0])
        finished = all(row[c] is None for c in personal)
        if sheet.row_dimensions[number].hidden:
            hidden += 1
            assert finished, row
        elif finished:
            visible_finished += 1
            assert (last_day - last_mention[row[0]]).days <= 8, row
    assert hidden > 50 and visible_finished < hidden / 5
    assert len(handed_out) == len(set(handed_out))  # no ID handed out twice
    assert set(handed_out) <= set(ids) and len(ids) == len(set(ids))

    # The outbox keeps the letters of people whose data is kept, and no one else's.
    holding: set[int] = set()
    for tab in ("Intresserade", "Uppföljning"):
        at = [cell.value for cell in book[tab][1]]
        for row in book[tab].iter_rows(min_row=2, values_only=True):
            if row[at.index("Namn")] or row[at.index("E-post")]:
                holding.add(row[at.index("ID")])
    left = {p.name for p in outbox.glob("*.eml")}
    left_ids = {int(m[1]) for name in left if (m := re.search(r"-ID(\d+)-", name))}
    assert left_ids and left_ids <= holding, sorted(left_ids - holding)
    kept = {int(m[1]) for name in messages if (m := re.search(r"-ID(\d+)-", name))} & holding
    assert left_ids == kept  # nobody's letters went while their data is kept
    assert len(messages) - len(left) > 30  # the erased people's letters went
