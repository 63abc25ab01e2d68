"""The daily run's report: exit code 1 for rows exactly when the to-do list has a line under
"rätta eller kontrollera" — for every kind of problem the steps flag and every state of a stamp
cell (tables of real daily runs, one per kind), in a real run and a dry run; a line per delivery
kind of the registry, group reminders by the group's name; the rows that get no welcome letter
on purpose named the day they appear; and the count lines' IDs in ascending order."""

from __future__ import annotations

import ast
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.plan import Delivery, DeliveryVerdict, Letter
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet.letter_kinds import DeliveryKind, LetterKind, StampColumn
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Column, Owner
from medlemsrutiner.sheet.stamp_words import Said
from medlemsrutiner.wording import SENT, Noun, count
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
    # steps/formulas.py: a formula in a cell of Grupper, Utbildningar or Texter a letter shows.
    Case(
        "group cell with a formula",
        "formulas.py",
        {"groups": _group(meets='=A1&" kl. 18"')},
        "Grupper rad 4: Rätta Träffas: cellen innehåller en formel",
    ),
    Case(
        "training cell with a formula",
        "formulas.py",
        {"trainings": [{"date": TODAY + 10 * DAY, "title": "=B2"}]},
        "Utbildningar rad 2: Rätta Titel: cellen innehåller en formel",
    ),
    Case(
        "Texter cell with a formula",
        "formulas.py",
        {"texts": [{"key": "lokal_information", "text": "=Blad2!A1"}]},
        "Texter rad 2: Rätta Text: cellen innehåller en formel",
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
        "intake E-post and Telefon blank",
        "daily.py",
        {"newcomers": [newcomer(5, email="", phone="")]},
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


def run(case: Case, tmp_path: Path, *, dry_run: bool = False, **config: Any) -> DailyReport:
    grids = workbook_grids(**case.tabs)
    for key, headers in case.headers.items():
        tab = TABS_BY_KEY[key]
        grids[tab.default_name] = grid(key, case.tabs.get(key, []), headers)
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    return run_on(workbook, make_config(tmp_path, **config), NOW, dry_run=dry_run)


def run_on(
    workbook: MemoryWorkbook, config: Config, now: dt.datetime, *, dry_run: bool = False
) -> DailyReport:
    """One daily run on `workbook` at `now`."""
    with workbook:
        return run_daily(
            workbook,
            Outbox(config.mail.outbox, now),
            Renderer(REPO / "templates"),
            config,
            now.date(),
            now,
            dry_run=dry_run,
        )


def todo_lines(report: DailyReport) -> list[str]:
    lines = report.lines()
    return lines[lines.index("Att göra:") + 1 :] if "Att göra:" in lines else []


def fix_lines(report: DailyReport) -> list[str]:
    """The lines under "rätta eller kontrollera"."""
    return [line for line in todo_lines(report) if line.startswith("    ")]


def assert_the_exit_code_follows_the_list(report: DailyReport) -> None:
    """With nothing else wrong in the run: 1 exactly when something is to correct or check,
    and then the closing line says so."""
    assert report.failed == {} and report.stopped is None and report.write_error is None
    lines = report.lines()
    fixes = fix_lines(report)
    headed = [line for line in todo_lines(report) if line.startswith("  rätta eller kontrollera")]
    assert headed == ([f"  rätta eller kontrollera: {len(fixes)}"] if fixes else [])
    assert report.exit_code == (1 if fixes else 0), fixes
    closing = [line for line in lines if line.startswith("Körningen är klar, men")]
    assert closing == ([lines[-1]] if fixes else [])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_exit_code_1_for_a_row_comes_with_its_line_in_the_to_do_list(
    case: Case, tmp_path: Path
) -> None:
    report = run(case, tmp_path)
    assert report.failed == {} and report.stopped is None and report.write_error is None
    assert any(flag.problem for flag in report.flags), "the case must raise a problem flag"
    assert_the_exit_code_follows_the_list(report)
    lines = report.lines()
    fixes = fix_lines(report)
    if case.todo is None:
        assert report.exit_code == 0 and fixes == []
        assert not any(line.startswith("Körningen är klar, men") for line in lines)
    else:
        assert report.exit_code == 1
        assert any(case.todo in line for line in fixes), fixes
        assert lines[-1].startswith("Körningen är klar, men något behöver dig: se listan ovan")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_dry_run_lists_what_the_run_would_and_exits_as_it_would(
    case: Case, tmp_path: Path
) -> None:
    preview = run(case, tmp_path / "dry", dry_run=True)
    real = run(case, tmp_path / "real")
    assert_the_exit_code_follows_the_list(preview)
    assert (fix_lines(preview), preview.exit_code) == (fix_lines(real), real.exit_code)


def test_a_flag_on_a_row_without_an_id_is_named_once(tmp_path: Path) -> None:
    training = Case(
        "training", "district.py", {"trainings": [{"date": "nästa vecka", "title": "Grund"}]}, ""
    )
    unnumbered = Case("unnumbered", "followup.py", {"followups": [{**FOLLOWED, "id": None}]}, "")
    assert fix_lines(run(training, tmp_path / "a", dry_run=True)) == [
        "    Utbildningar rad 2, Datum: datumet går inte att läsa; skriv t.ex. 2026-11-03, "
        "3/11/2026 eller 3 nov 2026."
    ]
    assert fix_lines(run(unnumbered, tmp_path / "b", dry_run=True))[0].startswith(
        "    Uppföljning rad 2: Rätta ID"
    )


def test_the_closing_line_points_at_status_only_when_a_row_of_a_tab_with_status_is_listed(
    tmp_path: Path,
) -> None:
    only_training = Case("", "", {"trainings": [{"date": "nästa vecka", "title": "Grund"}]}, "")
    only_group = Case("", "", {"groups": _group(active="kanske")}, "")
    a_newcomer = Case("", "", {"newcomers": [newcomer(5, email="fel")]}, "")
    ends = [run(case, tmp_path / str(i)).lines()[-1] for i, case in enumerate(
        (only_training, only_group, a_newcomer)
    )]  # fmt: skip
    assert ends == [
        "Körningen är klar, men något behöver dig: se listan ovan.",
        "Körningen är klar, men något behöver dig: se listan ovan.",
        "Körningen är klar, men något behöver dig: se listan ovan och Status i arbetsboken.",
    ]


MARKER = "Skickar… 2026-11-23 07:00"
REFUSED = stamps.error(TODAY - DAY, "550 okänd mottagare")
CALLED: dict[str, Any] = {
    "welcome": TODAY - 3 * DAY,
    "call": TODAY - DAY,
    "referred_to": "Centrumgruppen",
}
NOT_ACTIVE = {**FOLLOWED, "result": "Inte aktiv"}
STAMPS: dict[Said, list[Case]] = {
    # A stamp cell a person must check or correct: a line under "rätta eller kontrollera".
    Said.MARKER: [
        Case("", "", {"newcomers": [newcomer(5, welcome=MARKER)]}, "ID 5: KONTROLLERA"),
        Case("", "", {"followups": [{**NOT_ACTIVE, "reengagement": MARKER}]}, "ID 20: KONTROLLERA"),
    ],
    Said.REFUSED: [
        Case("", "", {"newcomers": [newcomer(5, welcome=REFUSED)]}, "ID 5: Välkomstbrev ej"),
        Case(
            "",
            "",
            {"followups": [{**NOT_ACTIVE, "reengagement": REFUSED}]},
            "ID 20: Återvärvningsbrev ej skickat",
        ),
    ],
    Said.PARTLY_FAILED: [
        Case(
            "",
            "",
            {
                "newcomers": [
                    newcomer(
                        5,
                        **CALLED,
                        introduction=stamps.partial(TODAY - DAY, ["introduction_group"], "550"),
                    )
                ]
            },
            "ID 5: Introduktion gick bara delvis iväg",
        )
    ],
    Said.UNREADABLE: [
        Case("", "", {"newcomers": [newcomer(5, welcome=1)]}, "ID 5: Rätta Välkomstbrev"),
        Case("", "", {"followups": [{**NOT_ACTIVE, "reengagement": 1}]}, "ID 20: Rätta"),
    ],
    # Not sent on purpose: a notice in Status, nothing to do. (A duplicate's row is listed for
    # its Dubblett problem: see CASES.)
    Said.NOT_SENT: [
        Case("", "", {"newcomers": [newcomer(5, welcome=stamps.existed_before_start())]}, None)
    ],
    # Sent, or half-way (the rest goes with the next run): nothing to do.
    Said.SENT: [Case("", "", {"newcomers": [newcomer(5, welcome=TODAY - DAY)]}, None)],
    Said.PARTIAL: [
        Case(
            "",
            "",
            {
                "newcomers": [
                    newcomer(
                        5,
                        **CALLED,
                        introduction=stamps.partial(TODAY - DAY, ["introduction_group"]),
                    )
                ]
            },
            None,
        )
    ],
}


def test_every_state_of_a_stamp_cell_has_a_case() -> None:
    assert set(STAMPS) == set(Said), "a state was added: say whether it is something to do"


@pytest.mark.parametrize(
    ("said", "case"),
    [(said, case) for said, cases in STAMPS.items() for case in cases],
    ids=[f"{said.value}-{i}" for said, cases in STAMPS.items() for i in range(len(cases))],
)
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry run"])
def test_a_stamp_cell_that_asks_a_person_makes_the_exit_code_1_with_its_line(
    said: Said, case: Case, dry_run: bool, tmp_path: Path
) -> None:
    """Found on a later day (a stopped send, a refused letter, a cell typed wrong): the line
    and the code agree, every day until a person deals with it."""
    report = run(case, tmp_path, dry_run=dry_run)
    assert_the_exit_code_follows_the_list(report)
    if case.todo is None:
        assert report.exit_code == 0
    else:
        assert any(case.todo in line for line in fix_lines(report)), fix_lines(report)


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
        {"district.py": 7, "records.py": 1, "followup.py": 1, "daily.py": 2, "formulas.py": 1}
    ), "a Flag was added or removed: add a case"
    cases = Counter(case.module for case in CASES if case.todo is not None)
    for module, made in constructions.items():
        assert cases[module] >= made, module


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


