"""Real kills: the scripts run as a coordinator's machine runs them, in a process of their own,
and killed with SIGKILL at a random moment — no `finally`, no context manager, no buffered
write ends: what a power cut or the OOM killer leaves. `tests/routines/test_kills.py` runs a
small profile and asserts; `benchmarks/kill.py` runs the full one and prints the table.

Unlike the crash matrix (`crash_matrix.py`: an exception at each I/O point, in one process),
this finds what only a dead process leaves behind: lock files, the temporary copy of the
workbook, a letter's `.tmp` or its `.ids` file, a journal line cut mid-way, a letter without
the file of IDs beside it.

A *sequence* is the command that is killed and the runs after it: the killed command run again
the same day, then the next day's (the daily run sweeps the outbox). Each world is the crash
matrix's full workbook (letters of every kind, erasures due in both tabs) and its earlier
letters in the outbox, on the xlsx backend, with the outbox or SMTP to a local aiosmtpd server
(reached by the script through the config's host and port). The Google backend is not
covered: its fake Sheets API is reached through an in-process `requests` adapter, which a
script in another process cannot use without a test hook in the package.

First each sequence runs uninterrupted once per transport (the reference: its letters, whose
data it keeps, how long the command to be killed takes); then each kill makes a fresh world,
starts the command, kills it after a delay drawn uniformly over that duration, and runs the
rest of the sequence. Counted per kill, after the last run:

* duplicates: letters received more than once (by label: `ID17-welcome`);
* lost: letters the reference received that this world never did, and whose stamp cell (or,
  for the weekly summary, the weekly run's report) does not ask a person to check them;
* uncertain: letters a person is asked to check;
* bad exits: a later run that exited with a traceback (3) or that needed a person (2) where
  the reference did not, with its first line;
* unreadable: workbooks that did not open after a run;
* leftovers: files a run leaves only while it works — temporary copies (`*.tmp`), lock files,
  a file of IDs without its letter, the send journal — still there after the last run;
* personal data: (ID, file) pairs where the name, address or phone number of a person whose
  data the reference erased is still found (the workbook unzipped, every file in the folder:
  outbox, dry-run folder, journal, temporary files).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.message
import email.policy
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.sheet.schema import Grid, tables_from_grids
from tests.fakes.smtp_server import LocalSmtpServer
from tests.routines.crash_matrix import (
    FULL,
    _asks_a_person,
    _personal_ids,
    earlier_letters,
    scenario_grids,
)
from tests.support import DAY, REPO, TAB_NAMES, TODAY, readable_text, write_xlsx

WORKBOOK = "arbetsbok.xlsx"
OUTBOX = "outbox"
FORGOTTEN = 1
"""The person `forget.py` erases (a welcome letter is due to them, and one is in the outbox)."""


def _day(day: dt.date) -> tuple[str, ...]:
    return ("--today", day.isoformat())


SEQUENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "run_daily": (
        ("run_daily", _day(TODAY)),
        ("run_daily", _day(TODAY)),
        ("run_daily", _day(TODAY + DAY)),
    ),
    "weekly_summary": (
        ("weekly_summary", _day(TODAY)),
        ("weekly_summary", _day(TODAY)),
        ("run_daily", _day(TODAY + DAY)),
    ),
    "dry_run": (
        ("run_daily", ("--dry-run", *_day(TODAY))),
        ("run_daily", _day(TODAY)),
        ("run_daily", _day(TODAY + DAY)),
    ),
    "forget": (
        ("forget", ("--email", f"person{FORGOTTEN}@example.se")),
        ("forget", ("--email", f"person{FORGOTTEN}@example.se")),
        ("run_daily", _day(TODAY + DAY)),
    ),
}
"""Per killed command: the command (killed), the same again the same day (a dry run: the real
run), the next day's run."""
WEIGHTS = {"run_daily": 5, "weekly_summary": 2, "dry_run": 1, "forget": 2}
TRANSPORTS = ("outbox", "smtp")
WEEKLY = "weekly_summary"
"""The label kind of the weekly summary (`vecka48-weekly_summary`)."""


def script_environment() -> dict[str, str]:
    """A coordinator's machine replaying a day of its own: a simulation, never CI."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "MEDLEMSRUTINER_SIMULATION": "1"}
    for name in ("CI", "GITHUB_ACTIONS"):
        environment.pop(name, None)
    return environment


def config_text(server: LocalSmtpServer | None) -> str:
    """The world's config: the xlsx workbook and the outbox beside it; SMTP to `server`."""
    text = (
        'timezone = "Europe/Stockholm"\nstart_date = 2026-01-01\n'
        '[coordinator]\nname = "Kim Exempelsson"\nemail = "medlemsansvarig@example.org"\n'
        f'[workbook]\nbackend = "xlsx"\npath = "{WORKBOOK}"\n'
    )
    if server is None:
        return text + f'[mail]\ntransport = "outbox"\noutbox = "{OUTBOX}"\n'
    return text + (
        f'[mail]\ntransport = "smtp"\noutbox = "{OUTBOX}"\n'
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
        'username = ""\ntimeout_seconds = 5\n'
    )


