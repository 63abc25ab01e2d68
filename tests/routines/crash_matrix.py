"""The crash matrix: the daily run stopped at every point where it does I/O, then run again
twice, on both backends and both transports; what the world received and what the workbook
holds is counted. `tests/routines/test_crash_matrix.py` runs a small profile and asserts;
`benchmarks/crash_matrix.py` runs the full one and prints the table.

How a stop is made: a `Tripwire` counts the run's I/O points in order — the workbook's read
and each write (before and after, and for the .xlsx file the moment its new copy is written
but not yet renamed over the old one), every HTTP request to the Sheets API (before, and after
the server carried it out but before the run saw the answer), each journal entry once it is on
disk, and each letter once the transport has it but before its answer is noted — and raises
`Killed` (a BaseException no code of the package catches) at the chosen one. A first,
uninterrupted run lists the points; then for each point a fresh world (workbook, outbox or SMTP
server, journal) is stopped there and run again twice (the same day, and the next day).

`finally` blocks and context managers still run when `Killed` passes through them, as they
would not after a real kill: they remove temporary files and lock files, which later runs
clean up or take over anyway (tests of the adapters cover those). What a kill can leave
behind on disk — a workbook replaced or not, journal lines fsynced or not, letters received
or not — is the same.

Counted per point, after the third run:

* duplicates: letters the world received more than once (by label: `ID17-welcome`);
* lost: letters the uninterrupted world received that this one never did, and whose stamp
  cell does not ask a person to check them;
* uncertain: letters whose stamp cell asks a person to check them (`Skickar… … okänt`);
* erased back: IDs whose personal data the uninterrupted world erased but this one holds;
* people lost: IDs whose personal data the uninterrupted world keeps but this one lost;
* unreadable: workbooks that did not open after a run;
* journals left: journals still holding entries, or holding a name or an address;
* letters left: letters an earlier run left in the outbox folder (one per person, whatever the
  transport is now) about people whose data is gone, still there;
* letters gone: such letters about people whose data is kept, removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.sendlog_file import FileJournal
from medlemsrutiner.adapters.smtp import open_smtp_transport
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import OutgoingEmail, Renderer
from medlemsrutiner.plan import LetterOutcome
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet import cells, letter_kinds, stamps
from medlemsrutiner.sheet.changes import Change, Resolution
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Grid, tables_from_grids
from medlemsrutiner.sheet.sendlog import Entry
from medlemsrutiner.sheet.stamps import StampState
from tests.fakes.clock import FakeClock
from tests.fakes.sheets_api import FakeSheetsApi
from tests.fakes.smtp_server import LocalSmtpServer
from tests.fakes.transports import RecordingTransport
from tests.support import REPO, TAB_NAMES, TODAY, make_config, newcomer, workbook_grids, write_xlsx

DAY = dt.timedelta(days=1)
ZONE = dt.timezone(dt.timedelta(hours=1))
RUNS = (
    (TODAY, dt.datetime.combine(TODAY, dt.time(7, 0), ZONE)),
    (TODAY, dt.datetime.combine(TODAY, dt.time(7, 30), ZONE)),
    (TODAY + DAY, dt.datetime.combine(TODAY + DAY, dt.time(7, 0), ZONE)),
)
"""The stopped run, and the two after it."""


class Killed(BaseException):
    """The process dies here (raised at the chosen I/O point; nothing in the package catches
    a BaseException that is not an Exception)."""


class Tripwire:
    """Counts I/O points; raises Killed at point number `at` (None: never).

    With `reads` False, the Sheets API's GET requests are no points of their own: a stop just
    before or after a read leaves the same on disk and in the spreadsheets as a stop at the
    point before it (the end of the run's own read is still one, `workbook: after the read`).
    """

    def __init__(self, at: int | None = None, *, reads: bool = True) -> None:
        self.at = at
        self.reads = reads
        self.points: list[str] = []

    def tick(self, point: str) -> None:
        self.points.append(point)
        if self.at is not None and len(self.points) - 1 == self.at:
            raise Killed(point)


# --- The workbook of the scenario ------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How many rows of each kind the workbook holds: each is a letter or a write to stop in."""

    welcome: int = 0
    """New people: a welcome letter each."""
    introductions: int = 1
    """Referred to a group: two letters each, then the move to Uppföljning."""
    alternatives: int = 0
    """Referred to an alternative: one letter, then the move."""
    reengagements: int = 1
    """Followed up as `Inte aktiv`: the re-engagement letter."""
    erasures: int = 1
    """Followed up long enough ago (erased in Uppföljning), and as many stale intake rows."""
    reminders: int = 0
    """Groups whose details are old: the confirm-your-details letter."""


SMALL = Profile()
FULL = Profile(welcome=3, introductions=2, alternatives=1, reengagements=2, erasures=2, reminders=1)


def scenario_grids(profile: Profile) -> dict[str, list[list[Any]]]:
    """Intresserade, Uppföljning and Grupper with the rows `profile` asks for."""
    newcomers: list[dict[str, Any]] = []
    followups: list[dict[str, Any]] = []
    next_id = iter(range(1, 1000))
    for _ in range(profile.welcome):
        newcomers.append(newcomer(next(next_id)))
    for index in range(profile.introductions + profile.alternatives):
        to = "Centrumgruppen" if index < profile.introductions else "Blixtaktioner"
        newcomers.append(
            newcomer(
                next(next_id),
                registered=TODAY - 6 * DAY,
                welcome=TODAY - 5 * DAY,
                call=TODAY - 3 * DAY,  # due before the re-engagement: written first
                referred_to=to,
            )
        )
    for _ in range(profile.erasures):
        newcomers.append(newcomer(next(next_id), registered=TODAY - 200 * DAY))
    for result, called, count in (
        ("Inte aktiv", TODAY - 2 * DAY, profile.reengagements),
        ("Aktiv", TODAY - 10 * DAY, profile.erasures),
    ):
        for _ in range(count):
            row_id = next(next_id)
            person = newcomer(row_id)
            referred = TODAY - 70 * DAY
            followups.append(
                {
                    "id": row_id,
                    "name": person["name"],
                    "email": person["email"],
                    "phone": person["phone"],
                    "referred_to": "Centrumgruppen",
                    "referred": referred,
                    "follow_up_from": referred + 56 * DAY,
                    "follow_up_by": referred + 70 * DAY,
                    "followed_up": called,
                    "result": result,
                }
            )
    groups: list[dict[str, Any]] = [
        {
            "group": name,
            "contact": "Rut Exempelsson",
            "email": f"{name.lower()}@example.org",
            "phone": "070-174 06 05",
            "active": "ja",
            "confirmed": TODAY - (30 if index >= profile.reminders else 200) * DAY,
        }
        for index, name in enumerate(
            ["Centrumgruppen", *(f"Grupp{n}" for n in range(1, profile.reminders))]
            if profile.reminders
            else ["Centrumgruppen"]
        )
    ]
    return workbook_grids(newcomers=newcomers, followups=followups, groups=groups)


# --- Backends and transports, each stopping at its I/O points -------------------------------


class TrippingWorkbook:
    """A workbook whose read and writes are I/O points."""

    def __init__(self, inner: Workbook, wire: Tripwire, ticks: bool) -> None:
        self.inner, self.wire, self.ticks = inner, wire, ticks
        """Reads and writes are points of their own (the Sheets API's requests are, instead)."""
        self.writes = 0

    def describe(self) -> str:
        return self.inner.describe()

    @property
    def notices(self) -> tuple[str, ...]:
        return self.inner.notices

    def __enter__(self) -> TrippingWorkbook:
        self.inner.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.inner.__exit__(kind, error, traceback)

    def read(self) -> Mapping[str, Grid]:
        grids = self.inner.read()
        if self.ticks or not self.wire.reads:
            self.wire.tick("workbook: after the read")
        return grids

    def read_tab(self, title: str) -> Grid | None:
        return self.inner.read_tab(title)

    def write(self, changes: Sequence[Change]) -> Resolution:
        self.writes += 1
        if self.ticks:
            self.wire.tick(f"workbook: before write {self.writes}")
        resolution = self.inner.write(changes)
        if self.ticks:
            self.wire.tick(f"workbook: after write {self.writes}")
        return resolution

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        return self.inner.ensure_tabs(tabs)


class TrippingXlsx(XlsxWorkbook):
    """The .xlsx backend stopped while saving: the new copy written, not yet renamed."""

    wire: Tripwire

    def _save(self, book: Any) -> bytes:
        from medlemsrutiner.adapters.files import replace_atomically

        def write(path: Path) -> None:
            book.save(path)
            self.wire.tick("xlsx: during the save (new copy written, old file in place)")

        self.saves += 1
        return replace_atomically(self.path, write)


def tripping_transport(
    inner: Transport, wire: Tripwire, labels: dict[str, str]
) -> RecordingTransport:
    """A transport whose letters are I/O points (after the transport has a letter, before its
    answer is noted), remembering each letter's Message-ID and label."""

    def remember(letter: OutgoingEmail) -> None:
        labels[str(letter.message["Message-ID"])] = letter.label

    def trip(letter: OutgoingEmail, outcome: LetterOutcome) -> None:
        wire.tick(f"transport: {letter.label} handed over, answer not yet noted")

    return RecordingTransport(inner, before_send=remember, after_send=trip)


class TrippingJournal(FileJournal):
    """The file journal, each entry an I/O point once it is on disk."""

    def __init__(self, path: Path, wire: Tripwire) -> None:
        super().__init__(path)
        self.wire = wire

    def append(self, entries: Sequence[Entry]) -> None:
        super().append(entries)
        first = entries[0]
        what = type(first).__name__ + (f" {first.label}" if hasattr(first, "label") else "")
        self.wire.tick(f"journal: {what} on disk")


@dataclass
class Setup:
    """Makes a fresh world per scenario for one backend and one transport."""

    backend: str
    transport: str
    api: FakeSheetsApi | None = None
    server: LocalSmtpServer | None = None
    journal: bool = True
    """Runs keep a send journal (False: as before the journal, for comparison)."""
    message_ids: list[str] = field(default_factory=list)
    """The Message-ID of each message the SMTP server received, in order (parsed once)."""

    def received_ids(self) -> list[str]:
        assert self.server is not None
        received = self.server.received
        for message in received[len(self.message_ids) :]:
            parsed = email.message_from_bytes(message.data, policy=email.policy.default)
            self.message_ids.append(str(parsed["Message-ID"]))
        return self.message_ids

    def world(self, folder: Path, profile: Profile) -> BaseWorld:
        return BaseWorld(self, folder, profile)


class BaseWorld:
    def __init__(self, setup: Setup, folder: Path, profile: Profile) -> None:
        self.setup = setup
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.labels: dict[str, str] = {}
        grids = scenario_grids(profile)
        self.earlier = earlier_letters(folder / "outbox", grids)
        mail: dict[str, Any] = {"transport": "outbox", "outbox": "outbox"}
        if setup.transport == "smtp":
            assert setup.server is not None
            mail = {"transport": "smtp", "outbox": "outbox", "smtp": setup.server.smtp_settings()}
        if setup.backend == "xlsx":
            self.config = make_config(folder, mail=mail)
            assert self.config.workbook.path is not None
            write_xlsx(self.config.workbook.path, grids)
        else:
            api = setup.api
            assert api is not None
            serial = {
                name: [[cells.date_to_serial(v) if _is_date(v) else v for v in row] for row in rows]
                for name, rows in grids.items()
            }
            followups = serial.pop("Uppföljning")
            self.main = api.create_spreadsheet("Medlemsrutiner", serial)
            self.followup = api.create_spreadsheet("Uppföljning", {"Uppföljning": followups})
            workbook = {
                "backend": "google",
                "spreadsheet_id": self.main,
                "followup_spreadsheet_id": self.followup,
                "timeout_seconds": 5,
            }
            self.config = make_config(folder, workbook=workbook, mail=mail)

    def workbook(self, wire: Tripwire) -> Workbook:
        if self.setup.backend == "xlsx":
            assert self.config.workbook.path is not None
            inner = TrippingXlsx(self.config.workbook.path, TAB_NAMES)
            inner.wire = wire
            return TrippingWorkbook(inner, wire, ticks=True)
        assert self.setup.api is not None
        session = _tripping_session(self.setup.api.session(), wire, self._spreadsheet_names())
        google = open_google_workbook(
            self.config.workbook,
            {},
            session=session,
            account_email="robot@example.org",
            policy=RetryPolicy(tries=5, base=0.001, cap=0.01, budget=5),
            clock=FakeClock(),
        )
        return TrippingWorkbook(google, wire, ticks=False)

    def _spreadsheet_names(self) -> dict[str, str]:
        return {self.main: "Medlemsrutiner", self.followup: "Uppföljning"}

    def grids(self) -> dict[str, Grid]:
        if self.setup.backend == "xlsx":
            assert self.config.workbook.path is not None
            return XlsxWorkbook(self.config.workbook.path, TAB_NAMES).read()
        api = self.setup.api
        assert api is not None
        return {
            title: api.values(spreadsheet, title)
            for spreadsheet in (self.main, self.followup)
            for title in api.sheet_titles(spreadsheet)
        }

    def transport(self, now: dt.datetime, wire: Tripwire) -> Transport:
        inner: Transport
        if self.setup.transport == "smtp":
            inner = open_smtp_transport(self.config, {})
        else:
            inner = Outbox(self.config.mail.outbox, now)
        return tripping_transport(inner, wire, self.labels)

    def received(self) -> Counter[str]:
        if self.setup.transport == "outbox":
            return Counter(
                path.name.split("-", 2)[2].removesuffix(".eml")
                for path in self.config.mail.outbox.glob("*.eml")
                if path not in self.earlier
            )
        found: Counter[str] = Counter()
        for message_id in self.setup.received_ids():
            label = self.labels.get(message_id)
            if label is not None:
                found[label] += 1
        return found


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date)