def test_the_letter_lines_follow_the_routine_in_the_registrys_order() -> None:
    """Welcome letters first, then introductions, … as the registry lists the kinds (and the
    guide shows them), never sorted by a word a coordinator never sees."""
    names = [kind.name for kind in letter_kinds.delivery_kinds()]
    report = DailyReport(today=TODAY, dry_run=False)
    report.sent = {name: [1] for name in reversed(names)}
    nouns = [kind.noun for kind in letter_kinds.delivery_kinds()]
    lines = [line for line in report.lines() if line.startswith("  1 ")]
    assert lines == [f"  {count(1, noun, participle=SENT)} (ID 1)" for noun in nouns]


GROUP_THANKS = LetterKind(
    "group_thanks",
    "group",
    ("group",),
    "Tack till gruppen",
    DeliveryKind(
        "group_thanks",
        StampColumn(
            "groups",
            "thanked",
            "Thank-you letter",
            adds=Column("thanked", "Tackad", Owner.SCRIPT, required=False, kind="date"),
        ),
        "tack till grupp",
        Noun("tack till grupp", "tack till grupper", "thanks", "thanks", neuter=True),
    ),
)
"""A kind added from outside, to a group (Grupper has no IDs: its rows go by name)."""


def _delivery(kind: DeliveryKind, row_id: int) -> Delivery:
    """A delivery of `kind` to the row with `row_id`, or in Grupper to Studentgruppen."""
    in_groups = kind.stamp.tab == "groups"
    letter = Letter(kind.name, "sv", "a@example.org", "Testa Person")
    return Delivery(
        tab=kind.stamp.tab,
        row_id=None if in_groups else row_id,
        stamp=kind.stamp.column,
        letters=(letter,),
        due_since=TODAY,
        kind=kind.name,
        key=(("group", "Studentgruppen"),) if in_groups else (),
    )


