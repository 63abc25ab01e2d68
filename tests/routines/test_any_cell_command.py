"""Whatever a person types into whatever cell of whatever tab — the header row too — the real
command `run_daily.py` on a real .xlsx file keeps the promises a coordinator sees:

* it exits 0, 1 or 2, never 3 (a bug): a bad cell is a flag on its row, a bad header or tab one
  line and exit 2 with the file as it was;
* nothing it prints (stdout or stderr) holds a value of a personal cell: not a name, an address
  or a phone number, neither one the workbook held nor one typed into it;
* a row nobody touched still gets its letter, unless the run stopped with exit 2 or a person
  changed Logg (whose `Brev` counts the daily limit) or Texter (whose texts every letter shows).

Hypothesis draws the edits (`any_value.values`: any unicode, numbers, dates, booleans, long
text, formula-looking text, blocks blanked as a merge reads). Personal values typed in are drawn
as distinct markers (`Hemlig17`, `hemlig17@example.se`, `070-174 06 77`), so that finding one in
the output means it leaked and not that a word of the report happened to be typed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlemsrutiner.cli import run_daily as run_daily_command
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from tests.routines.any_value import XLSX_SAFE, base_grids, edited, values
from tests.support import TODAY, newcomer, read_outbox, recipients, write_xlsx, xlsx_config_file

TABS = ("Intresserade", "Uppföljning", "Grupper", "Utbildningar", "Texter", "Logg", "Statistik")
PERSONAL = {
    tab: [column.header for column in table.columns if column.personal]
    for tab, table in (("Intresserade", NEWCOMERS), ("Uppföljning", FOLLOWUPS))
}
WITNESS = newcomer(40, email="vittne@example.se", name="Testa Vittnesdotter")
"""A row no edit reaches (far below the edited rows): its welcome letter is due today."""


def markers() -> st.SearchStrategy[str]:
    """Personal values that cannot be mistaken for a word of the report."""
    return st.integers(min_value=10, max_value=79).flatmap(
        lambda n: st.sampled_from(
            [f"Hemlig{n} Persson", f"hemlig{n}@example.se", f"070-174 06 {n}", f"Hemligvägen {n}"]
        )
    )


def edits() -> st.SearchStrategy[list[Any]]:
    cell = st.tuples(
        st.sampled_from(TABS),
        st.integers(min_value=0, max_value=8),  # the header row too
        st.integers(min_value=0, max_value=17),
        st.one_of(values(XLSX_SAFE), markers()),
        st.integers(min_value=0, max_value=2),
    )
    return st.lists(cell, min_size=1, max_size=10)


def personal_values(grids: dict[str, list[list[Any]]]) -> set[str]:
    """Every text of a personal cell of Intresserade and Uppföljning (the headers as they stand
    after the edits), and every marker typed anywhere."""
    found: set[str] = set()
    for tab, headers in PERSONAL.items():
        rows = grids[tab]
        columns = [i for i, header in enumerate(rows[0]) if header in headers]
        for row in rows[1:]:
            found.update(
                row[i] for i in columns if i < len(row) and isinstance(row[i], str) and row[i]
            )
    found.update(
        value
        for rows in grids.values()
        for row in rows
        for value in row
        if isinstance(value, str) and value.casefold().startswith(("hemlig", "070-174 06"))
    )
    return {value for value in found if len(value.strip()) >= 6}


@settings(
    max_examples=max(5, settings().max_examples // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edits())
def test_any_value_in_any_cell_exits_0_1_or_2_prints_no_personal_data_and_sends_the_rest(
    changes: list[Any],
) -> None:
    grids = base_grids()
    grids = edited(grids, changes)
    width = len(grids["Intresserade"][0])
    headers = list(grids["Intresserade"][0]) + [None] * width
    while len(grids["Intresserade"]) < 20:
        grids["Intresserade"].append([None] * width)
    witness = {column.header: column.name for column in NEWCOMERS.columns}
    grids["Intresserade"].append(
        [WITNESS.get(witness.get(h, ""), None) if isinstance(h, str) else None for h in headers]
    )
    secrets = personal_values(grids) | {"Testa Vittnesdotter", "vittne@example.se"}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_xlsx(folder / "arbetsbok.xlsx", grids)
        before = (folder / "arbetsbok.xlsx").read_bytes()
        result = CliRunner().invoke(
            run_daily_command,
            ["--config", str(xlsx_config_file(folder)), "--today", TODAY.isoformat()],
        )
        sent = recipients(read_outbox(folder / "outbox")) if (folder / "outbox").exists() else []
        after = (folder / "arbetsbok.xlsx").read_bytes()

    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    shown = result.stdout + result.stderr
    leaked = sorted(secret for secret in secrets if secret in shown)
    assert not leaked, leaked
    if result.exit_code == 2:
        assert after == before  # nothing done
        assert sent == []
        return
    touched = {tab for tab, *_ in changes}
    if not touched & {"Logg", "Texter"}:
        assert "vittne@example.se" in sent, result.output


def test_the_witness_row_gets_its_letter_in_an_untouched_workbook() -> None:
    """The property's own check can fail: the witness is a real row due a letter."""
    grids = base_grids()
    width = len(grids["Intresserade"][0])
    witness = {column.header: column.name for column in NEWCOMERS.columns}
    grids["Intresserade"].append(
        [WITNESS.get(witness.get(h, ""), None) for h in grids["Intresserade"][0]]
        + [None] * (width - len(grids["Intresserade"][0]))
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_xlsx(folder / "arbetsbok.xlsx", grids)
        result = CliRunner().invoke(
            run_daily_command,
            ["--config", str(xlsx_config_file(folder)), "--today", TODAY.isoformat()],
        )
        assert result.exit_code in (0, 1), result.output
        assert "vittne@example.se" in recipients(read_outbox(folder / "outbox"))
