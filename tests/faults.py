"""Fault injection over many daily runs: the real daily routine against the local Sheets API (or
a real .xlsx file) and the local SMTP server, with random faults at a given rate — Google
answering 429, 500 or 503, timing out, or dropping the connection (before or after the request
took effect); the mail server dropping the connection, answering 421, 451 or 554, or taking a
letter and dropping the connection before its answer.

Every day two people arrive and one who arrived two days before is referred to a group (people
type between runs, with no fault armed). After the series, two runs without faults settle what
can be settled. Then it counts, for `tests/routines/test_faults.py` (pass/fail, small) and
`benchmarks/faults.py` (the figures):

* runs that completed, failed cleanly (exit 2 with the workbook as it was), or stopped after a
  write had landed (exit 2 or a failed last write: letters may have left, and their markers
  are left for a person);
* failed badly (must be 0): letters received twice, letters lost (a stamp holds a date, or
  nothing, and the letter never arrived), personal data back after it was blanked, and any
  exception other than the typed errors;
* letters left for a person (a `Skickar…` marker or an error in the stamp: uncertain).

With `outage`, each run on Google also meets the quota spent: from a request drawn at random,
every request is answered 429 for that many seconds. Time is a FakeClock that the client's
waits move and the local Sheets API reads, so a minute's wait takes none.

Only IDs and counts are reported, never a name or an address.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.sendlog_file import FileJournal
from medlemsrutiner.adapters.smtp import open_smtp_transport
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import AppError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import header_key
from tests.fakes.clock import FakeClock
from tests.fakes.sheets_api import FakeSheetsApi, Fault, RecordedRequest
from tests.fakes.smtp_server import LocalSmtpServer, Script
from tests.support import REPO, TAB_NAMES, TODAY, default_groups, make_config, workbook_grids

API_FAULTS = ("429", "500", "503", "timeout", "drop", "drop after commit")
SMTP_FAULTS = ("drop at MAIL", "421 at MAIL", "451 to DATA", "554 to DATA", "drop after DATA")
CLIENT_TIMEOUT = 0.25
LATE = 0.4
"""An injected timeout: the fake answers this late, after the client gave up (and the request
still takes effect, as a slow request at Google may)."""
PERSONAL = ("Namn", "E-post", "Telefon")


@dataclass
class Tally:
    """What a series of runs came to (counts only)."""

    backend: str
    rate: float
    outage: float = 0.0
    runs: int = 0
    completed: int = 0
    failed_cleanly: int = 0
    stopped_after_write: int = 0
    letters: int = 0
    duplicates: int = 0
    lost: int = 0
    erased_back: int = 0
    uncertain: int = 0
    crashes: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)

    @property
    def failed_badly(self) -> int:
        return self.duplicates + self.lost + self.erased_back + len(self.crashes)


@dataclass
class _Person:
    number: int
    arrived: dt.date
    referred: bool = False

    @property
    def email(self) -> str:
        return f"fel{self.number}@example.se"

    @property
    def name(self) -> str:
        return f"Testa Fel{self.number}"


class _Store:
    """The workbook under test, as the scenario edits and inspects it (no faults armed)."""

    def __init__(self, backend: str, folder: Path, api: FakeSheetsApi | None) -> None:
        self.backend = backend
        self.api = api
        self.folder = folder
        grids = workbook_grids(groups=default_groups())
        if backend == "google":
            assert api is not None
            self.spreadsheet = api.create_spreadsheet("Fel", grids, row_count=200)
            workbook_config: dict[str, Any] = {
                "backend": "google",
                "spreadsheet_id": self.spreadsheet,
                "timeout_seconds": CLIENT_TIMEOUT,
            }
        else:
            self.path = folder / "arbetsbok.xlsx"
            book = openpyxl.Workbook()
            book.remove(book.active)
            for name, rows in grids.items():
                sheet = book.create_sheet(name)
                for row in rows:
                    sheet.append(row)
            book.save(self.path)
            workbook_config = {"backend": "xlsx", "path": "arbetsbok.xlsx"}
        self.workbook_config = workbook_config

    def tab(self, name: str) -> list[list[Any]]:
        if self.backend == "google":
            assert self.api is not None
            return [list(row) for row in self.api.values(self.spreadsheet, name)]
        book = openpyxl.load_workbook(self.path)
        return [list(row) for row in book[name].iter_rows(values_only=True)]

    def snapshot(self) -> object:
        return {name: self.tab(name) for name in ("Intresserade", "Uppföljning", "Logg")}

    def add(self, person: _Person) -> None:
        row = [None, None, person.name, person.email, "070-174 06 40"]
        if self.backend == "google":
            assert self.api is not None
            self.api.insert_rows(
                self.spreadsheet, "Intresserade", len(self.tab("Intresserade")) + 1, [row]
            )
            return
        book = openpyxl.load_workbook(self.path)
        book["Intresserade"].append(row)
        book.save(self.path)

    def refer(self, person: _Person, day: dt.date) -> None:
        grid = self.tab("Intresserade")
        header = [header_key(h) for h in grid[0]]
        email, call, referred = (
            header.index(header_key(h)) for h in ("E-post", "Samtal", "Hänvisad till")
        )
        for number, row in enumerate(grid[1:], start=2):
            if len(row) > email and row[email] == person.email:
                values = {call: cells.date_to_serial(day), referred: "Centrumgruppen"}
                if self.backend == "google":
                    assert self.api is not None
                    for column, value in values.items():
                        label = f"{openpyxl.utils.get_column_letter(column + 1)}{number}"
                        self.api.set_values(self.spreadsheet, "Intresserade", label, [[value]])
                else:
                    book = openpyxl.load_workbook(self.path)
                    sheet = book["Intresserade"]
                    sheet.cell(row=number, column=call + 1).value = day
                    sheet.cell(row=number, column=referred + 1).value = "Centrumgruppen"
                    book.save(self.path)
                person.referred = True
                return


def _rows(grid: list[list[Any]]) -> list[dict[str, Any]]:
    if not grid:
        return []
    header = [str(h) for h in grid[0]]
    return [
        {h: (row[i] if i < len(row) else None) for i, h in enumerate(header)} for row in grid[1:]
    ]


def _stamp(value: Any) -> str:
    """'date', 'blank' or 'text' (a marker, an error: left for a person)."""
    if cells.is_blank(value):
        return "blank"
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return "date"
    return "text"


class _ApiFaults:
    """Random faults for the local Sheets API, one draw per request, armed between edits."""

    def __init__(self, api: FakeSheetsApi, rng: random.Random, rate: float, tally: Tally) -> None:
        self.rng, self.rate, self.tally = rng, rate, tally
        self.armed = False
        self.drawn: dict[int, str | None] = {}
        for kind in API_FAULTS:
            choices: dict[str, dict[str, Any]] = {
                "429": {"status": 429},
                "500": {"status": 500},
                "503": {"status": 503},
                "timeout": {"delay": LATE},
                "drop": {"drop": True},
                "drop after commit": {"drop": True, "after_commit": True},
            }
            api.inject(times=10**9, match=self._matcher(kind), **choices[kind])

    def _matcher(self, kind: str) -> Callable[[RecordedRequest], bool]:
        def matches(record: RecordedRequest) -> bool:
            key = id(record)
            if key not in self.drawn:
                chosen = None
                if self.armed and self.rng.random() < self.rate:
                    chosen = self.rng.choice(API_FAULTS)
                    self.tally.faults[f"Google {chosen}"] += 1
                self.drawn[key] = chosen
            return self.drawn[key] == kind

        return matches


def _smtp_script(rng: random.Random, rate: float, transactions: int) -> tuple[Script, list[str]]:
    """The mail server's faults by transaction number, and the kind drawn for each number."""
    script = Script()
    drawn: list[str] = []
    for number in range(transactions):
        if rng.random() >= rate:
            drawn.append("")
            continue
        kind = rng.choice(SMTP_FAULTS)
        drawn.append(kind)
        if kind == "drop at MAIL":
            script.drop_at_mail.add(number)
        elif kind == "421 at MAIL":
            script.mail_replies[number] = "421 4.7.0 Try again later"
        elif kind == "451 to DATA":
            script.data_replies[number] = "451 4.3.0 Temporary failure"
        elif kind == "554 to DATA":
            script.data_replies[number] = "554 5.7.1 Message rejected"
        else:
            script.drop_after_data.add(number)
    return script, drawn