@pytest.mark.parametrize("verdict", ["sent", "failed", "waiting"])
def test_every_delivery_kind_of_the_registry_has_its_line_with_whom_it_was_for(
    verdict: DeliveryVerdict,
) -> None:
    with letter_kinds.registered(GROUP_THANKS):
        kinds = letter_kinds.delivery_kinds()
        report = DailyReport(today=TODAY, dry_run=False)
        for number, kind in enumerate(kinds, start=7):
            report.add(verdict, _delivery(kind, number))
        lines = report.lines()
        for number, kind in enumerate(kinds, start=7):
            whom = "Studentgruppen" if kind.stamp.tab == "groups" else f"ID {number}"
            said = count(int(verdict == "sent"), kind.noun, participle=SENT)
            mine = [line for line in lines if line.startswith(f"  {said}")]
            assert len(mine) == 1 and whom in mine[0], (kind.name, lines)
    assert "  inga brev att skicka" not in lines
    assert report.exit_code == (1 if verdict == "failed" else 0)


def test_a_run_whose_only_letter_goes_to_a_group_says_so(tmp_path: Path) -> None:
    unconfirmed = Case("", "", {"groups": _group(group="Studentgruppen", confirmed=None)}, None)
    for dry_run, done in ((True, "skulle skickas"), (False, "skickad")):
        report = run(unconfirmed, tmp_path / str(dry_run), dry_run=dry_run)
        lines = report.lines()
        assert [email.label for email in report.emails] == ["Grupp-Studentgruppen-group_reminder"]
        assert f"  1 påminnelse till grupp {done} (Studentgruppen)" in lines
        assert "  inga brev att skicka" not in lines
        preview = [line for line in lines if line.startswith("  breven finns i ")]
        assert len(preview) == dry_run


