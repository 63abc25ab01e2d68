"""The weekly tests' known workbook, and the weekly emails read back as a person sees them: the
plain-text part split at its headings, the HTML part at its `<h2>` headings (paragraphs, list
items and table rows, each as its visible text)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.weekly import WeeklyReport, run_weekly
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.transports import RecordingTransport
from tests.support import NOW, REPO, TODAY, make_config, memory_workbook, newcomer

DAY = dt.timedelta(days=1)
TRAINER = {"name": "Alex Utbildare", "email": "kurs@example.org"}
BOUNCE = "Fel 2026-11-20: 550 5.1.1 mailbox unavailable"


def logged(day: dt.date, action: str, row_id: int | None = None, letters: Any = None) -> Any:
    return {"time": f"{day.isoformat()} 07:00", "action": action, "id": row_id, "letters": letters}


def erased_followup(row_id: int, group: str, result: str) -> dict[str, Any]:
    """A follow-up made and erased a while ago: it counts in the statistics and nowhere else."""
    return {
        "id": row_id,
        "referred_to": group,
        "referred": TODAY - 100 * DAY,
        "follow_up_from": TODAY - 44 * DAY,
        "follow_up_by": TODAY - 30 * DAY,
        "followed_up": TODAY - 40 * DAY,
        "result": result,
        "erased": TODAY - 33 * DAY,
    }


def known_workbook(
    *,
    attended: dict[int, dt.date] | None = None,
    trainings: list[dict[str, Any]] | None = None,
) -> MemoryWorkbook:
    """A workbook whose summary is known item by item. `attended`: `Utbildning` by ID;
    `trainings`: Utbildningar instead of one past and one coming basic training."""
    consent = dt.date(2024, 12, 4)  # ends 2026-12-04, within a month
    newcomers = [
        newcomer(1, registered=TODAY - 10 * DAY, welcome=TODAY - 9 * DAY),
        newcomer(2, registered=TODAY - 3 * DAY, welcome=TODAY - 2 * DAY),
        newcomer(3, email="fel"),
        newcomer(4, registered=TODAY - 2 * DAY, email="person2@example.se"),
        newcomer(6, welcome="Skickar… 2026-11-20 07:00"),
        newcomer(8, registered=TODAY - 200 * DAY, call=TODAY - 100 * DAY, referred_to="Avböjt",
                 consent=consent),
        newcomer(9, welcome=TODAY, call=TODAY, referred_to="Vilande"),
    ]  # fmt: skip
    for row in newcomers:
        row["training"] = (attended or {}).get(row["id"])
    followups = [
        {"id": 20, "name": "Anna Testdotter", "email": "a20@example.se",
         "referred_to": "Centrumgruppen",
         "referred": TODAY - 75 * DAY, "follow_up_from": TODAY - 19 * DAY,
         "follow_up_by": TODAY - 5 * DAY},
        {"id": 21, "name": "Bo Testdotter", "email": "b21@example.se",
         "referred_to": "Skrivargruppen",
         "referred": TODAY - 52 * DAY, "follow_up_from": TODAY + 4 * DAY,
         "follow_up_by": TODAY + 18 * DAY},
        {"id": 22, "name": "Cia Testdotter", "email": "c22@example.se",
         "referred_to": "Centrumgruppen",
         "referred": TODAY - 60 * DAY, "follow_up_from": TODAY - 4 * DAY,
         "follow_up_by": TODAY + 10 * DAY, "followed_up": TODAY - 2 * DAY, "result": "Aktiv"},
        # Skrivargruppen: 3 followed up, 1 active = 33 %, a problem group by the defaults.
        erased_followup(23, "Skrivargruppen", "Inte aktiv"),
        erased_followup(24, "Skrivargruppen", "Inte aktiv"),
        erased_followup(25, "Skrivargruppen", "Aktiv"),
    ]  # fmt: skip
    groups = [
        {"group": "Centrumgruppen", "contact": "Rut Exempelsson", "email": "centrum@example.org",
         "active": "ja", "confirmed": TODAY - 30 * DAY},
        {"group": "Skrivargruppen", "contact": "Per Påhittad", "email": "brev@example.org",
         "active": "ja", "confirmed": TODAY - 200 * DAY, "reminder": TODAY - 5 * DAY},
        {"group": "Filmgruppen", "contact": "Bo Demosson", "email": "", "active": "ja",
         "confirmed": TODAY - 10 * DAY},
        {"group": "Vilande", "contact": "Siv", "email": "v@example.org", "active": "nej"},
        # The reminder to its contact person was refused by the server.
        {"group": "Studentgruppen", "contact": "Eva Exempel", "email": "student@example.org",
         "active": "ja", "confirmed": TODAY - 200 * DAY, "reminder": BOUNCE},
    ]  # fmt: skip
    if trainings is None:
        trainings = [
            {"date": TODAY - 30 * DAY, "time": "18.00", "title": "Grundutbildning"},
            {"date": TODAY + 9 * DAY, "time": "18.00", "title": "Grundutbildning"},
        ]
    log = [
        logged(TODAY - 3 * DAY, "daglig körning klar"),
        logged(TODAY - 2 * DAY, "ny rad", 2),
        logged(TODAY - 2 * DAY, "ny rad", 4),
        logged(TODAY - 2 * DAY, "välkomstbrev skickat", 2, 1),
        logged(TODAY - 2 * DAY, "välkomstbrev misslyckades", 3, 0),
        logged(TODAY - 2 * DAY, "uppgifter raderade", 7),
        logged(TODAY - 4 * DAY, "brev väntar på gränsen"),
        logged(TODAY - 3 * DAY, "brev väntar på gränsen"),
        logged(TODAY - 8 * DAY, "brev väntar på gränsen"),  # last week: not counted
        logged(TODAY - 9 * DAY, "välkomstbrev skickat", 1, 1),  # last week: not counted
    ]
    return memory_workbook(
        newcomers=newcomers, followups=followups, groups=groups, trainings=trainings, log=log
    )


def run(
    tmp_path: Path, workbook: MemoryWorkbook, **config: Any
) -> tuple[WeeklyReport, RecordingTransport]:
    """One weekly run on `workbook`, with a training coordinator unless `config` says otherwise."""
    config.setdefault("training_coordinator", TRAINER)
    transport = RecordingTransport()
    with workbook:
        report = run_weekly(
            workbook,
            transport,
            Renderer(REPO / "templates"),
            make_config(tmp_path, **config),
            TODAY,
            NOW,
        )
    return report, transport


def part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None
    return str(body.get_content())


def text_sections(text: str) -> dict[str, list[str]]:
    """The plain-text part as heading -> its non-blank lines (`""`: what comes before the
    first heading). A heading is a line in capitals, such as `GRUPPER`."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        if line.strip() and line == line.upper() and re.search(r"[A-ZÅÄÖ]{4}", line):
            current = line
            sections[current] = []
        elif line.strip():
            sections[current].append(line)
    return sections


