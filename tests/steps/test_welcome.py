"""The welcome letter: once, on time, to a valid address, never before the start date."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medlemsrutiner.config import Config
from tests.support import (
    TODAY,
    deliveries_of,
    make_config,
    newcomer,
    plan_of,
    status_of,
)

DAY = dt.timedelta(days=1)


def test_a_new_person_with_a_valid_email_gets_a_welcome_letter(config: Config) -> None:
    (welcome,) = deliveries_of(plan_of(config, newcomers=[newcomer(1)]), "welcome")
    assert welcome.stamp == "welcome"
    assert [letter.to_address for letter in welcome.letters] == ["person1@example.se"]
    assert welcome.letters[0].kind == "welcome"


def test_the_welcome_letter_is_sent_only_once(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, welcome=TODAY - DAY)])
    assert deliveries_of(p, "welcome") == []


def test_rows_registered_before_the_start_date_are_never_welcomed(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, registered=dt.date(2025, 12, 31))])
    assert deliveries_of(p) == []


def test_a_sending_marker_left_by_a_killed_run_is_never_resent(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, welcome="Skickar… 2026-11-23 07:00")])
    assert deliveries_of(p) == []
    assert any("avbröts" in flag.text for flag in p.flags)


def test_a_person_typed_note_in_the_stamp_cell_holds_the_letter(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, welcome="skickat för hand")])
    assert deliveries_of(p) == []


def test_an_invalid_email_flags_the_row_and_sends_nothing(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, email="person1(at)example.se")])
    assert deliveries_of(p) == []
    (flag,) = p.problems
    assert flag.row_id == 1 and "E-post" in flag.text
    assert "person1" not in flag.text


def test_the_address_is_trimmed_its_domain_normalised_and_its_local_part_kept(
    config: Config,
) -> None:
    (welcome,) = deliveries_of(
        plan_of(config, newcomers=[newcomer(1, email="  Person1@Example.SE ")])
    )
    assert welcome.letters[0].to_address == "Person1@example.se"


@pytest.mark.parametrize(
    ("typed", "sent_to"),
    [
        ("kim@straße.de", "kim@straße.de"),  # casefolding would make it strasse.de
        ("x@σίσυφος.gr", "x@σίσυφος.gr"),  # and the final sigma a σ
        ("Kim <KIM@ÅRE.example>", "KIM@åre.example"),
    ],
)
def test_international_addresses_are_sent_to_as_typed(
    config: Config, typed: str, sent_to: str
) -> None:
    (welcome,) = deliveries_of(plan_of(config, newcomers=[newcomer(1, email=typed)]))
    assert welcome.letters[0].to_address == sent_to


def test_duplicates_are_found_whatever_the_case(config: Config) -> None:
    rows = [newcomer(1, email="Kim@Example.se"), newcomer(2, email="kim@example.SE")]
    plan = plan_of(config, newcomers=rows)
    assert [d.row_id for d in deliveries_of(plan, "welcome")] == [1]
    assert any("Dubblett av ID 1" in flag.text for flag in plan.flags)


def test_welcome_is_overdue_after_three_days(config: Config) -> None:
    # An address that cannot be used keeps the letter unsent, so the deadline shows.
    on_time = newcomer(1, registered=TODAY - 3 * DAY, email="x")
    late = newcomer(1, registered=TODAY - 4 * DAY, email="x")
    assert "Välkomstbrev ej skickat (senast 2026-11-24)." in status_of(
        config, 1, newcomers=[on_time]
    )
    assert "FÖRSENAT" not in status_of(config, 1, newcomers=[on_time])
    assert "FÖRSENAT: Välkomstbrev ej skickat (senast 2026-11-23)." in status_of(
        config, 1, newcomers=[late]
    )


def test_a_person_who_declined_gets_no_welcome_letter(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, call=TODAY, referred_to="Avböjt")])
    assert deliveries_of(p) == []


def test_the_language_column_chooses_english_letters(config: Config) -> None:
    (welcome,) = deliveries_of(plan_of(config, newcomers=[newcomer(1, language=" EN ")]))
    assert welcome.letters[0].language == "en"


def test_an_unknown_language_falls_back_to_swedish_and_is_flagged(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(1, language="fi")])
    assert deliveries_of(p)[0].letters[0].language == "sv"
    assert any("Språk" in flag.text for flag in p.problems)


def _contact(config: Config, **cells: Any) -> tuple[str, str]:
    (welcome,) = deliveries_of(plan_of(config, newcomers=[newcomer(1, **cells)]), "welcome")
    extra = dict(welcome.letters[0].extra)
    return str(extra["contact"]), str(extra["group_name"])


def test_a_welcome_before_the_call_promises_the_call(config: Config) -> None:
    assert _contact(config) == ("none", "")


def test_a_welcome_after_a_recorded_call_says_thank_you_for_the_talk(config: Config) -> None:
    assert _contact(config, call=TODAY - DAY) == ("called", "")
    assert _contact(config, call=TODAY) == ("called", "")


def test_a_welcome_going_out_with_the_introduction_tells_of_the_introduction(
    config: Config,
) -> None:
    assert _contact(config, call=TODAY, referred_to="Centrumgruppen") == (
        "introduction",
        "Centrumgruppen",
    )
    assert _contact(config, referred_to="Centrumgruppen") == ("introduction", "Centrumgruppen")
    assert _contact(config, call=TODAY, referred_to="Webbaktioner")[0] == "alternatives"


def test_a_welcome_after_a_call_that_did_not_reach_the_person_asks_them_to_get_in_touch(
    config: Config,
) -> None:
    assert _contact(config, referred_to="Ej nådd") == ("not_reached", "")


def test_a_welcome_whose_group_cannot_be_introduced_today_only_thanks_for_the_call(
    config: Config,
) -> None:
    assert _contact(config, call=TODAY, referred_to="Okändagruppen") == ("called", "")


@given(
    blank=st.sampled_from([None, "", "  ", "\u200b"]),
    phone=st.sampled_from(["070-174 06 32", "0701740632", "+46 70 174 06 32"]),
    days=st.integers(min_value=0, max_value=20),
)
@settings(deadline=None, max_examples=30)
def test_a_person_who_left_only_a_phone_is_called_and_nothing_is_to_correct(
    blank: str | None, phone: str, days: int
) -> None:
    """No address at all, but a phone: nothing to correct (no problem, so the run's code stays
    0 and the summary lists no row to fix), and Status never calls the welcome letter overdue:
    it says none goes and to ask for an address on the phone, beside when to call. Without a
    phone too, the row still asks for an address."""
    config = make_config(Path(tempfile.mkdtemp()))
    row = newcomer(1, registered=TODAY - days * DAY, email=blank, phone=phone)
    p = plan_of(config, newcomers=[row])
    assert deliveries_of(p) == [] and p.problems == ()
    status = status_of(config, 1, newcomers=[row])
    assert status.startswith("Ingen e-post: inget välkomstbrev. Fråga efter en adress")
    assert "Välkomstbrev ej skickat" not in status and "Fyll i" not in status
    nothing = plan_of(config, newcomers=[newcomer(1, email=blank, phone=blank)])
    assert any(f.text.startswith("Fyll i E-post") for f in nothing.problems)
