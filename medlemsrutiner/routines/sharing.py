"""Who can open a district's spreadsheets, checked on every spreadsheet the workbook uses (the
main one and the follow-up's): check_setup's lines and the weekly summary's notes. No
spreadsheet may be open to anyone with the link or to a whole domain (a spreadsheet id in a
config would then be a key to every newcomer's address), and the one holding Uppföljning to
nobody but the coordinator and the service account. Reads Drive permissions through the
Google adapter (one request per spreadsheet); nothing for a workbook that is not Google's.
"""

from __future__ import annotations

from dataclasses import dataclass

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import AppError
from medlemsrutiner.reports.weekly import SharingNote
from medlemsrutiner.sheet import cells


@dataclass(frozen=True)
class Line:
    """One line of check_setup: `warning` when a person must change something."""

    text: str
    warning: bool = False


def _which(config: Config, followup: bool) -> str:
    tabs = config.workbook.tab_names
    return f"kalkylarket med {tabs['followups'] if followup else tabs['newcomers']}"


def sharing_lines(config: Config, workbook: Workbook) -> list[Line]:
    """check_setup's lines: who can open each spreadsheet, and what to change."""
    from medlemsrutiner.adapters.google.setup import access
    from medlemsrutiner.adapters.google.workbook import GoogleWorkbook

    if not isinstance(workbook, GoogleWorkbook):
        return []
    lines: list[Line] = []
    if workbook.followup_spreadsheet_id is None:
        lines.append(
            Line(
                "Uppföljning ligger i samma kalkylark som Intresserade: alla som kan öppna "
                "kalkylarket kan läsa den (Google kan inte dölja en flik). Lägg den hellre i "
                "ett eget kalkylark (followup_spreadsheet_id).",
                warning=True,
            )
        )
    try:
        found = access(workbook, config.coordinator.email, workbook.account_email)
    except AppError as error:
        return [*lines, Line(str(error), warning=True)]
    for spreadsheet in found:
        which = _which(config, spreadsheet.followup)
        if spreadsheet.followup:
            lines.append(Line("Uppföljningen kan öppnas av: " + "; ".join(spreadsheet.people)))
        else:
            lines.append(Line(f"Delningen av {which} är kontrollerad."))
        if spreadsheet.public:
            labels = "; ".join(permission.label for permission in spreadsheet.public)
            lines.append(
                Line(
                    f"{which[0].upper()}{which[1:]} kan öppnas av {labels}: id:t i "
                    "konfigurationen räcker då för att läsa det. Ändra under Dela → Allmän "
                    "åtkomst → Begränsad.",
                    warning=True,
                )
            )
        if spreadsheet.others:
            labels = "; ".join(permission.label for permission in spreadsheet.others)
            lines.append(
                Line(
                    f"Fler än medlemsansvarig och tjänstekontot kan öppna uppföljningen: {labels}. "
                    "Ta bort dem under Dela i Google Kalkylark.",
                    warning=True,
                )
            )
    return lines


def sharing_notes(config: Config, workbook: Workbook) -> tuple[SharingNote, ...]:
    """The weekly summary's notes: what is wrong, by kind and count, never an address."""
    from medlemsrutiner.adapters.google.setup import access
    from medlemsrutiner.adapters.google.workbook import GoogleWorkbook

    if not isinstance(workbook, GoogleWorkbook):
        return ()
    try:
        found = access(workbook, config.coordinator.email, workbook.account_email)
    except AppError as error:
        return (SharingNote(False, "unchecked", reason=cells.redact(str(error))),)
    notes: list[SharingNote] = []
    for spreadsheet in found:
        for permission in spreadsheet.public:
            if permission.kind == "anyone":
                notes.append(SharingNote(spreadsheet.followup, "link"))
            else:
                notes.append(SharingNote(spreadsheet.followup, "domain", domain=permission.who))
        if spreadsheet.others:
            notes.append(SharingNote(True, "others", count=len(spreadsheet.others)))
    return tuple(notes)
