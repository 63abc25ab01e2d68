"""Status texts: the call deadline and what is overdue, counted from the recorded dates."""

from __future__ import annotations

import datetime as dt

from medlemsrutiner.config import Config
from tests.support import (
    TODAY,
    newcomer,
    status_of,
)

DAY = dt.timedelta(days=1)


def test_status_shows_the_call_deadline_a_week_after_registration(config: Config) -> None:
    status = status_of(config, 1, newcomers=[newcomer(1, welcome=TODAY)])
    assert "Ring senast 2026-12-01." in status


def test_the_call_is_overdue_after_seven_days(config: Config) -> None:
    registered = TODAY - 8 * DAY
    status = status_of(
        config, 1, newcomers=[newcomer(1, registered=registered, welcome=registered)]
    )
    assert "FÖRSENAT: ring (senast 2026-11-23)." in status


def test_deadlines_count_from_the_registration_not_from_a_late_welcome(config: Config) -> None:
    registered = TODAY - 5 * DAY
    status = status_of(config, 1, newcomers=[newcomer(1, registered=registered, welcome=TODAY)])
    assert "Ring senast 2026-11-26." in status


def test_a_date_that_cannot_be_read_in_registrerad_promises_no_introduction(
    config: Config,
) -> None:
    # Nobody was called or referred: the welcome waits for the date, no introduction is due.
    typed: list[object] = ["imorgon", "1900-01-01", "9999-12-31", True]
    for value in typed:
        row = newcomer(1)
        row["registered"] = value
        status = status_of(config, 1, newcomers=[row])
        assert status.startswith("Rätta Registrerad: "), status
        assert "Välkomstbrev skickas när Registrerad är rättad." in status
        assert "Introduktion" not in status


# --- A finished row says what happened to it ---------------------------------------------------

ERASED = {"name": None, "email": None, "phone": None}


def _erasure_logged(
    row_id: int, day: dt.date, action: str = "uppgifter raderade"
) -> dict[str, object]:
    return {"time": f"{day.isoformat()} 07:00", "action": action, "id": row_id}


def test_an_erased_row_referred_but_never_introduced_claims_no_referral(config: Config) -> None:
    # `På egen hand` typed, but the letter never went (the row was held): erased at 180 days.
    row = newcomer(3, TODAY - 200 * DAY, call=TODAY - 190 * DAY, referred_to="På egen hand",
                   **ERASED)  # fmt: skip
    log = [_erasure_logged(3, TODAY - 20 * DAY)]
    status = status_of(config, 3, newcomers=[row], log=log)
    assert status == f"Inte klar i tid. Personuppgifterna raderade {TODAY - 20 * DAY}."


def test_an_erased_rows_status_names_the_day_logg_recorded_and_no_call_that_was_made(
    config: Config,
) -> None:
    declined = newcomer(1, TODAY - 60 * DAY, call=TODAY - 50 * DAY, referred_to="Avböjt", **ERASED)
    never = newcomer(2, TODAY - 200 * DAY, **ERASED)
    unknown = newcomer(4, TODAY - 200 * DAY, **ERASED)  # erased by hand: no Logg row
    log = [_erasure_logged(1, TODAY - 20 * DAY), _erasure_logged(2, TODAY - 20 * DAY)]
    rows = [declined, never, unknown]
    on = TODAY - 20 * DAY
    assert status_of(config, 1, newcomers=rows, log=log) == (
        f"Avböjt. Personuppgifterna raderade {on}."
    )
    assert status_of(config, 2, newcomers=rows, log=log) == (
        f"Ingen kontakt. Personuppgifterna raderade {on}."
    )
    assert status_of(config, 4, newcomers=rows, log=log) == (
        "Ingen kontakt. Personuppgifterna är raderade."
    )


def test_a_row_erased_on_request_says_so_whatever_stage_it_was_in(config: Config) -> None:
    row = newcomer(5, TODAY - 9 * DAY, welcome=TODAY - 8 * DAY, call=TODAY - 7 * DAY,
                   referred_to="Centrumgruppen", **ERASED)  # fmt: skip
    log = [_erasure_logged(5, TODAY - 2 * DAY, "raderad på begäran")]
    assert status_of(config, 5, newcomers=[row], log=log) == (
        f"Personuppgifterna raderade på begäran {TODAY - 2 * DAY}."
    )


def test_an_erased_duplicate_is_a_duplicate_not_a_referral(config: Config) -> None:
    row = newcomer(6, TODAY - 200 * DAY, welcome="Ej skickat: samma e-post som ID 2",
                   call=TODAY - 190 * DAY, referred_to="Centrumgruppen", **ERASED)  # fmt: skip
    log = [_erasure_logged(6, TODAY - 20 * DAY)]
    assert status_of(config, 6, newcomers=[row], log=log) == (
        f"Var dubblett av ID 2 (samma e-post). Personuppgifterna raderade {TODAY - 20 * DAY}."
    )


def test_a_duplicate_with_a_call_or_referral_says_where_to_write_them(config: Config) -> None:
    original = newcomer(1, TODAY - 9 * DAY, welcome=TODAY - 8 * DAY)
    called = newcomer(2, TODAY - 2 * DAY, email="person1@example.se", call=TODAY,
                      referred_to="På egen hand")  # fmt: skip
    assert status_of(config, 2, newcomers=[original, called]).startswith(
        "Dubblett av ID 1 (samma e-post): inga brev skickas. Skriv Samtal och Hänvisad till på "
        "raden med ID 1 och ta bort den här raden."
    )