@dataclass
class Run:
    """One run of a script: how it ended."""

    script: str
    code: int | None
    """The exit code; None when it was killed."""
    stdout: str
    stderr: str
    seconds: float
    changes: int = 0
    """How many times the folder was seen to change while it ran (when watched)."""


class World:
    """A folder with a config, the workbook, an earlier run's letters, for one transport."""

    def __init__(self, folder: Path, transport: str, server: LocalSmtpServer | None) -> None:
        self.folder = folder
        self.transport = transport
        self.server = server if transport == "smtp" else None
        folder.mkdir(parents=True)
        grids = scenario_grids(FULL)
        self.grids = grids
        write_xlsx(folder / WORKBOOK, grids)
        self.earlier = earlier_letters(folder / OUTBOX, grids)
        (folder / "config.toml").write_text(config_text(self.server), encoding="utf-8")
        self.first_message = len(self.server.received) if self.server is not None else 0

    @property
    def workbook(self) -> Path:
        return self.folder / WORKBOOK

    @property
    def outbox(self) -> Path:
        return self.folder / OUTBOX

    def start(self, script: str, args: Sequence[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / f"{script}.py"), *args],
            cwd=self.folder, env=script_environment(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    def run(
        self,
        script: str,
        args: Sequence[str],
        kill_after: float | None = None,
        *,
        watch: bool = False,
        kill_at_change: int | None = None,
    ) -> Run:
        """Run `script` to its end, or kill it (SIGKILL) `kill_after` seconds after its start,
        or as soon as the folder has changed `kill_at_change` times (`watch`: count the changes
        without killing)."""
        started = time.perf_counter()
        process = self.start(script, args)
        changes = 0
        if kill_after is not None:
            try:
                process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
        elif watch or kill_at_change is not None:
            seen = self.files()
            while process.poll() is None:
                now = self.files()
                if now != seen:
                    changes, seen = changes + 1, now
                    if changes == kill_at_change:
                        process.send_signal(signal.SIGKILL)
                        break
                time.sleep(0.0002)
        stdout, stderr = process.communicate(timeout=300)
        seconds = time.perf_counter() - started
        killed = process.returncode == -signal.SIGKILL
        code = None if killed else process.returncode
        return Run(script, code, stdout, stderr, seconds, changes)

    def files(self) -> dict[str, tuple[int, int]]:
        """Every file a run writes (beside the workbook, in the outbox and its dry-run folder)
        with its size and time: a change here is a moment to kill in."""
        found = {}
        for folder in (self.folder, self.outbox, self.outbox / "dry-run"):
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                with contextlib.suppress(OSError):
                    stat = entry.stat(follow_symlinks=False)
                    found[entry.path] = (stat.st_size, stat.st_mtime_ns)
        return found

    def grids_now(self) -> Mapping[str, Grid] | None:
        """The workbook as a run reads it; None when it does not open."""
        try:
            grids = XlsxWorkbook(self.workbook, TAB_NAMES).read()
            tables_from_grids(grids, TAB_NAMES)
        except Exception:
            return None
        return grids

    def received(self) -> Counter[str]:
        """Every letter this world's transport received (not the earlier letters), by label;
        an SMTP letter by its recipient and subject until `labelled` names it."""
        if self.server is None:
            return Counter(
                path.name.split("-", 2)[2].removesuffix(".eml")
                for path in self.outbox.glob("*.eml")
                if path not in self.earlier
            )
        found: Counter[str] = Counter()
        for message in self.server.received[self.first_message :]:
            found[smtp_key(parse(message.data))] += 1
        return found

    def leftovers(self) -> list[str]:
        """Files only a working run should hold, still there (see the module docstring)."""
        found = []
        for path in sorted(self.folder.rglob("*")):
            name = path.name
            orphan = (
                name.endswith(".ids")
                and not path.with_name(name[1:].removesuffix(".ids") + ".eml").exists()
            )
            if path.is_file() and (name.endswith((".tmp", ".lock", "-lock", "-journal")) or orphan):
                found.append(str(path.relative_to(self.folder)))
        return found

    def traces(self, row_ids: Sequence[int]) -> list[str]:
        """(ID, file) of every person of `row_ids` whose name, address or phone is found."""
        patterns = {row_id: _needles(self.grids, row_id) for row_id in row_ids}
        found = []
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or path.name == "config.toml":
                continue
            texts = _texts(path)
            for row_id, pattern in patterns.items():
                if pattern is not None and any(pattern.search(text) for text in texts):
                    found.append(f"ID{row_id}: {path.relative_to(self.folder)}")
        return found


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def smtp_key(message: email.message.EmailMessage) -> str:
    """What names an SMTP letter before its label is known: recipient, subject and text (two
    introductions to one group differ only in the text)."""
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, email.message.EmailMessage) else ""
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{message['To']} | {message['Subject']} | {digest}"


