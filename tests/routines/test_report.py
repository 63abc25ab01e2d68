"""The daily run's report: exit code 1 for rows only with a line in the to-do list saying what to
do, for every kind of problem the steps flag (a table of real daily runs, one per kind), and the
count lines' IDs in ascending order."""

from __future__ import annotations

import ast
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet.schema import TABS_BY_KEY
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    default_groups,
    grid,
    make_config,
    newcomer,
    workbook_grids,
)

DAY = dt.timedelta(days=1)
STEPS = REPO / "medlemsrutiner" / "steps"


@dataclass(frozen=True)
class Case:
    """One kind of problem: the module whose `Flag(...)` raises it, a workbook that has it, and
    what the to-do list must then say (None: the row is finished and needs nobody)."""

    name: str
    module: str
    tabs: dict[str, Any]
    todo: str | None
    headers: dict[str, list[str]] = field(default_factory=dict)


def _group(**cells: Any) -> list[dict[str, Any]]:
    return [
        *default_groups(),
        {
            "group": "Filmgruppen",
            "contact": "Bo Demosson",
            "email": "film@example.org",
            "active": "ja",
            "confirmed": TODAY - 30 * DAY,
            **cells,
        },
    ]


FOLLOWED = {
    "id": 20,
    "name": "Anna Testdotter",
    "email": "a20@example.se",
    "referred_to": "Centrumgruppen",
    "referred": TODAY - 60 * DAY,
    "followed_up": TODAY - 2 * DAY,
}
ERASED = {
    "id": 21,
    "referred_to": "Centrumgruppen",
    "referred": TODAY - 90 * DAY,
    "followed_up": TODAY - 20 * DAY,
    "erased": TODAY - 13 * DAY,
}