def earlier_letters(outbox: Path, grids: Mapping[str, Grid]) -> dict[Path, int]:
    """A welcome letter to every person of the workbook, as an earlier run of the outbox
    transport left it a week ago: file -> the person's ID."""
    written = dt.datetime.combine(TODAY - 7 * DAY, dt.time(7, 0))
    outbox.mkdir(parents=True, exist_ok=True)
    found: dict[Path, int] = {}
    for tab in ("Intresserade", "Uppföljning"):
        for row in _rows(grids[tab]):
            row_id = int(row["ID"])
            path = outbox / f"{written:%Y%m%dT%H%M%S}-{row_id:04d}-ID{row_id}-welcome.eml"
            path.write_text(f"To: {row['E-post']}\n\nHej {row['Namn']}!\n", encoding="utf-8")
            found[path] = row_id
    return found


def _tripping_session(
    session: requests.Session, wire: Tripwire, names: Mapping[str, str]
) -> requests.Session:
    """`session` with each request to the Sheets API an I/O point, before it is sent and after
    the server carried it out (before the client reads the answer)."""
    send = session.send

    def tripping(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        what = _request_name(request, names)
        ticks = wire.reads or request.method != "GET"
        if ticks:
            wire.tick(f"google: before {what}")
        response = send(request, **kwargs)
        if ticks:
            wire.tick(f"google: after {what}")
        return response

    session.send = tripping  # type: ignore[method-assign]
    return session


def _request_name(request: requests.PreparedRequest, names: Mapping[str, str]) -> str:
    url = str(request.url or "").partition("?")[0]
    match = re.search(r"/spreadsheets/([^/:]+)(.*)$", url)
    if match is None:
        return f"{request.method} {url}"
    where = names.get(match.group(1), "?")
    rest = match.group(2).rsplit("/", 1)[-1] or "metadata"
    return f"{request.method} {rest} ({where})"


# --- Running and counting ----------------------------------------------------------------------


RENDERER = Renderer(REPO / "templates")
"""One for every run: jinja2 compiles each template once (the runs' letters are the same)."""


def daily(world: BaseWorld, wire: Tripwire, day: dt.date, now: dt.datetime) -> None:
    """One daily run as the CLI makes it: the workbook and the journal locked, then run."""
    transport = world.transport(now, wire)
    if not world.setup.journal:
        with world.workbook(wire) as workbook:
            run_daily(workbook, transport, RENDERER, world.config, day, now)
        return
    journal = TrippingJournal(world.config.journal_path, wire)
    with world.workbook(wire) as workbook, journal:
        run_daily(workbook, transport, RENDERER, world.config, day, now, journal=journal)


@dataclass
class Outcome:
    """What one scenario left (see the module docstring)."""

    point: str
    stopped: bool
    duplicates: int = 0
    lost: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    erased_back: list[int] = field(default_factory=list)
    people_lost: list[int] = field(default_factory=list)
    unreadable: int = 0
    journal_left: int = 0
    letters_left: list[int] = field(default_factory=list)
    letters_gone: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Reference:
    """The uninterrupted world: its I/O points, what it received, whose data it kept."""

    points: tuple[str, ...]
    letters: frozenset[str]
    personal: frozenset[int]
    erased: frozenset[int]


def reference(setup: Setup, folder: Path, profile: Profile, reads: bool = True) -> Reference:
    world = setup.world(folder, profile)
    initial = _personal_ids(world.grids())
    wires = [Tripwire(reads=reads) for _ in RUNS]
    for wire, (day, now) in zip(wires, RUNS, strict=True):
        daily(world, wire, day, now)
    received = world.received()
    assert all(count == 1 for count in received.values()), received
    kept = _personal_ids(world.grids())
    assert _earlier_letters(world, kept) == ([], [])
    return Reference(tuple(wires[0].points), frozenset(received), kept, initial - kept)


def stop_at(
    setup: Setup, folder: Path, profile: Profile, known: Reference, at: int, reads: bool = True
) -> Outcome:
    """Stop the first run at point `at`, run twice more, and count."""
    world = setup.world(folder, profile)
    wire = Tripwire(at, reads=reads)
    outcome = Outcome(known.points[at], stopped=False)
    names = _names_and_addresses(scenario_grids(profile))
    grids: Mapping[str, Grid] = {}
    for index, (day, now) in enumerate(RUNS):
        try:
            daily(world, wire if index == 0 else Tripwire(), day, now)
        except Killed as killed:
            outcome.stopped = True
            assert str(killed) == known.points[at], (str(killed), known.points[at])
        try:
            grids = world.grids()
            tables_from_grids(grids, TAB_NAMES)
        except Exception:
            outcome.unreadable += 1
        if index == 0 and _holds_any(world.config.journal_path, names):
            outcome.journal_left += 1
    received = world.received()
    outcome.duplicates = sum(count - 1 for count in received.values() if count > 1)
    for label in sorted(known.letters):
        asks = _asks_a_person(grids, label)
        if asks:
            outcome.uncertain.append(label)
        elif received[label] == 0:
            outcome.lost.append(label)
    personal = _personal_ids(grids)
    outcome.erased_back = sorted(personal & known.erased)
    outcome.people_lost = sorted(known.personal - personal)
    outcome.letters_left, outcome.letters_gone = _earlier_letters(world, personal)
    if world.config.journal_path.exists():
        outcome.journal_left += 1
    return outcome


def _earlier_letters(world: BaseWorld, personal: frozenset[int]) -> tuple[list[int], list[int]]:
    """IDs whose earlier letter is still there though their data is gone, and IDs whose earlier
    letter is gone though their data is kept."""
    left = sorted(i for path, i in world.earlier.items() if path.exists() and i not in personal)
    gone = sorted(i for path, i in world.earlier.items() if not path.exists() and i in personal)
    return left, gone


@dataclass
class Row:
    """One line of the matrix: a backend and a transport over every crash point."""

    backend: str
    transport: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def points(self) -> int:
        return len(self.outcomes)

    @property
    def runs(self) -> int:
        return len(self.outcomes) * len(RUNS)

    def total(self, name: str) -> int:
        values = [getattr(outcome, name) for outcome in self.outcomes]
        return sum(len(v) if isinstance(v, list) else int(v) for v in values)

    @property
    def most_uncertain(self) -> int:
        return max((len(outcome.uncertain) for outcome in self.outcomes), default=0)


def matrix_row(setup: Setup, folder: Path, profile: Profile, *, reads: bool = True) -> Row:
    """Every crash point of one backend and transport (see `Tripwire` for `reads`)."""
    known = reference(setup, folder / "reference", profile, reads)
    row = Row(setup.backend, setup.transport)
    for at in range(len(known.points)):
        row.outcomes.append(stop_at(setup, folder / f"point{at}", profile, known, at, reads))
    return row


PAIRS = (("xlsx", "outbox"), ("xlsx", "smtp"), ("google", "outbox"), ("google", "smtp"))
"""Every backend with every transport."""


@contextlib.contextmanager
def setups(
    pairs: Sequence[tuple[str, str]] = PAIRS, *, journal: bool = True
) -> Iterator[list[Setup]]:
    """One Setup per (backend, transport), with the local Sheets API and SMTP servers running."""
    with contextlib.ExitStack() as stack:
        api = (
            stack.enter_context(FakeSheetsApi())
            if any(backend == "google" for backend, _ in pairs)
            else None
        )
        found = []
        for backend, transport in pairs:
            server = stack.enter_context(LocalSmtpServer()) if transport == "smtp" else None
            found.append(Setup(backend, transport, api=api, server=server, journal=journal))
        yield found


def _rows(grid: Grid) -> list[dict[str, Any]]:
    headers = [str(h) for h in grid[0]] if grid else []
    return [
        {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)}
        for row in grid[1:]
        if any(not cells.is_blank(value) for value in row)
    ]