def _texts(path: Path) -> list[str]:
    data = path.read_bytes()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                return [readable_text(archive.read(name)) for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError):
            pass  # a workbook cut short: read its bytes as they are
    return [readable_text(data)]


def _needles(grids: Mapping[str, Grid], row_id: int) -> re.Pattern[str] | None:
    """The person's name, address and phone as they are in the workbook, as one pattern (each
    whole: `Person1` is not `Person10`)."""
    for tab in ("Intresserade", "Uppföljning"):
        headers = [str(h) for h in grids[tab][0]]
        for row in grids[tab][1:]:
            values = dict(zip(headers, row, strict=False))
            if str(values.get("ID")) == str(row_id):
                words = [
                    str(values[h]).casefold()
                    for h in ("Namn", "E-post", "Telefon")
                    if values.get(h) not in (None, "")
                ]
                if words:
                    alternatives = "|".join(re.escape(word) for word in words)
                    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")
    return None


# --- The reference and the kills --------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A sequence run uninterrupted on one transport."""

    sequence: str
    transport: str
    seconds: float
    """How long the command to be killed took."""
    changes: int
    """How many times it was seen to change the folder."""
    letters: frozenset[str]
    erased: tuple[frozenset[int], ...]
    """Per run: the IDs whose personal data is gone once it has run."""
    codes: tuple[int | None, ...]