class _Outage:
    """Google's quota spent during a run: from a request drawn at random among the run's first
    few, every request is answered 429 for `seconds` of the fake clock."""

    def __init__(self, api: FakeSheetsApi, rng: random.Random, seconds: float, tally: Tally):
        self.api, self.rng, self.seconds, self.tally = api, rng, seconds, tally
        self.fault: Fault | None = None

    def arm(self) -> None:
        start = self.rng.randrange(6)
        seen: list[int] = []

        def from_the_drawn_request(record: RecordedRequest) -> bool:
            if id(record) not in seen:
                seen.append(id(record))
            return seen.index(id(record)) >= start

        self.fault = self.api.outage(429, seconds=self.seconds, match=from_the_drawn_request)

    def disarm(self) -> None:
        if self.fault is not None and self.fault.hits:
            self.tally.faults[f"Google 429 for {self.seconds:.0f} s"] += 1
        if self.fault is not None:
            self.fault.times = self.fault.hits  # over, whatever the clock says
        self.fault = None


def fault_series(
    folder: Path, *, backend: str, runs: int, rate: float, seed: int = 0, outage: float = 0.0
) -> Tally:
    """`runs` daily runs, one a day, with faults at `rate` per request and per letter, and
    (Google) with the quota spent for `outage` seconds in each run."""
    rng = random.Random(seed)
    tally = Tally(backend=backend, rate=rate, outage=outage)
    clock = FakeClock()
    with FakeSheetsApi(clock=clock.monotonic) as api:
        script, drawn = _smtp_script(rng, rate, 8 * runs)
        with LocalSmtpServer(script) as server:
            store = _Store(backend, folder, api if backend == "google" else None)
            faults = _ApiFaults(api, rng, rate, tally) if backend == "google" else None
            quota = _Outage(api, rng, outage, tally) if backend == "google" and outage else None
            config = make_config(
                folder,
                workbook=store.workbook_config,
                mail={"transport": "smtp", "outbox": "outbox", "smtp": server.smtp_settings()},
            )
            people: list[_Person] = []
            blanked: set[tuple[str, int]] = set()
            day = TODAY
            for number in range(runs):
                day = TODAY + dt.timedelta(days=number)
                for _ in range(2):
                    people.append(_Person(len(people) + 1, day))
                    store.add(people[-1])
                for person in people:
                    if person.arrived == day - dt.timedelta(days=2) and not person.referred:
                        store.refer(person, day - dt.timedelta(days=1))
                        break
                if faults is not None:
                    faults.armed = True
                if quota is not None:
                    quota.arm()
                _classify(tally, store, functools.partial(_run, config, store, api, clock, day))
                if faults is not None:
                    faults.armed = False
                if quota is not None:
                    quota.disarm()
                _check_erasure(tally, store, blanked)
            # The faults the mail server met (transactions past the last were never reached).
            tally.faults.update(f"SMTP {k}" for k in drawn[: server.handler.transactions] if k)
            # Settle without faults: what is still due goes out, the rest shows.
            script.drop_at_mail.clear()
            script.drop_after_data.clear()
            script.mail_replies.clear()
            script.data_replies.clear()
            for _ in range(2):
                _run(config, store, api, clock, day)
                _check_erasure(tally, store, blanked)
            _count_letters(tally, store, people, [r.message() for r in server.received])
    return tally