PERSONAL = ("Namn", "E-post", "Telefon")


def _personal_ids(grids: Mapping[str, Grid]) -> frozenset[int]:
    """IDs with a name, an address or a phone number in Intresserade or Uppföljning."""
    found = set()
    for tab in ("Intresserade", "Uppföljning"):
        for row in _rows(grids[tab]):
            if any(not cells.is_blank(row.get(h)) for h in PERSONAL):
                found.add(int(row["ID"]))
    return frozenset(found)


def _names_and_addresses(grids: Mapping[str, Grid]) -> list[str]:
    return [
        str(row[h])
        for tab in ("Intresserade", "Uppföljning", "Grupper")
        for row in _rows(grids[tab])
        for h in ("Namn", "E-post", "Kontaktperson")
        if not cells.is_blank(row.get(h))
    ]


def _holds_any(path: Path, texts: Sequence[str]) -> bool:
    if not path.exists():
        return False
    content = path.read_text(encoding="utf-8", errors="replace").casefold()
    return any(text.casefold() in content for text in texts)


def _stamp_of(kind: str) -> tuple[str, str]:
    """The tab (default name) and header of the stamp column guarding letters of `kind`."""
    registered = letter_kinds.letter_kind(kind)
    assert registered is not None and registered.delivery is not None, kind
    column = registered.delivery.stamp
    return TABS_BY_KEY[column.tab].default_name, column.header


