"""The shipped templates state no period of their own and no vague distance in time: a period
comes from the config (`routine`) through `language.period` / `language.weeks_between`, and a
past event is dated by `language.past_day`, so changing the config changes every letter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import REPO

TEMPLATES = sorted(path for path in (REPO / "templates").rglob("*") if path.is_file())

NUMBER_WORDS = (
    # Swedish
    "en", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
    "tolv", "femton", "tjugo", "några", "par",
    # English
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "few", "couple", "several",
)  # fmt: skip
UNITS = (
    "dag", "dagar", "dagen", "dagarna", "dygn", "vecka", "veckor", "veckan", "veckorna",
    "månad", "månader", "månaden", "månaderna",
    "day", "days", "week", "weeks", "fortnight", "month", "months",
)  # fmt: skip
_WORD = "|".join(NUMBER_WORDS)
PERIOD_IN_WORDS = re.compile(
    rf"\b(?:{_WORD})\b(?:\s+(?:till|to|or|eller|och|and|à)\s+\b(?:{_WORD})\b)?"
    rf"(?:\s+(?:of|av))?\s+\b(?:{'|'.join(UNITS)})\b",
    re.IGNORECASE,
)
VAGUE_PAST = re.compile(
    r"\b(?:häromdagen|härom dagen|nyligen|nyss|i går|igår|i förrgår|förra veckan|för ett tag "
    r"sedan|the other day|recently|yesterday|last week|a while ago|lately)\b",
    re.IGNORECASE,
)


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_scan_finds_what_it_is_meant_to_find() -> None:
    for written in (
        "Inom en vecka ringer jag",
        "Om åtta till tio veckor",
        "within a week",
        "In eight to ten weeks",
        "inom tre dagar",
        "inom en månad",
        "a couple of days",
    ):
        assert PERIOD_IN_WORDS.search(written), written
    for fine in ("Det tar en minut", "It takes a minute", "varje vecka", "8–10 veckor"):
        assert not PERIOD_IN_WORDS.search(fine), fine
    assert VAGUE_PAST.search("prata med mig häromdagen")
    assert VAGUE_PAST.search("talk with me the other day")


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_no_template_writes_a_number_of_days_or_weeks_in_words(template: Path) -> None:
    found = PERIOD_IN_WORDS.findall(template.read_text(encoding="utf-8"))
    assert found == [], f"{_name(template)}: a period in words, take it from `routine`: {found}"


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_no_template_speaks_of_the_past_without_its_real_distance(template: Path) -> None:
    found = VAGUE_PAST.findall(template.read_text(encoding="utf-8"))
    assert found == [], f"{_name(template)}: date it with past_day, or leave it out: {found}"