@dataclass
class Outcome:
    """What one kill left (see the module docstring)."""

    sequence: str
    transport: str
    when: str
    """When it was killed: `after 0.812 of 1.930 s`, `at change 4 of 9`."""
    killed: bool = False
    runs: int = 0
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    bad_exits: list[str] = field(default_factory=list)
    unreadable: int = 0
    leftovers: list[str] = field(default_factory=list)
    personal: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that breaks a promise (uncertain letters ask a person: none of these)."""
        return [
            *(f"twice: {label}" for label in self.duplicates),
            *(f"lost: {label}" for label in self.lost),
            *self.bad_exits,
            *(["a workbook that does not open"] * self.unreadable),
            *(f"left: {path}" for path in self.leftovers),
            *(f"personal data: {where}" for where in self.personal),
        ]

    def describe(self) -> str:
        return f"{self.sequence} on {self.transport}, killed {self.when}"


class Kills:
    """The references and the kills of one session, with the SMTP server they share."""

    def __init__(self, folder: Path, server: LocalSmtpServer) -> None:
        self.folder = folder
        self.server = server
        self.references: dict[tuple[str, str], Reference] = {}
        self.labels: dict[str, str] = {}
        """An SMTP letter's recipient and subject -> its label (learnt from the outbox)."""
        self.count = 0

    def world(self, name: str, transport: str) -> World:
        self.count += 1
        return World(self.folder / f"{self.count:03d}-{name}", transport, self.server)

    def reference(self, sequence: str, transport: str) -> Reference:
        key = (sequence, transport)
        if key not in self.references:
            if transport == "smtp":
                self.reference(sequence, "outbox")  # the labels of the letters
            self.references[key] = self._reference(sequence, transport)
        return self.references[key]

    def _reference(self, sequence: str, transport: str) -> Reference:
        world = self.world(f"reference-{sequence}", transport)
        initial = _personal_ids(world.grids)
        runs = []
        erased = []
        for index, (script, args) in enumerate(SEQUENCES[sequence]):
            runs.append(world.run(script, args, watch=index == 0))
            assert runs[-1].code in (0, 1), (sequence, transport, runs[-1])
            grids = world.grids_now()
            assert grids is not None
            erased.append(initial - _personal_ids(grids))
            assert world.traces(sorted(erased[-1])) == [], world.traces(sorted(erased[-1]))
        if transport == "outbox":
            for path in world.outbox.glob("*.eml"):
                if path not in world.earlier:
                    self.labels[smtp_key(parse(path.read_bytes()))] = path.name.split("-", 2)[2][
                        : -len(".eml")
                    ]
        received = self.labelled(world.received())
        assert all(count == 1 for count in received.values()), received
        reference = Reference(
            sequence,
            transport,
            runs[0].seconds,
            runs[0].changes,
            frozenset(received),
            tuple(erased),
            tuple(run.code for run in runs),
        )
        assert world.leftovers() == [], world.leftovers()
        return reference

    def labelled(self, received: Counter[str]) -> Counter[str]:
        return Counter({self.labels.get(key, key): count for key, count in received.items()})

    def kill(
        self, sequence: str, transport: str, fraction: float, *, at_changes: bool = False
    ) -> Outcome:
        """Kill the sequence's first command `fraction` of the way through its reference
        duration (`at_changes`: at that fraction of the changes it made to the folder), run
        the rest, and count."""
        known = self.reference(sequence, transport)
        world = self.world(f"kill-{sequence}", transport)
        change = 1 + int(fraction * known.changes) if at_changes else None
        delay = None if at_changes else fraction * known.seconds
        when = (
            f"at change {change} of {known.changes}"
            if at_changes
            else f"after {fraction * known.seconds:.3f} of {known.seconds:.3f} s"
        )
        outcome = Outcome(sequence, transport, when)
        grids: Mapping[str, Grid] | None = None
        weekly_asks = False
        for index, (script, args) in enumerate(SEQUENCES[sequence]):
            if index == 0:
                run = world.run(script, args, delay, kill_at_change=change)
            else:
                run = world.run(script, args)
            outcome.runs += 1
            if index == 0:
                outcome.killed = run.code is None
            elif run.code not in (0, 1) and run.code != known.codes[index]:
                first = (run.stderr.strip() or run.stdout.strip()).splitlines()
                outcome.bad_exits.append(
                    f"{script} exit {run.code}: {first[0] if first else ''}"
                    + (" (with a traceback)" if "Traceback" in run.stderr else "")
                )
            if script == WEEKLY and "KONTROLLERA – en körning" in run.stdout:
                weekly_asks = True
            grids = world.grids_now()
            if grids is None:
                outcome.unreadable += 1
            if index > 0:  # what the uninterrupted runs had erased by now is gone here too
                for trace in world.traces(sorted(known.erased[index])):
                    if trace not in outcome.personal:
                        outcome.personal.append(trace)
        received = self.labelled(world.received())
        outcome.duplicates = sorted(label for label, n in received.items() if n > 1)
        for label in sorted(known.letters):
            asks = weekly_asks if label.endswith(WEEKLY) else _stamp_asks(grids, label)
            if asks:
                outcome.uncertain.append(label)
            elif received[label] == 0:
                outcome.lost.append(label)
        outcome.leftovers = world.leftovers()
        return outcome


def _stamp_asks(grids: Mapping[str, Grid] | None, label: str) -> bool:
    return grids is not None and _asks_a_person(grids, label)


def plan(kills: int, seed: int) -> list[tuple[str, str, float]]:
    """`kills` kills: which sequence, which transport, how far through the killed command."""
    rng = random.Random(seed)
    names = list(WEIGHTS)
    weights = [WEIGHTS[name] for name in names]
    return [
        (rng.choices(names, weights)[0], TRANSPORTS[index % len(TRANSPORTS)], rng.random())
        for index in range(kills)
    ]


@dataclass
class Totals:
    """The table's row for one transport."""

    transport: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, name: str) -> int:
        values = [getattr(outcome, name) for outcome in self.outcomes]
        return sum(len(v) if isinstance(v, list) else int(v) for v in values)


def table(outcomes: Sequence[Outcome]) -> list[str]:
    """The kills as a markdown table, a row per transport."""
    lines = [
        "| transport | kills | killed | runs | duplicates | lost | uncertain | bad exits | "
        "unreadable workbooks | leftovers | personal data past erasure |",
        "|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for transport in TRANSPORTS:
        row = Totals(transport, [o for o in outcomes if o.transport == transport])
        if not row.outcomes:
            continue
        lines.append(
            f"| xlsx, {transport} | {len(row.outcomes)} | {row.count('killed')} | "
            f"{row.count('runs')} | {row.count('duplicates')} | {row.count('lost')} | "
            f"{row.count('uncertain')} | {row.count('bad_exits')} | {row.count('unreadable')} | "
            f"{row.count('leftovers')} | {row.count('personal')} |"
        )
    return lines


def details(outcomes: Sequence[Outcome]) -> list[str]:
    """Each kill that broke a promise, and what it broke."""
    return [
        f"{outcome.describe()}: {'; '.join(outcome.problems())}"
        for outcome in outcomes
        if outcome.problems()
    ]