def _run(config: Config, store: _Store, api: FakeSheetsApi, clock: FakeClock, day: dt.date) -> int:
    workbook: Workbook
    if store.backend == "google":
        workbook = open_google_workbook(
            config.workbook,
            {},
            session=api.session(),
            account_email="robot@example.org",
            policy=RetryPolicy(tries=3, base=0.001, cap=0.01, budget=5),
            clock=clock,
        )
    else:
        workbook = XlsxWorkbook(store.path, TAB_NAMES)
    now = dt.datetime.combine(day, dt.time(7), tzinfo=config.zone)
    transport = open_smtp_transport(config, {})
    # With the send journal, as every run of the CLI has: a run a fault stopped is settled by
    # the next from what the journal proves.
    with workbook, FileJournal(config.journal_path) as journal:
        report = run_daily(
            workbook, transport, Renderer(REPO / "templates"), config, day, now, journal=journal
        )
    return 2 if report.write_error else report.exit_code


def _classify(tally: Tally, store: _Store, run: Callable[[], int]) -> None:
    tally.runs += 1
    before = store.snapshot()
    try:
        code = run()
    except AppError:
        if store.snapshot() == before:
            tally.failed_cleanly += 1
        else:
            tally.stopped_after_write += 1
        return
    except Exception as error:  # anything untyped is a failure of the run itself
        tally.crashes.append(type(error).__name__)
        return
    if code == 2:
        tally.stopped_after_write += 1
    else:
        tally.completed += 1


