"""A follow-up window a person typed far ahead never keeps the personal data: `Följ upp från`
and `Följ upp senast` are the scripts' own dates (the referral plus 8 and 10 weeks), and a row
whose `Hänvisad` is blank counts its erasure from them. A date no referral can have given (9999,
2099 for 2026, a year before the routine existed) is a problem on the row, and the erasure
counts as if the cell were blank."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.support import DAY, TODAY, followup_of, make_config, memory_workbook, newcomer, run_day

REFERRED = TODAY - 70 * DAY


@pytest.mark.parametrize(
    ("header", "cell", "typed"),
    [
        ("Följ upp från", "follow_up_from", dt.date(9999, 12, 31)),
        ("Följ upp senast", "follow_up_by", dt.date(2099, 1, 1)),
        ("Följ upp från", "follow_up_from", dt.date(1900, 1, 1)),
    ],
)
def test_a_window_date_no_referral_gave_is_flagged_and_never_keeps_the_data(
    tmp_path: Path, header: str, cell: str, typed: dt.date
) -> None:
    config = make_config(tmp_path)
    row = {**followup_of(10, REFERRED), "referred": None, cell: typed}
    workbook = memory_workbook(newcomers=[newcomer(1)], followups=[row])
    report = run_day(workbook, config)
    headers, *rows = workbook.grids["Uppföljning"]
    status = str(rows[0][headers.index("Status")])
    assert re.match(rf"Rätta {header}: datumet ligger (långt fram|för långt bak) i tiden", status)
    assert report.exit_code == 1
    erased_by = re.findall(r"(?:Raderas senast|raderade) (\d{4}-\d{2}-\d{2})", status)
    assert erased_by and dt.date.fromisoformat(erased_by[-1]) <= TODAY + 400 * DAY, status
    # A year on, whatever the window says, the person's data is gone.
    run_day(workbook, config, TODAY + 400 * DAY)
    headers, *rows = workbook.grids["Uppföljning"]
    assert rows[0][headers.index("Namn")] is None