def ids_in(line: str) -> list[int]:
    """The IDs a line of the to-do list names (`ID 1 Testa (21/11), ID 2 …`), not one quoted
    inside a problem (`Dubblett av ID 2`)."""
    return [int(i) for i in re.findall(r"(?:: |, |^- )ID (\d+)", line)]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    """Each table row: its style attribute and its cells' texts."""


class _Sections(HTMLParser):
    _BLOCKS = ("p", "li", "div", "h2", "tr")

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = [Section("")]
        self.open: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS or tag in ("td", "th"):
            self._flush()
            self.open.append((tag, dict(attrs).get("style") or ""))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            return
        _, style = self.open.pop()
        words = " ".join("".join(self.text).split())
        self.text = []
        section = self.sections[-1]
        if tag == "h2":
            self.sections.append(Section(words))
        elif tag in ("td", "th"):
            self.cells.append(words)
        elif tag == "tr":
            section.rows.append((style, self.cells))
            self.cells = []
        elif words and tag == "li":
            section.items.append(words)
        elif words:
            section.paragraphs.append(words)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def _flush(self) -> None:
        """Text before a nested block belongs to the block around it."""
        words = " ".join("".join(self.text).split())
        if words and self.open and self.open[-1][0] in ("div", "p"):
            self.sections[-1].paragraphs.append(words)
        self.text = []


def html_sections(html: str) -> list[Section]:
    """The HTML part's sections in order; the first (title "") holds what precedes any `<h2>`:
    the organisation's name and, when there is one, the warning."""
    parser = _Sections()
    parser.feed(html)
    return parser.sections


def html_section(html: str, start: str) -> Section:
    (found,) = [s for s in html_sections(html) if s.title.startswith(start)]
    return found
