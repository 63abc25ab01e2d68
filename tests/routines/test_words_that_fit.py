"""No "1 <plural>" anywhere a coordinator reads: the output of a demo run and of the weekly run,
the weekly summary and the training coordinator's letter (both parts, Swedish and English),
every Status of the workbook and Logg's details. And a weekly summary whose every count is 1."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Letter, Shared
from medlemsrutiner.reports.statistics import Counts, Row, Statistics
from medlemsrutiner.reports.weekly import Health, Trainings, Week, sample_summary
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import write_demo
from medlemsrutiner.routines.weekly import run_weekly
from medlemsrutiner.sheet.letter_kinds import delivery_kinds
from medlemsrutiner.wording import NOUNS
from tests.routines.weekly_mail import TRAINER, part
from tests.support import NOW, REPO, TODAY, make_config, read_outbox

PLURALS = {
    plural
    for noun in (*NOUNS.values(), *(kind.noun for kind in delivery_kinds()))
    for one, plural in ((noun.one, noun.many), (noun.one_en, noun.many_en))
    if one != plural
}
"""Every plural the routine writes after a count (`rader`, `introduktioner`, `follow-ups`)."""

LOOKS_PLURAL = {
    "sv": re.compile(r"(?<![\d.,:/–-])1 ([a-zåäö-]+(?:ar|er|or|na|ade|ande|da|ta))\b"),
    "en": re.compile(r"(?<![\d.,:/–-])1 ([a-z-]+s)\b"),
}
"""`1 ` before a word with a plural ending of the language: a count the helper missed."""
SINGULAR_ENDINGS = {"har", "väntar", "has", "is", "was"}
"""Words after `1 ` that end like a plural and are not one."""


def one_with_a_plural(texts: Iterable[str], language: str = "sv") -> list[str]:
    """Every `1 <plural>` in `texts` (in `language`), with the text around it (each once)."""
    found: set[str] = set()
    for text in texts:
        for plural in PLURALS:
            for match in re.finditer(rf"(?<![\d.,:/–-])1 {re.escape(plural)}\b", text):
                found.add(text[max(0, match.start() - 30) : match.end() + 10])
        for match in LOOKS_PLURAL[language].finditer(text):
            if match[1] not in SINGULAR_ENDINGS:
                found.add(text[max(0, match.start() - 30) : match.end() + 10])
    return sorted(found)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(message: EmailMessage) -> list[str]:
    """A letter as a person reads it: subject, plain text, and the HTML part's text."""
    html = _Text()
    html.feed(part(message, "html"))
    return [str(message["Subject"]), part(message, "plain"), " ".join(html.parts)]


def workbook_texts(path: Path) -> list[str]:
    """Every Status of the workbook (Intresserade, Uppföljning, Grupper) and Logg's details."""
    book = openpyxl.load_workbook(path)
    texts: list[str] = []
    for tab, column in (
        ("Intresserade", "Status"),
        ("Uppföljning", "Status"),
        ("Grupper", "Status"),
        ("Logg", "Detalj"),
    ):
        sheet = book[tab]
        header = [cell.value for cell in sheet[1]]
        index = header.index(column)
        texts.extend(
            str(r[index]) for r in sheet.iter_rows(min_row=2, values_only=True) if r[index]
        )
    return texts


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_demo_run_its_weekly_letters_and_the_workbook_never_say_1_with_a_plural(
    tmp_path: Path, language: str
) -> None:
    config = make_config(
        tmp_path,
        language=language,
        workbook={"backend": "xlsx", "path": "demo.xlsx"},
        training_coordinator=TRAINER,
    )
    assert config.workbook.path is not None
    write_demo(config.workbook.path, config, TODAY)
    renderer = Renderer(REPO / "templates")
    outbox = tmp_path / "outbox"
    with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as workbook:
        daily = run_daily(workbook, Outbox(outbox, NOW), renderer, config, TODAY, NOW)
    with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as workbook:
        weekly = run_weekly(workbook, Outbox(outbox, NOW), renderer, config, TODAY, NOW)
    messages = read_outbox(outbox)
    summaries = [m for m in messages if "vecka" in str(m["Subject"]) or "week" in str(m["Subject"])]
    assert len(summaries) == 2  # the summary and the training coordinator's letter
    swedish = [*daily.lines(), *weekly.lines(), *workbook_texts(config.workbook.path)]
    letters = [text for message in summaries for text in visible(message)]
    # The scan finds what it is meant to: the demo has counts of 1 (a group with 1 referred).
    assert any(re.search(r"(?<!\d)1 (hänvisad|referred)\b", text) for text in letters)
    assert one_with_a_plural(swedish) == []
    assert one_with_a_plural(letters, language) == []


def test_the_scan_finds_a_1_before_a_plural() -> None:
    texts = ["Ny grupp: 1 hänvisade, 0 uppföljda", "1 introduktioner", "1 skickade", "1 grupper"]
    assert len(one_with_a_plural(texts)) == 4
    assert one_with_a_plural(["11 rader, 21 introduktioner, 1 rad, 2026-01-01 1 ny har"]) == []
    assert len(one_with_a_plural(["This week: 1 letters sent", "1 groups"], "en")) == 2
    assert one_with_a_plural(["1 newcomer has", "1 letter with the alternatives"], "en") == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_weekly_summary_whose_every_count_is_1_says_each_in_the_singular(
    tmp_path: Path, language: str
) -> None:
    sample = sample_summary(TODAY)
    ones = Counts(1, 1, 1, 1, 1, 1)
    summary = dataclasses.replace(
        sample,
        health=Health(None, False, 1, 1, 1),
        week=Week(1, {kind.name: 1 for kind in delivery_kinds()}, 1, 1),
        statistics=Statistics(
            (Row("Senaste 12 mån", "Exempelgruppen", ones, alert=True),),
            sample.statistics.recent_quarters,
            ("Exempelgruppen",),
        ),
        trainings=Trainings(TODAY, (), 1, TODAY, True, True, 1),
        min_followups=1,
    )
    config = make_config(tmp_path, language=language, training_coordinator=TRAINER)
    renderer = Renderer(REPO / "templates")
    texts = []
    for kind, extra in (
        ("weekly_summary", (("summary", summary), ("chart", "chart"))),
        ("training_summary", (("summary", summary.trainings),)),
    ):
        letter = Letter(kind, language, "kim@example.org", "Kim", extra=extra)
        email = build(renderer, letter, Shared({}, ()), config, NOW, f"test-{kind}")
        texts.extend(visible(email.message))
    assert one_with_a_plural(texts, language) == []
    expected = (
        ["1 ny intresserad", "1 introduktion", "1 uppföljning gjord", "1 raderad", "1 hänvisad"]
        if language == "sv"
        else ["1 new person", "1 introduction", "1 follow-up done", "1 erased", "1 referred"]
    )
    assert all(any(words in text for text in texts) for words in expected), texts
