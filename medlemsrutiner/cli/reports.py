"""The report commands: retention_report (one district's Statistik in the terminal and its
chart) and national_report (every district's Statistik in one national table and chart). They
read; neither writes to a district's workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import sys
from pathlib import Path

import click

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.cli.shell import (
    SETTINGS,
    SYSTEM_CLOCK,
    clock,
    config_option,
    configs_option,
    day_option,
    environment,
    load_config,
    open_workbook,
    print_error,
    print_line,
    translate_errors,
)
from medlemsrutiner.config import Config
from medlemsrutiner.routines.districts import config_paths as _config_paths


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@config_option
@day_option("Räkna statistiken som om det vore detta datum.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("andel-aktiva.png"),
    show_default=True,
    help="PNG-filen som diagrammet sparas i.",
)
@translate_errors
def retention_report(config_path: Path, today: dt.datetime | None, out: Path) -> None:
    """Visa statistiken (hur många av de hänvisade som är aktiva vid uppföljningen) och spara
    diagrammet som en PNG-bild. Ändrar ingenting i arbetsboken."""
    from medlemsrutiner.routines.retention import retention, table_lines, write_chart

    config = load_config(config_path)
    day, _ = clock(config, today, sends_or_erases=False)
    workbook = open_workbook(config, environment())
    statistics = retention(workbook, config, day)
    for line in table_lines(statistics, config):
        print_line(line)
    print_line(f"Diagrammet finns i {write_chart(statistics, out)}")


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@configs_option
@day_option("Räkna kvartalen som om det vore detta datum.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="xlsx-filen som den nationella tabellen skrivs i (skapas om den saknas). "
    "Standard: nationellt.xlsx.",
)
@click.option(
    "--spreadsheet",
    "spreadsheet_id",
    metavar="ID",
    default=None,
    help="Skriv tabellen i detta Google-kalkylark (id:t ur adressen) i stället för en xlsx-fil; "
    "delat med samma tjänstekonto som distriktens.",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("nationell-andel-aktiva.png"),
    show_default=True,
    help="PNG-filen som diagrammet sparas i.",
)
@translate_errors
def national_report(
    config_paths: tuple[Path, ...],
    today: dt.datetime | None,
    output: Path | None,
    spreadsheet_id: str | None,
    chart: Path,
) -> None:
    """Samla alla distrikts statistik i en nationell tabell med problemgrupper och ett diagram.
    Läser bara varje distrikts flik Statistik (anonyma siffror) och ändrar ingenting hos
    distrikten."""
    from medlemsrutiner.routines.national import run_national

    if output is not None and spreadsheet_id:
        raise click.UsageError("Ange --output eller --spreadsheet, inte båda.")
    first = load_config(_config_paths(config_paths)[0])
    # Counts only, in the national office's own workbook, rewritten whole by the next run.
    day, _ = clock(first, today, sends_or_erases=False)
    target = _national_workbook(first, output, spreadsheet_id)
    district = functools.partial(open_workbook, env=environment())
    code = run_national(
        config_paths, load_config, district, target, chart, day, print_line,
        print_error, SYSTEM_CLOCK.monotonic, SYSTEM_CLOCK.sleep,
    )  # fmt: skip
    sys.exit(code)


def _national_workbook(first: Config, output: Path | None, spreadsheet_id: str | None) -> Workbook:
    """Where the national table goes: a Google Sheet (opened with the first district's
    credentials settings) or an .xlsx file."""
    from medlemsrutiner.routines.national import NATIONAL_TAB_NAMES

    if spreadsheet_id:
        from medlemsrutiner.adapters.google.workbook import open_google_workbook

        settings = dataclasses.replace(
            first.workbook,
            backend="google",
            path=None,
            spreadsheet_id=spreadsheet_id.strip(),
            followup_spreadsheet_id=None,
            tab_names=NATIONAL_TAB_NAMES,
        )
        return open_google_workbook(settings, environment(), first.path, clock=SYSTEM_CLOCK)
    from medlemsrutiner.adapters.xlsx import XlsxWorkbook

    return XlsxWorkbook(output or Path("nationellt.xlsx"), NATIONAL_TAB_NAMES)