def test_rows_that_get_no_welcome_letter_on_purpose_are_named_the_day_they_appear(
    tmp_path: Path,
) -> None:
    """Day one of a district: people typed in before the start date, and a row without a date
    that was there before the very first run."""
    start = TODAY - DAY
    day_one = Case(
        "",
        "",
        {
            "newcomers": [
                newcomer(None, registered="20/11", email="a@example.se"),
                newcomer(None, registered=TODAY - 2 * DAY, email="b@example.se"),
                newcomer(None, registered=None, email="c@example.se"),
                newcomer(None, registered=start, email="d@example.se"),
            ],
            "log": [],
        },
        None,
    )
    report = run(day_one, tmp_path, start_date=start)
    notices = [line for line in report.lines() if line.startswith("  inget välkomstbrev")]
    assert notices == [
        "  inget välkomstbrev till dem som registrerats före startdatum 2026-11-23 (ID 1, 2): "
        "ändra start_date i konfigurationen om de ska få ett",
        "  inget välkomstbrev till rader som fanns före första körningen (ID 3): töm "
        "Välkomstbrev på raden om brevet ska skickas",
    ]
    assert "  1 välkomstbrev skickat (ID 4)" in report.lines()


def test_the_notice_is_given_once_the_day_the_rows_appear(tmp_path: Path) -> None:
    config = make_config(tmp_path, start_date=TODAY)
    workbook = MemoryWorkbook(
        workbook_grids(newcomers=[newcomer(None, registered=TODAY - DAY)]), TAB_NAMES
    )
    seen = []
    for now in (NOW, NOW + DAY):
        report = run_on(workbook, config, now)
        seen.append([line for line in report.lines() if "inget välkomstbrev" in line])
    assert [len(lines) for lines in seen] == [1, 0]
    assert "(ID 1)" in seen[0][0]
