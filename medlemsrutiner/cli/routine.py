"""The routine's commands: run_daily, init_workbook, make_demo, check_setup, preview_emails,
forget, weekly_summary and import_contacts. Each loads its config, builds the adapters through
`cli.shell`, calls the package and prints the report.

run_daily, init_workbook and check_setup take several `--config` files or a folder of them
(one per district, `routines.districts`): each runs in turn, every line prefixed with the
district, one district's failure never stops the next, and the exit code is the worst. A
command that writes to a Google workbook holds a lock file beside the config for its length,
so two runs on one machine never overlap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from medlemsrutiner.adapters.lock import run_lock
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.cli.shell import (
    SETTINGS,
    clock,
    config_option,
    configs_option,
    day_option,
    each_config,
    environment,
    load_config,
    open_transport,
    open_workbook,
    print_line,
    shown_path,
    today_option,
    translate_errors,
)
from medlemsrutiner.errors import EXIT_OK, ConfigError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.districts import Console, google_requests
from medlemsrutiner.sheet.presentation import workbook_tabs
from medlemsrutiner.sheet.schema import refuse_misplaced_headers

if TYPE_CHECKING:
    from medlemsrutiner.routines.setup import CheckResult


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@configs_option
@today_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visa vad som skulle göras och skriv breven till "
    "utkorgens mapp dry-run, utan att ändra något i arbetsboken.",
)
@translate_errors
def run_daily(config_paths: tuple[Path, ...], today: dt.datetime | None, dry_run: bool) -> None:
    """Gör dagens del av rutinen: läser in nya formulärsvar, skickar välkomstbrev,
    introduktioner till grupperna, brev med alternativen och återvärvningsbrev efter
    uppföljningen, flyttar de hänvisade till Uppföljning, raderar personuppgifterna (och breven
    i utkorgen) när det är dags, påminner grupperna om att bekräfta sina uppgifter och skriver
    Status, Statistik och Logg. Kör den en gång om dagen: inget brev skickas två gånger."""
    each_config(config_paths, functools.partial(_run_daily, today=today, dry_run=dry_run))


def _run_daily(path: Path, console: Console, *, today: dt.datetime | None, dry_run: bool) -> int:
    from medlemsrutiner.routines.daily import run_daily as run

    config = load_config(path)
    day, now = clock(config, today, dry_run=dry_run)
    renderer = Renderer(config.mail.templates)
    workbook = open_workbook(config, environment())
    try:
        transport = open_transport(config, environment(), now, dry_run)
        if dry_run:
            report = run(workbook, transport, renderer, config, day, now, dry_run=True)
        else:
            from medlemsrutiner.adapters.sendlog_file import FileJournal

            with run_lock(config), workbook, FileJournal(config.journal_path) as journal:
                report = run(workbook, transport, renderer, config, day, now, journal=journal)
    finally:
        console.requests = google_requests(workbook)
    for line in report.lines():
        console.out(line)
    return report.exit_code


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@configs_option
@translate_errors
def init_workbook(config_paths: tuple[Path, ...]) -> None:
    """Skapa arbetsboken, eller lägg till det som saknas i den: flikar, rubriker,
    kolumnbredder, datumformat, rullistor, färger i Status och en rad i Texter för varje text
    breven använder. Det du har skrivit ändras aldrig, och att köra den igen ändrar inget."""
    each_config(config_paths, _init_workbook)


def _init_workbook(path: Path, console: Console) -> int:
    from medlemsrutiner.routines.setup import fill_texts

    config = load_config(path)
    workbook = open_workbook(config, environment())
    tabs = workbook_tabs(config.workbook.tab_names)
    file = config.workbook.path if config.workbook.backend == "xlsx" else None
    created = file is not None and not file.exists()
    try:
        with run_lock(config), workbook:
            if not created:  # headers under a title row would get a second header row
                refuse_misplaced_headers(workbook.read(), config.workbook.tab_names)
            added = workbook.ensure_tabs(tabs)
            added.extend(fill_texts(workbook, config))
    finally:
        console.requests = google_requests(workbook)
    where = f"kalkylarket {config.workbook.spreadsheet_id}"
    if file is not None:
        where = f"arbetsboken {shown_path(file)}"
        if created:  # say where the new file is, not just its name
            console.out(f"Skapade {where}.")
            added = [item for item in added if item != f"filen {file.name}"]
    if added:
        console.out(f"Lade till i {where}: " + ", ".join(added))
    elif not created:
        console.out(f"{where[0].upper()}{where[1:]} har redan alla flikar och rubriker.")
    return EXIT_OK


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@config_option
@day_option(
    "Skapa demon som om det vore detta datum: de påhittade personernas datum räknas därifrån."
)
@click.option("--force", is_flag=True, help="Skriv över en befintlig demo-arbetsbok.")
@translate_errors
def make_demo(config_path: Path, today: dt.datetime | None, force: bool) -> None:
    """Skapa en demo-arbetsbok med påhittade personer i alla steg av rutinen, att prova
    programmet på."""
    from medlemsrutiner.routines.demo import write_demo

    config = load_config(config_path)
    if config.workbook.backend != "xlsx" or config.workbook.path is None:
        raise ConfigError(
            config.path, "workbook.backend", "make_demo skapar bara xlsx-arbetsböcker"
        )
    path = config.workbook.path
    if path.exists() and not force:
        print_line(f"{path} finns redan (använd --force för att skapa den på nytt).")
        return
    day, _ = clock(config, today, sends_or_erases=False)  # invented people only
    if path.exists():
        path.unlink()
    print_line(f"Skapade {path}: " + ", ".join(write_demo(path, config, day)))


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@configs_option
@day_option("Kontrollera som om det vore detta datum (t.ex. vilka utbildningar som är kommande).")
@translate_errors
def check_setup(config_paths: tuple[Path, ...], today: dt.datetime | None) -> None:
    """Kontrollera att allt är klart: inställningarna, inloggningen till e-posten, arbetsboken
    och dess rubriker, breven och vem som kan öppna uppföljningen. Säger också vad som är kvar
    från exemplet och vad du har kvar att fylla i (grupper, utbildningar, texter). Ändrar
    ingenting."""
    each_config(config_paths, functools.partial(_check_setup, today=today))


def _check_setup(path: Path, console: Console, *, today: dt.datetime | None = None) -> int:
    from medlemsrutiner.routines.setup import exit_code

    return exit_code(setup_checks(path, console, today))


def setup_checks(path: Path, console: Console, day: dt.datetime | None = None) -> list[CheckResult]:
    """check_setup for one config: every check on its line, then the verdict."""
    from medlemsrutiner.routines.setup import check_setup as run_checks
    from medlemsrutiner.routines.setup import verdict

    config = load_config(path)
    today, _ = clock(config, day, sends_or_erases=False)
    opened: list[Workbook] = []

    def open_it() -> Workbook:
        opened.append(open_workbook(config, environment()))
        return opened[-1]

    checks = run_checks(config, open_it, environment(), today, shown_path(config.path))
    console.requests = sum(google_requests(workbook) for workbook in opened)
    for check in checks:
        console.out(f"[{check.mark}] {check.text}")
    console.out(verdict(checks))
    return checks


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@config_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("preview"),
    show_default=True,
    help="Mappen där breven och index.html skrivs.",
)
@day_option("Visa breven som de skulle se ut detta datum (t.ex. vilka utbildningar de visar).")
@translate_errors
def preview_emails(config_path: Path, out: Path, today: dt.datetime | None) -> None:
    """Skriv varje brev, på svenska och engelska, som HTML-filer att titta på i en webbläsare:
    med texterna och utbildningarna i arbetsboken (eller exempeltexter om den inte går att
    läsa) och påhittade personer. Ändrar ingenting i arbetsboken."""
    from medlemsrutiner.letters.preview import write_preview
    from medlemsrutiner.routines.preview import preview_texts

    config = load_config(config_path)
    day, now = clock(config, today, sends_or_erases=False)
    texts = preview_texts(config, lambda: open_workbook(config, environment()), day)
    print_line(texts.source)
    index = write_preview(config, Renderer(config.mail.templates), out, now, texts.shared)
    print_line(f"Öppna {index} i en webbläsare.")


class _RowId(click.ParamType[int]):
    """A person's ID as the workbook has it: a whole number from 1, with a Swedish message
    when it is not one (click's IntRange would show `[x>=1]` in the help)."""

    name = "nummer"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        text = str(value).strip()
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self.fail(f"'{value}' är inget ID: skriv ett heltal från 1 och uppåt, t.ex. 17.")


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@config_option
@click.option("--email", "address", metavar="ADRESS", help="Personens e-postadress.")
@click.option("--id", "row_id", type=_RowId(), metavar="NUMMER", help="Personens ID.")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle raderas, utan att radera.")
@translate_errors
def forget(config_path: Path, address: str | None, row_id: int | None, dry_run: bool) -> None:
    """Radera en person överallt, nu (rätten att bli bortglömd): raderna i Intresserade och
    Uppföljning, svaren i formulärfliken och breven i utkorgen. Ange --email eller --id."""
    from medlemsrutiner.adapters.sendlog_file import FileJournal
    from medlemsrutiner.routines.forget import run_forget

    if (address is None) == (row_id is None):
        raise click.UsageError("Ange antingen --email eller --id.")
    config = load_config(config_path)
    today, now = clock(config, None)
    workbook = open_workbook(config, environment())
    lock = contextlib.nullcontext() if dry_run else run_lock(config)
    journal = contextlib.nullcontext() if dry_run else FileJournal(config.journal_path)
    with lock, contextlib.nullcontext(workbook) if dry_run else workbook, journal as held:
        report = run_forget(
            workbook,
            config,
            today,
            now,
            email_address=address,
            row_id=row_id,
            dry_run=dry_run,
            journal=held,
        )
    for line in report.lines(dict(config.workbook.tab_names)):
        print_line(line)


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@config_option
@today_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Skriv breven till utkorgens mapp dry-run, utan att skicka eller ändra något.",
)
@translate_errors
def weekly_summary(config_path: Path, today: dt.datetime | None, dry_run: bool) -> None:
    """Skicka veckans sammanfattning till dig som medlemsansvarig: vad som ska göras i veckan,
    vad som hänt, grupperna, utbildningarna och hur många som är kvar vid uppföljningen. Har ni
    en utbildningsansvarig får hen ett eget brev om utbildningarna. Skickas högst en gång per
    vecka, så det går bra att köra den varje dag."""
    from medlemsrutiner.routines.weekly import run_weekly

    config = load_config(config_path)
    day, now = clock(config, today, dry_run=dry_run)
    renderer = Renderer(config.mail.templates)
    workbook = open_workbook(config, environment())
    transport = open_transport(config, environment(), now, dry_run)
    lock = contextlib.nullcontext() if dry_run else run_lock(config)
    with lock, contextlib.nullcontext(workbook) if dry_run else workbook:
        report = run_weekly(workbook, transport, renderer, config, day, now, dry_run=dry_run)
    for line in report.lines():
        print_line(line)
    sys.exit(report.exit_code)


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FIL")
@config_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visa vad som skulle importeras, utan att ändra något i arbetsboken.",
)
@translate_errors
def import_contacts(file: Path, config_path: Path, dry_run: bool) -> None:
    """Lägg till personerna i FIL (CSV eller XLSX: en export ur medlemsregistret eller svar
    från ett webbformulär) i fliken Intresserade. Den som redan finns hoppas över, så att
    importera samma fil två gånger lägger inte till något andra gången."""
    from medlemsrutiner.adapters.contacts_file import read_contacts_file
    from medlemsrutiner.routines.intake import import_contacts as run

    config = load_config(config_path)
    today, now = clock(config, None)
    grid = read_contacts_file(file)
    workbook = open_workbook(config, environment())
    if dry_run:
        report = run(workbook, grid, file.name, config, today, now, dry_run=True)
    else:
        with run_lock(config), workbook:
            report = run(workbook, grid, file.name, config, today, now)
    for line in report.lines():
        print_line(line)
    sys.exit(report.exit_code)
