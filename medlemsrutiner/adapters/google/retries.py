"""When a request to Google may be tried again, and after how long: the retry policy, which
requests are idempotent, whether a failed connection had sent its request, and what a
`Retry-After` header asks for. Pure (no I/O); `client.py` does the retrying.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

IDEMPOTENT_BATCH = frozenset(
    {
        "updateCells",
        "repeatCell",
        "updateDimensionProperties",
        "updateSheetProperties",
        "updateSpreadsheetProperties",
        "setDataValidation",
        "updateChartSpec",
        "updateBorders",
        "setBasicFilter",
        "updateFilterView",
    }
)
"""Requests of a spreadsheets:batchUpdate that leave the same state however often they land
(they set a value, a format, a property). Any other kind — appendDimension, addSheet,
addChart, addConditionalFormatRule, addProtectedRange, … — adds something each time."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Transient errors: `tries` attempts in all, waits doubling from `base`
    up to `cap` seconds (with full jitter), never waiting past `budget` seconds since the first
    try. The quota (429): waits until Retry-After or just past the next minute (plus up to
    `quota_spread` seconds of jitter, so that districts do not all come back at once), for at
    most `quota_budget` seconds since the first try."""

    tries: int = 5
    base: float = 1.0
    cap: float = 16.0
    budget: float = 60.0
    quota_budget: float = 150.0
    quota_spread: float = 5.0
    quota_tries: int = 8


def idempotent(method: str, endpoint: str, body: Any) -> bool:
    """Whether sending the request twice leaves what sending it once does."""
    if method.upper() in ("GET", "HEAD", "PUT", "DELETE"):
        return True
    path = endpoint.split("?", 1)[0]
    if path.endswith((":batchGet", "values:batchUpdate", "values:batchClear", ":clear")):
        return True
    if path.endswith(":batchUpdate"):
        kinds = [kind for request in (body or {}).get("requests", []) for kind in request]
        return all(kind in IDEMPOTENT_BATCH for kind in kinds)
    return False


def was_sent(error: requests.RequestException) -> bool:
    """False only when the connection failed before anything was sent (refused, no route,
    no name, a connect timeout): then the request cannot have landed."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, NewConnectionError):
            return False
        cause = cause.__cause__ or cause.__context__ or _first_arg(cause)
    return True


def _first_arg(error: BaseException) -> BaseException | None:
    """requests wraps urllib3's errors as an argument rather than a cause."""
    inner = error.args[0] if error.args else None
    if isinstance(inner, MaxRetryError):
        return inner.reason
    return inner if isinstance(inner, BaseException) else None


def retry_after(headers: Mapping[str, str] | None, now: float) -> float | None:
    """The wait a `Retry-After` header asks for, in seconds (a number, or an HTTP date)."""
    value = (headers or {}).get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
