"""The double introduction, the alternatives, and the move to Uppföljning."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import AppendRow, SetCells
from tests.support import (
    TODAY,
    deliveries_of,
    make_config,
    newcomer,
    plan_of,
    statuses_of,
)

DAY = dt.timedelta(days=1)


def test_a_referral_sends_the_double_introduction_to_the_right_addresses(config: Config) -> None:
    row = newcomer(1, welcome=TODAY - 3 * DAY, call=TODAY, referred_to=" centrumgruppen ")
    (intro,) = deliveries_of(plan_of(config, newcomers=[row]), "introduction")
    assert intro.stamp == "introduction"
    assert [(letter.kind, letter.to_address) for letter in intro.letters] == [
        ("introduction_newcomer", "person1@example.se"),
        ("introduction_group", "centrum@example.org"),
    ]
    assert intro.letters[0].group is not None and intro.letters[0].group.name == "Centrumgruppen"


def test_after_the_introduction_the_person_moves_to_followup_and_leaves_intake(
    config: Config,
) -> None:
    row = newcomer(
        1,
        welcome=TODAY - 3 * DAY,
        call=TODAY - DAY,
        referred_to="Centrumgruppen",
        note="ring kvällar",
    )
    (intro,) = deliveries_of(plan_of(config, newcomers=[row]), "introduction")
    copy, erase = intro.on_sent
    assert isinstance(copy, AppendRow) and copy.tab == "followups"
    copied = dict(copy.values)
    assert copied["id"] == 1 and copied["email"] == "person1@example.se"
    assert copied["referred_to"] == "Centrumgruppen"
    assert copied["referred"] == TODAY
    assert copied["follow_up_from"] == TODAY + dt.timedelta(weeks=8)
    assert copied["follow_up_by"] == TODAY + dt.timedelta(weeks=10)
    assert copied["note"] == "ring kvällar"
    assert erase == SetCells(
        "newcomers",
        1,
        tuple((name, None) for name in ("name", "email", "phone", "town", "interests", "note")),
    )


def test_an_alternative_sends_the_alternatives_letter_with_the_chosen_one(config: Config) -> None:
    row = newcomer(1, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="blixtaktion")
    (letter_delivery,) = deliveries_of(plan_of(config, newcomers=[row]), "alternatives")
    (letter,) = letter_delivery.letters
    assert letter.kind == "alternatives" and letter.chosen is not None
    assert letter.chosen.value == "Blixtaktioner"


def test_an_unknown_group_sends_nothing_and_suggests_the_closest_name(config: Config) -> None:
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Centrumgrupen")
    p = plan_of(config, newcomers=[row])
    assert deliveries_of(p, "introduction") == []
    assert any("Menar du 'Centrumgruppen'?" in flag.text for flag in p.problems)


def test_an_inactive_group_or_one_without_contact_email_gets_no_introduction(
    config: Config,
) -> None:
    groups = [
        {"group": "Vilande", "contact": "A", "email": "vilande@example.org", "active": "nej"},
        {"group": "Utanadress", "contact": "B", "email": "", "active": "ja"},
    ]
    rows = [
        newcomer(1, call=TODAY, referred_to="Vilande"),
        newcomer(2, call=TODAY, referred_to="utanadress"),
    ]
    p = plan_of(config, newcomers=rows, groups=groups)
    assert deliveries_of(p, "introduction") == []
    texts = " ".join(flag.text for flag in p.problems)
    assert "'Vilande' är inte aktiv" in texts and "'Utanadress' saknar giltig e-post" in texts


def test_an_introduction_done_by_a_run_that_stopped_is_finished_without_sending(
    config: Config,
) -> None:
    row = newcomer(
        1,
        welcome=TODAY - 9 * DAY,
        call=TODAY - 2 * DAY,
        referred_to="Centrumgruppen",
        introduction=TODAY - DAY,
    )
    p = plan_of(config, newcomers=[row])
    assert deliveries_of(p) == []
    (copy,) = [c for c in p.changes if c.tab == "followups"]
    assert isinstance(copy, AppendRow) and dict(copy.values)["referred"] == TODAY - DAY
    assert any(
        isinstance(c, SetCells) and c.tab == "newcomers" and dict(c.values)["email"] is None
        for c in p.changes
    )


def test_a_note_typed_into_a_finished_row_is_erased_and_never_copied_over_the_followup(
    config: Config,
) -> None:
    finished = newcomer(
        1,
        welcome=TODAY - 30 * DAY,
        call=TODAY - 25 * DAY,
        referred_to="Centrumgruppen",
        introduction=TODAY - 24 * DAY,
        name=None,
        email=None,
        phone=None,
        note="Kim, 070-1740611",
    )
    erased_followup = {
        "id": 1,
        "referred_to": "Centrumgruppen",
        "result": "Aktiv",
        "erased": TODAY - 3 * DAY,
    }
    p = plan_of(config, newcomers=[finished], followups=[erased_followup])
    assert [c.tab for c in p.changes] == ["newcomers"]
    change = p.changes[0]
    assert isinstance(change, SetCells) and dict(change.values)["note"] is None
    assert p.problems == ()


@given(ahead=st.integers(min_value=1, max_value=31), typed=st.sampled_from(["date", "iso", "d/m"]))
@settings(deadline=None, max_examples=40)
def test_a_call_typed_for_a_day_to_come_sends_nothing_and_asks_for_the_day_it_was_made(
    ahead: int, typed: str
) -> None:
    """`Samtal` 14/12 typed on 13/12 has not happened: no letter thanks for the talk, the row
    says why, and the day it comes the introduction goes."""
    config = make_config(Path(tempfile.mkdtemp()))
    day = TODAY + ahead * DAY
    cell = {"date": day, "iso": day.isoformat(), "d/m": f"{day.day}/{day.month}"}[typed]
    for referred_to in ("Centrumgruppen", "Blixtaktioner"):
        row = newcomer(1, welcome=TODAY - 3 * DAY, call=cell, referred_to=referred_to)
        p = plan_of(config, newcomers=[row])
        assert p.deliveries == ()
        assert any(
            f.row_id == 1 and f.text.startswith("Rätta Samtal: dagen har inte kommit än")
            for f in p.problems
        )
        assert len(plan_of(config, day, newcomers=[row]).deliveries) == 1
        status = str(dict(statuses_of(config, newcomers=[row])[0].values)["status"])
        assert "skickas vid nästa körning" not in status
