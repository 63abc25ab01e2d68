"""Words that fit (medlemsrutiner/wording.py): every noun after 0, 1, 2 and 5 in both languages,
participles that agree with what they follow, and date ranges as a person writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.sheet.letter_kinds import INTRODUCTION, WELCOME, delivery_kinds
from medlemsrutiner.wording import (
    ERASED,
    NOUNS,
    SENT,
    WOULD_BE_SENT,
    Noun,
    count,
    date_range,
    word,
)

EVERY_NOUN = [*NOUNS.items(), *((f"delivery {k.name}", k.noun) for k in delivery_kinds())]


@pytest.mark.parametrize(("name", "noun"), EVERY_NOUN, ids=[name for name, _ in EVERY_NOUN])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_noun_is_singular_after_1_and_plural_after_0_2_and_5(
    name: str, noun: Noun, language: str
) -> None:
    one, many = (noun.one, noun.many) if language == "sv" else (noun.one_en, noun.many_en)
    assert [count(n, noun, language) for n in (0, 1, 2, 5)] == [
        f"0 {many}",
        f"1 {one}",
        f"2 {many}",
        f"5 {many}",
    ]
    assert word(1, noun, language) == one and word(5, noun, language) == many
    assert one.strip() == one and many.strip() == many and one and many


def test_the_nouns_the_routine_miscounted_before_are_right_now() -> None:
    assert count(1, "row") == "1 rad" and count(3, "row") == "3 rader"
    assert count(1, INTRODUCTION.noun) == "1 introduktion"
    assert count(3, INTRODUCTION.noun) == "3 introduktioner"
    assert count(1, "followup_done") == "1 uppföljning gjord"
    assert count(0, "followup_done") == "0 uppföljningar gjorda"
    assert count(1, "referred") == "1 hänvisad"
    assert count(1, "referred_here") == "1 intresserad är hänvisad hit"
    assert count(2, "referred_here") == "2 intresserade är hänvisade hit"
    assert count(1, "new_person", "en") == "1 new person"
    assert count(4, "new_person", "en") == "4 new people"


def test_a_participle_agrees_with_the_count_and_the_nouns_gender() -> None:
    assert count(1, WELCOME.noun, participle=SENT) == "1 välkomstbrev skickat"  # ett brev
    assert count(1, INTRODUCTION.noun, participle=SENT) == "1 introduktion skickad"  # en
    assert count(3, INTRODUCTION.noun, participle=SENT) == "3 introduktioner skickade"
    assert count(0, WELCOME.noun, participle=SENT) == "0 välkomstbrev skickade"
    assert count(1, "form_answer", participle=ERASED) == "1 formulärsvar raderat"
    assert count(1, "row", participle=ERASED) == "1 rad raderad"
    assert count(1, WELCOME.noun, participle=WOULD_BE_SENT) == "1 välkomstbrev skulle skickas"
    assert count(1, WELCOME.noun, "en", SENT) == "1 welcome letter sent"


def test_a_noun_it_does_not_know_is_an_error_not_a_guess() -> None:
    with pytest.raises(KeyError):
        count(2, "rows")


D = dt.date


@pytest.mark.parametrize(
    ("first", "last", "sv", "en"),
    [
        (D(2026, 12, 7), D(2026, 12, 21), "7–21 dec 2026", "7–21 Dec 2026"),
        (D(2026, 11, 28), D(2026, 12, 5), "28 nov–5 dec 2026", "28 Nov–5 Dec 2026"),
        (D(2026, 12, 28), D(2027, 1, 3), "28 dec 2026–3 jan 2027", "28 Dec 2026–3 Jan 2027"),
        (D(2027, 3, 1), D(2027, 3, 1), "1 mars 2027", "1 Mar 2027"),
        (D(2027, 6, 20), D(2027, 7, 4), "20 juni–4 juli 2027", "20 Jun–4 Jul 2027"),
    ],
)
def test_a_date_range_says_each_month_and_year_once(
    first: dt.date, last: dt.date, sv: str, en: str
) -> None:
    assert date_range(first, last) == sv
    assert date_range(first, last, "en") == en
