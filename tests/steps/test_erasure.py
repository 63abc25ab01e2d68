"""When personal data is erased, in Intresserade and (for the rule of the last letter)
Uppföljning."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetCells
from tests.support import (
    TODAY,
    default_groups,
    followup_of,
    newcomer,
    plan_of,
    status_of,
    statuses_of,
)

DAY = dt.timedelta(days=1)


def test_declined_personal_data_is_erased_thirty_days_after_the_call(config: Config) -> None:
    call = TODAY - 30 * DAY
    row = newcomer(
        1, registered=call - DAY, welcome=call, call=call, referred_to="avböjt", town="Norrby"
    )
    p_before = plan_of(config, today=TODAY - DAY, newcomers=[row])
    p_on_day = plan_of(config, newcomers=[row])
    assert not any(isinstance(c, SetCells) and c.row_id == 1 for c in p_before.changes)
    (erase,) = [c for c in p_on_day.changes if isinstance(c, SetCells)]
    assert {name for name, value in erase.values if value is None} >= {
        "name",
        "email",
        "phone",
        "town",
    }
    logged = [*p_on_day.log, *p_on_day.log_after_letters]
    assert [e.action for e in logged] == ["uppgifter raderade"]
    assert all("Person1" not in entry.detail for entry in logged)


def test_not_reached_is_understood_however_it_is_typed(config: Config) -> None:
    status = status_of(
        config, 1, newcomers=[newcomer(1, welcome=TODAY, call=TODAY, referred_to=" EJ  NÅDD")]
    )
    assert status.startswith("Ej nådd. Personuppgifterna raderas 2026-12-24.")


def test_a_row_nobody_called_for_ninety_days_is_flagged_and_erased_after_180(
    config: Config,
) -> None:
    stale = newcomer(1, registered=TODAY - 91 * DAY, welcome=TODAY - 90 * DAY)
    assert "Ingen kontakt på 90 dagar" in status_of(config, 1, newcomers=[stale])
    old = newcomer(2, registered=TODAY - 180 * DAY, welcome=TODAY - 179 * DAY)
    assert any(
        isinstance(c, SetCells) and c.row_id == 2 for c in plan_of(config, newcomers=[old]).changes
    )


# --- Every row with personal data has an erasure date, and a flag never postpones it ----------


def _erased_ids(config: Config, today: dt.date = TODAY, **tabs: Any) -> set[int]:
    return {
        c.row_id
        for c in plan_of(config, today, **tabs).changes
        if isinstance(c, SetCells) and dict(c.values).get("email", "x") is None
    }


@pytest.mark.parametrize(
    "cells",
    [
        {"email": "person1@example.se"},  # a duplicate of ID 9 below
        {"call": TODAY - 170 * DAY},  # called, Hänvisad till never filled in
        {"call": TODAY - 170 * DAY, "referred_to": "Centrumgrupen"},  # a misspelt group
        {"call": TODAY - 170 * DAY, "referred_to": "Vilande"},  # an inactive group
        {"email": "inte en adress"},
        {"language": "klingon"},
        {"introduction": "Skickar… 2026-06-01 07:00"},  # left for a person to check
    ],
)
def test_any_intake_row_is_erased_180_days_after_registration_whatever_is_wrong_with_it(
    config: Config, cells: dict[str, Any]
) -> None:
    groups = [*default_groups(), {"group": "Vilande", "contact": "K", "active": "nej"}]
    row = newcomer(1, registered=TODAY - 180 * DAY, welcome=TODAY - 179 * DAY, **cells)
    first = newcomer(9, registered=TODAY - 200 * DAY, email="person1@example.se", consent=TODAY)
    tabs: dict[str, Any] = {"newcomers": [row, first], "groups": groups}
    assert 1 not in _erased_ids(config, TODAY - DAY, **tabs)
    assert "Raderas senast 2026-11-24." in status_of(config, 1, TODAY - DAY, **tabs)
    assert 1 in _erased_ids(config, **tabs)
    assert 9 not in _erased_ids(config, **tabs)  # consent keeps the first row


def test_a_row_whose_erasure_day_has_come_gets_no_letter_with_it(config: Config) -> None:
    row = newcomer(
        1, registered=TODAY - 180 * DAY, welcome=TODAY - 179 * DAY, call=TODAY,
        referred_to="Centrumgruppen",
    )  # fmt: skip
    plan = plan_of(config, newcomers=[row])
    assert plan.deliveries == () and 1 in plan.erased


def test_consent_keeps_the_details_until_its_end_and_not_a_day_longer(config: Config) -> None:
    consent = TODAY - 700 * DAY
    row = newcomer(1, registered=TODAY - 720 * DAY, welcome=TODAY - 719 * DAY, consent=consent)
    end = dt.date(2026, 12, 24)  # 24 months after the consent
    before = end - DAY
    assert 1 not in _erased_ids(config, before, newcomers=[row])
    assert "Samtycke: sparas till 2026-12-24" in status_of(config, 1, before, newcomers=[row])
    assert 1 in _erased_ids(config, end, newcomers=[row])


def test_clearing_the_consent_withdraws_it_and_the_normal_date_applies_at_once(
    config: Config,
) -> None:
    row = newcomer(1, registered=TODAY - 300 * DAY, welcome=TODAY - 299 * DAY)
    assert 1 not in _erased_ids(config, newcomers=[{**row, "consent": TODAY - 300 * DAY}])
    assert 1 in _erased_ids(config, newcomers=[row])


def test_a_consent_that_cannot_be_read_is_flagged_and_gives_no_extra_time(config: Config) -> None:
    row = newcomer(1, registered=TODAY - 180 * DAY, consent="kanske")
    plan = plan_of(config, newcomers=[row])
    assert 1 in plan.erased
    assert any("Rätta Samtycke" in flag.text for flag in plan.flags)
    future = newcomer(2, registered=TODAY - 180 * DAY, consent=TODAY + 30 * DAY)
    assert 2 in plan_of(config, newcomers=[future]).erased


def test_an_unreadable_registration_counts_from_the_day_logg_first_mentions_the_row(
    config: Config,
) -> None:
    row = newcomer(1, registered="någon gång i våras")
    log = [{"time": "2026-05-28 07:00", "action": "ny rad", "id": 1, "detail": "ID tilldelat"}]
    assert "Raderas senast 2026-11-24." in status_of(
        config, 1, TODAY - DAY, newcomers=[row], log=log
    )
    assert 1 in plan_of(config, newcomers=[row], log=log).erased


def test_a_row_with_no_readable_date_at_all_is_remembered_in_logg_from_today(
    config: Config,
) -> None:
    row = newcomer(1, registered="okänt")
    plan = plan_of(config, newcomers=[row])
    assert [e.action for e in plan.log] == ["första gången sedd"]
    assert "Raderas senast 2027-05-23." in status_of(config, 1, newcomers=[row])
    log = [{"time": "2026-11-24 07:00", "action": "första gången sedd", "id": 1}]
    assert plan_of(config, TODAY + DAY, newcomers=[row], log=log).log == ()


def test_a_registration_far_in_the_future_is_a_typo_and_flagged(config: Config) -> None:
    row = newcomer(1, registered=dt.date(2062, 11, 24))
    plan = plan_of(config, newcomers=[row])
    assert any("Rätta Registrerad" in flag.text for flag in plan.flags)
    assert plan.deliveries == ()


# --- Never sooner than `erase_after_result_days` after the last letter to, about or naming ---


def followup_status(config: Config, row_id: int, today: dt.date, **tabs: Any) -> str:
    (change,) = [
        c for c in statuses_of(config, today, **tabs) if c.tab == "followups" and c.row_id == row_id
    ]
    return str(dict(change.values)["status"])


CALLED = dt.date(2026, 11, 26)
TYPED = dt.date(2026, 12, 6)
NOT_ACTIVE = {**followup_of(1, CALLED - 9 * 7 * DAY), "followed_up": CALLED, "result": "Inte aktiv"}
"""Issue 18: Uppföljning `26/11`, Resultat `Inte aktiv`, typed on 6 Dec (erasure due 3 Dec)."""


def test_a_reengagement_letter_due_after_the_erasure_date_keeps_the_data_a_week_after_it(
    config: Config,
) -> None:
    plan = plan_of(config, TYPED, followups=[NOT_ACTIVE])
    assert [d.kind for d in plan.deliveries] == ["reengagement"]
    assert plan.erased == ()  # never written and erased on one day
    assert "Personuppgifterna raderas 2026-12-13." in followup_status(
        config, 1, TYPED, followups=[NOT_ACTIVE]
    )
    sent = {**NOT_ACTIVE, "reengagement": TYPED}
    assert "Personuppgifterna raderas 2026-12-13." in followup_status(
        config, 1, TYPED, followups=[sent]
    )
    assert plan_of(config, TYPED + 6 * DAY, followups=[sent]).erased == ()
    assert plan_of(config, TYPED + 7 * DAY, followups=[sent]).erased == (1,)


def test_a_reengagement_letter_that_failed_leaves_the_normal_date(config: Config) -> None:
    refused = {**NOT_ACTIVE, "reengagement": "Fel 2026-12-06: 550 okänd mottagare"}
    plan = plan_of(config, TYPED, followups=[refused])
    assert plan.erased == (1,) and plan.deliveries == ()


def test_a_reengagement_letter_goes_out_only_while_the_follow_up_is_open(config: Config) -> None:
    closed = {**NOT_ACTIVE, "followed_up": TYPED - 20 * 7 * DAY}  # closed 4 weeks ago
    closed["referred"] = TYPED - 21 * 7 * DAY
    plan = plan_of(config, TYPED, followups=[closed])
    assert plan.erased == (1,) and plan.deliveries == ()


def test_the_first_letter_on_the_last_day_keeps_an_intake_row_a_week(config: Config) -> None:
    # Registered 180 days ago, welcomed yesterday (typed in late): erased 7 days after.
    late = newcomer(1, registered=TODAY - 180 * DAY, welcome=TODAY - DAY)
    declined = newcomer(
        2, registered=TODAY - 50 * DAY, welcome=TODAY - 2 * DAY, call=TODAY - 40 * DAY,
        referred_to="Avböjt",
    )  # fmt: skip
    rows = [late, declined]
    assert "Raderas senast 2026-11-30." in status_of(config, 1, newcomers=rows)
    assert "Personuppgifterna raderas 2026-11-29." in status_of(config, 2, newcomers=rows)
    assert _erased_ids(config, TODAY + 4 * DAY, newcomers=rows) == set()
    assert _erased_ids(config, TODAY + 5 * DAY, newcomers=rows) == {2}
    assert _erased_ids(config, TODAY + 6 * DAY, newcomers=rows) == {1, 2}


def test_a_person_the_weekly_summary_named_is_kept_a_week_after_it(config: Config) -> None:
    # The summary named them while their data was to be kept longer; then a call typed with
    # an earlier date brought the erasure forward: it waits for the summary's week.
    row = newcomer(1, registered=TODAY - 60 * DAY, call=TODAY - 31 * DAY, referred_to="Avböjt")
    log = [{"time": "2026-11-23 08:00", "action": "nämnd i veckosammanfattningen", "id": 1}]
    assert _erased_ids(config, newcomers=[row]) == {1}
    assert _erased_ids(config, newcomers=[row], log=log) == set()
    assert "Personuppgifterna raderas 2026-11-30." in status_of(config, 1, newcomers=[row], log=log)
    assert _erased_ids(config, TODAY + 6 * DAY, newcomers=[row], log=log) == {1}