CASES = [
    # steps/records.py: an intake row without a usable ID.
    Case(
        "intake ID on two rows",
        "records.py",
        {"newcomers": [newcomer(4), newcomer(4, name="Annan Person", email="annan@example.se")]},
        "Intresserade rad 2: ID 4 finns på flera rader",
    ),
    Case(
        "intake ID unreadable",
        "records.py",
        {"newcomers": [newcomer(None, id="fyra")]},
        "Intresserade rad 2: ID ska vara ett heltal",
    ),
    # steps/district.py: rows of Grupper and Utbildningar that cannot be used.
    Case(
        "group Aktiv unreadable",
        "district.py",
        {"groups": _group(active="kanske")},
        "Grupper rad 4, Aktiv",
    ),
    Case(
        "group E-post invalid",
        "district.py",
        {"groups": _group(email="film(at)example")},
        "Grupper rad 4, E-post",
    ),
    Case(
        "group Bekräftad unreadable",
        "district.py",
        {"groups": _group(confirmed="snart")},
        "Grupper rad 4, Bekräftad",
    ),
    Case(
        "group twice",
        "district.py",
        {"groups": _group(group="Centrumgruppen")},
        "Gruppen 'Centrumgruppen' finns två gånger",
    ),
    Case(
        "training date unreadable",
        "district.py",
        {"trainings": [{"date": "nästa vecka", "title": "Grundutbildning"}]},
        "Utbildningar rad 2, Datum",
    ),
    Case(
        "training date without a year that has passed",
        "district.py",
        {"trainings": [{"date": "20/11", "title": "Grundutbildning"}]},
        "Utbildningar rad 2, Datum: datumet saknar år och har redan varit",
    ),
    Case(
        "training date followed by a time Tid contradicts",
        "district.py",
        {"trainings": [{"date": "3/12 19.00", "time": "18.00", "title": "Grundutbildning"}]},
        "Utbildningar rad 2, Datum: både Datum och Tid har en tid",
    ),
    # steps/followup.py: a row of Uppföljning with a cell to correct.
    Case(
        "follow-up Resultat unreadable",
        "followup.py",
        {"followups": [{**FOLLOWED, "result": "kanske"}]},
        "ID 20: Rätta Resultat",
    ),
    Case(
        "erased follow-up Resultat unreadable",
        "followup.py",
        {"followups": [{**ERASED, "result": "kanske"}]},
        "ID 21: Rätta Resultat",
    ),
    Case(
        "follow-up without an ID",
        "followup.py",
        {"followups": [{**FOLLOWED, "id": None}]},
        "Uppföljning rad 2: Rätta ID",
    ),
    Case(
        "follow-up ID on two rows",
        "followup.py",
        {"followups": [FOLLOWED, {**ERASED, "id": 20}]},
        "ID 20: Rätta ID: ID 20 finns på flera rader i Uppföljning",
    ),
    # steps/daily.py: row problems of Intresserade ...
    Case(
        "intake E-post invalid",
        "daily.py",
        {"newcomers": [newcomer(5, email="fel")]},
        "ID 5: Rätta E-post",
    ),
    Case(
        "intake E-post blank",
        "daily.py",
        {"newcomers": [newcomer(5, email="")]},
        "ID 5: Fyll i E-post",
    ),
    Case(
        "intake unknown group",
        "daily.py",
        {"newcomers": [newcomer(5, welcome=TODAY, call=TODAY, referred_to="Centrumgrupen")]},
        "ID 5: Rätta Hänvisad till",
    ),
    Case(
        "intake stamp unreadable",
        "daily.py",
        {
            "newcomers": [
                newcomer(5, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen", introduction=1)
            ]
        },
        "ID 5: Rätta Introduktion",
    ),
    Case(
        "intake duplicate address",
        "daily.py",
        {"newcomers": [newcomer(5, welcome=TODAY), newcomer(6, email="person5@example.se")]},
        "ID 6: Dubblett av ID 5",
    ),
    Case(
        "intake ID taken in Uppföljning",
        "daily.py",
        {
            "newcomers": [newcomer(20, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen")],
            "followups": [FOLLOWED],
        },
        "ID 20: ID 20 finns redan i Uppföljning",
    ),
    Case(
        "intake row there before the first run",
        "daily.py",
        {"newcomers": [newcomer(None, registered=None)], "log": []},
        "ID 1: Kontrollera Registrerad",
    ),
    # ... and the re-engagement letter that cannot go out.
    Case(
        "re-engagement without Återvärvning",
        "daily.py",
        {"followups": [{**FOLLOWED, "result": "Inte aktiv"}]},
        "ID 20: Lägg till kolumnen Återvärvning",
        headers={
            "followups": [
                c.header for c in TABS_BY_KEY["followups"].columns if c.name != "reengagement"
            ]
        },
    ),
    Case(
        "re-engagement to an invalid address",
        "daily.py",
        {"followups": [{**FOLLOWED, "result": "Inte aktiv", "email": "fel"}]},
        "ID 20: Rätta E-post",
    ),
    # Problems on rows the run finishes: nothing left to do, exit code 0.
    Case(
        "referred with an invalid address (moved)",
        "daily.py",
        {
            "newcomers": [
                newcomer(5, email="fel", welcome=TODAY, call=TODAY, referred_to="Centrumgruppen")
            ]
        },
        None,
    ),
    Case(
        "declined with an invalid address (erased)",
        "daily.py",
        {
            "newcomers": [
                newcomer(
                    5,
                    registered=TODAY - 60 * DAY,
                    email="fel",
                    call=TODAY - 31 * DAY,
                    referred_to="Avböjt",
                )
            ]
        },
        None,
    ),
    Case(
        "stale duplicate (erased)",
        "daily.py",
        {
            "newcomers": [
                newcomer(5, welcome=TODAY),
                newcomer(6, registered=TODAY - 181 * DAY, email="person5@example.se"),
            ]
        },
        None,
    ),
]


def run(case: Case, tmp_path: Path) -> DailyReport:
    config = make_config(tmp_path)
    grids = workbook_grids(**case.tabs)
    for key, headers in case.headers.items():
        tab = TABS_BY_KEY[key]
        grids[tab.default_name] = grid(key, case.tabs.get(key, []), headers)
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    with workbook:
        return run_daily(
            workbook,
            Outbox(config.mail.outbox, NOW),
            Renderer(REPO / "templates"),
            config,
            TODAY,
            NOW,
        )


def todo_lines(report: DailyReport) -> list[str]:
    lines = report.lines()
    return lines[lines.index("Att göra:") + 1 :] if "Att göra:" in lines else []


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_exit_code_1_for_a_row_comes_with_its_line_in_the_to_do_list(
    case: Case, tmp_path: Path
) -> None:
    report = run(case, tmp_path)
    assert report.failed == {} and report.stopped is None and report.write_error is None
    assert any(flag.problem for flag in report.flags), "the case must raise a problem flag"
    lines = report.lines()
    fixes = [line for line in todo_lines(report) if line.startswith("    ")]
    if case.todo is None:
        assert report.exit_code == 0 and fixes == []
        assert not any(line.startswith("Körningen är klar, men") for line in lines)
    else:
        assert report.exit_code == 1
        assert any(case.todo in line for line in fixes), fixes
        assert lines[-1].startswith("Körningen är klar, men något behöver dig: se listan ovan")


def test_every_kind_of_problem_flag_in_the_steps_has_a_case() -> None:
    """Each `Flag(...)` in steps/ that can make the exit code 1 (`problem` not False) has at
    least one case above: a new kind of flag needs its case, and its line in the to-do list."""
    constructions: Counter[str] = Counter()
    for path in sorted(STEPS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Flag"):
                continue
            problem = [k.value for k in node.keywords if k.arg == "problem"]
            if problem and isinstance(problem[0], ast.Constant) and problem[0].value is False:
                continue
            constructions[path.name] += 1
    assert constructions == Counter(
        {"district.py": 7, "records.py": 1, "followup.py": 1, "daily.py": 2}
    ), "a Flag was added or removed: add a case"
    cases = Counter(case.module for case in CASES if case.todo is not None)
    for module, count in constructions.items():
        assert cases[module] >= count, module


def test_the_count_lines_list_ids_in_ascending_order() -> None:
    report = DailyReport(today=TODAY, dry_run=False, new_ids=[12, 3])
    report.sent = {"alternatives": [83, 82], "welcome": [40, 7, 19]}
    report.waiting = {"welcome": [30, 2]}
    report.erased = [9, 1]
    lines = report.lines()
    assert "  2 nya rader (ID 3, 12)" in lines
    assert "  2 brev med alternativen skickade (ID 82, 83)" in lines
    assert "  3 välkomstbrev skickade (ID 7, 19, 40); väntar till nästa körning: ID 2, 30" in lines
    assert "  personuppgifter raderade: ID 1, 9" in lines