def _check_erasure(tally: Tally, store: _Store, blanked: set[tuple[str, int]]) -> None:
    """Personal cells once blanked on a row with an ID stay blank."""
    for tab in ("Intresserade", "Uppföljning"):
        for row in _rows(store.tab(tab)):
            row_id = cells.parse_id(row.get("ID"))
            if not isinstance(row_id, int):
                continue
            empty = all(cells.is_blank(row.get(h)) for h in PERSONAL)
            if empty:
                blanked.add((tab, row_id))
            elif (tab, row_id) in blanked:
                tally.erased_back += 1


def _count_letters(
    tally: Tally, store: _Store, people: list[_Person], received: list[EmailMessage]
) -> None:
    tally.letters = len(received)
    keys = Counter(
        (str(m["To"]), str(m["Subject"]), str(m.get_body(("plain",)).get_content()))  # type: ignore[union-attr]
        for m in received
    )
    tally.duplicates = sum(count - 1 for count in keys.values())
    by_subject: dict[str, list[EmailMessage]] = {}
    for message in received:
        by_subject.setdefault(str(message["Subject"]).split(" ")[0], []).append(message)

    def got(prefix: str, to: str, mentioning: str | None = None) -> bool:
        return any(
            to in str(m["To"])
            and (mentioning is None or mentioning in str(m.get_body(("plain",)).get_content()))  # type: ignore[union-attr]
            for m in by_subject.get(prefix, [])
        )

    intake = _rows(store.tab("Intresserade"))
    ids = {
        str(row.get("E-post")): cells.parse_id(row.get("ID"))
        for tab in ("Intresserade", "Uppföljning")
        for row in _rows(store.tab(tab))
        if not cells.is_blank(row.get("E-post"))
    }
    by_id = {cells.parse_id(row.get("ID")): row for row in intake}
    for person in people:
        row = by_id.get(ids.get(person.email), {})
        checks = [("Välkomstbrev", got("Välkommen", person.email))]
        if person.referred:
            arrived = got("Din", person.email) and got(
                "Ny", "centrum@example.org", mentioning=person.name
            )
            checks.append(("Introduktion", arrived))
        for column, arrived in checks:
            state = _stamp(row.get(column))
            if state == "text":
                tally.uncertain += 1
            elif not arrived:
                tally.lost += 1