def _asks_a_person(grids: Mapping[str, Grid], label: str) -> bool:
    """The letter's stamp cell asks a person to check whether it went out."""
    kind = label.rsplit("-", 1)[1]
    tab, header = _stamp_of(kind)
    if label.startswith("Grupp-"):
        name = label.removeprefix("Grupp-").rsplit("-", 1)[0]
        rows = [r for r in _rows(grids[tab]) if cells.text(r.get("Grupp")) == name]
    else:
        row_id = int(label.removeprefix("ID").split("-", 1)[0])
        rows = [r for r in _rows(grids[tab]) if cells.parse_id(r.get("ID")) == row_id]
    if len(rows) != 1:
        return False
    stamp = stamps.read_stamp(rows[0].get(header), TODAY)
    if stamp.state is StampState.PARTIAL:
        return kind in stamp.unsure
    if stamp.state is not StampState.SENDING:
        return False
    known_sent = stamp.text.partition("; skickat till ")[2]
    words = letter_kinds.part_words().get(kind)
    return not (words is not None and words in known_sent)


def table(rows: Sequence[Row]) -> list[str]:
    """The matrix as a markdown table."""
    lines = [
        "| backend | transport | crash points | runs | duplicates | lost | uncertain |",
        "|:---|:---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.backend} | {row.transport} | {row.points} | {row.runs} | "
            f"{row.total('duplicates')} | {row.total('lost')} | {row.total('uncertain')} |"
        )
    return lines


def describe(rows: Sequence[Row]) -> list[str]:
    """The rest of what was counted, for the lines under the table."""
    return [
        f"{row.backend}/{row.transport}: at most {row.most_uncertain} uncertain per crash; "
        f"erased data back {row.total('erased_back')}; people lost {row.total('people_lost')}; "
        f"workbooks that did not open {row.total('unreadable')}; "
        f"journals left over or holding personal data {row.total('journal_left')}; "
        f"letters of erased people left in the outbox {row.total('letters_left')}; "
        f"letters of kept people removed {row.total('letters_gone')}"
        for row in rows
    ]
