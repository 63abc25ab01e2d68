"""Command-line entry points (click). The only module that reads the clock, environment
variables and the config file; it builds the adapters, calls the package, prints the report
and turns an AppError into one line on stderr and an exit code (0 done, 1 done with flagged
rows or failed emails, 2 nothing done). Unexpected errors keep their traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from medlemsrutiner import clitexts
from medlemsrutiner import config as config_module
from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_BUG, AppError, ConfigError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.sheet.schema import TABS

P = ParamSpec("P")
R = TypeVar("R")

clitexts.install()  # before the commands below are built: click's own texts in Swedish
_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _translate_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print an AppError as one Swedish line and exit with its code; anything else is a bug:
    its traceback is printed and the exit code is 3, so a scheduler never mistakes it for a
    normal day with flagged rows (exit 1)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AppError as error:
            click.echo(f"Fel: {error}", err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except Exception:
            click.echo(
                "Ett oväntat fel (ett programfel, inte ett fel i arbetsboken) stoppade "
                "körningen. Skicka texten nedan till den som sköter medlemsrutiner:",
                err=True,
            )
            click.echo(traceback.format_exc().rstrip(), err=True)
            sys.exit(EXIT_BUG)

    return wrapper


def _config_option(command: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: os.environ.get("MEDLEMSRUTINER_CONFIG", "config.toml"),
        show_default="config.toml, eller $MEDLEMSRUTINER_CONFIG",
        help="Konfigurationsfilen (TOML).",
    )(command)


class _Day(click.ParamType[dt.datetime]):
    """A date typed as ÅÅÅÅ-MM-DD, with a Swedish message when it is not one."""

    name = "datum"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.combine(dt.date.fromisoformat(str(value).strip()), dt.time())
        except ValueError:
            self.fail(f"'{value}' är inget datum: skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-11-24.")


def _today_option(command: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--today",
        type=_Day(),
        metavar="ÅÅÅÅ-MM-DD",
        default=None,
        help="Kör som om det vore detta datum, t.ex. för att spela upp en dag igen.",
    )(command)


def clock(config: Config, today: dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    """Today and now in the coordinator's time zone; `--today` moves both to that day."""
    now = dt.datetime.now(config.zone)
    if today is None:
        return now.date(), now
    day = today.date()
    return day, dt.datetime.combine(day, now.time(), tzinfo=config.zone)


def open_workbook(config: Config, env: Mapping[str, str]) -> Workbook:
    """The configured workbook backend (not yet entered)."""
    if config.workbook.backend == "google":
        from medlemsrutiner.adapters.google.workbook import open_google_workbook

        return open_google_workbook(config.workbook, env, config.path)
    from medlemsrutiner.adapters.xlsx import XlsxWorkbook

    assert config.workbook.path is not None
    return XlsxWorkbook(config.workbook.path, config.workbook.tab_names)


def open_transport(
    config: Config, env: Mapping[str, str], now: dt.datetime, dry_run: bool
) -> Transport:
    """Where letters go: the outbox (also for every dry run) or SMTP."""
    if dry_run:
        return Outbox(config.mail.outbox / "dry-run", now)
    if config.mail.transport == "smtp":
        from medlemsrutiner.adapters.smtp import open_smtp_transport

        return open_smtp_transport(config, env)
    # A run that is not a dry run holds the workbook's lock when it opens the outbox.
    return Outbox(config.mail.outbox, now, remove_partial=True)


def load_config(path: Path) -> Config:
    return config_module.load(path)


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_config_option
@_today_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visa vad som skulle göras och skriv breven till "
    "utkorgens mapp dry-run, utan att ändra något i arbetsboken.",
)
@_translate_errors
def run_daily(config_path: Path, today: dt.datetime | None, dry_run: bool) -> None:
    """Kör dagens steg i rutinen: välkomstbrev, introduktioner, alternativ, Status och Logg."""
    from medlemsrutiner.routines.daily import run_daily as run

    config = load_config(config_path)
    day, now = clock(config, today)
    renderer = Renderer(config.mail.templates)
    workbook = open_workbook(config, os.environ)
    transport = open_transport(config, os.environ, now, dry_run)
    if dry_run:
        report = run(workbook, transport, renderer, config, day, now, dry_run=True)
    else:
        from medlemsrutiner.adapters.journal import FileJournal

        with workbook, FileJournal(config.journal_path) as journal:
            report = run(workbook, transport, renderer, config, day, now, journal=journal)
    for line in report.lines():
        click.echo(line)
    if dry_run and report.emails:
        click.echo(f"  breven finns i {config.mail.outbox / 'dry-run'}")
    sys.exit(report.exit_code)


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_config_option
@_translate_errors
def init_workbook(config_path: Path) -> None:
    """Skapa det som saknas i arbetsboken: flikar, rubriker, kolumnbredder, datumformat,
    rullistor, färger i Status och en rad i Texter för varje text breven använder. Att köra
    två gånger ändrar inget."""
    from medlemsrutiner.routines.setup import fill_texts

    config = load_config(config_path)
    workbook = open_workbook(config, os.environ)
    tabs = {config.workbook.tab_names[tab.key]: tab.headers for tab in TABS}
    with workbook:
        added = workbook.ensure_tabs(tabs)
        added.extend(fill_texts(workbook, config))
    if added:
        click.echo("Lade till: " + ", ".join(added))
    else:
        click.echo("Arbetsboken har redan alla flikar och rubriker.")


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_config_option
@_today_option
@click.option("--force", is_flag=True, help="Skriv över en befintlig demo-arbetsbok.")
@_translate_errors
def make_demo(config_path: Path, today: dt.datetime | None, force: bool) -> None:
    """Skapa en demo-arbetsbok med påhittade personer i alla steg av rutinen."""
    from medlemsrutiner.routines.demo import write_demo

    config = load_config(config_path)
    if config.workbook.backend != "xlsx" or config.workbook.path is None:
        raise ConfigError(
            config.path, "workbook.backend", "make_demo skapar bara xlsx-arbetsböcker"
        )
    path = config.workbook.path
    if path.exists() and not force:
        click.echo(f"{path} finns redan (använd --force för att skapa den på nytt).")
        return
    day, _ = clock(config, today)
    if path.exists():
        path.unlink()
    counts = write_demo(path, config, day)
    click.echo(f"Skapade {path}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_config_option
@_translate_errors
def check_setup(config_path: Path) -> None:
    """Kontrollera konfiguration, inloggning, arbetsbok, rubriker, mallar och vem som kan
    öppna uppföljningen. Ändrar ingenting."""
    from medlemsrutiner.routines.setup import check_setup as run_checks
    from medlemsrutiner.routines.setup import exit_code

    config = load_config(config_path)
    today, _ = clock(config, None)
    checks = run_checks(config, lambda: open_workbook(config, os.environ), os.environ, today)
    for check in checks:
        mark = "OK " if check.ok and not check.warning else "OBS" if check.ok else "FEL"
        click.echo(f"[{mark}] {check.text}")
    sys.exit(exit_code(checks))


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_config_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("preview"),
    show_default=True,
    help="Mappen där breven och index.html skrivs.",
)
@_translate_errors
def preview_emails(config_path: Path, out: Path) -> None:
    """Skriv varje brev, på svenska och engelska, som HTML-filer att titta på i en webbläsare:
    med texterna och utbildningarna i arbetsboken (eller exempeltexter om den inte går att
    läsa) och påhittade personer. Ändrar ingenting i arbetsboken."""
    from medlemsrutiner.letters.preview import write_preview
    from medlemsrutiner.routines.preview import preview_texts

    config = load_config(config_path)
    today, now = clock(config, None)
    texts = preview_texts(config, lambda: open_workbook(config, os.environ), today)
    click.echo(texts.source)
    index = write_preview(config, Renderer(config.mail.templates), out, now, texts.shared)
    click.echo(f"Öppna {index} i en webbläsare.")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@_config_option
@click.option("--email", "address", help="Personens e-postadress.")
@click.option("--id", "row_id", type=click.IntRange(min=1), help="Personens ID.")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle raderas, utan att radera.")
@_translate_errors
def forget(config_path: Path, address: str | None, row_id: int | None, dry_run: bool) -> None:
    """Radera en person överallt, nu (rätten att bli bortglömd): raderna i Intresserade och
    Uppföljning och breven i utkorgen. Ange --email eller --id."""
    from medlemsrutiner.routines.forget import run_forget

    if (address is None) == (row_id is None):
        raise click.UsageError("Ange antingen --email eller --id.")
    config = load_config(config_path)
    today, now = clock(config, None)
    workbook = open_workbook(config, os.environ)
    with contextlib.nullcontext(workbook) if dry_run else workbook:
        report = run_forget(
            workbook, config, today, now, email_address=address, row_id=row_id, dry_run=dry_run
        )
    for line in report.lines(dict(config.workbook.tab_names)):
        click.echo(line)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@_config_option
@_today_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("andel-aktiva.png"),
    show_default=True,
    help="PNG-filen som diagrammet sparas i.",
)
@_translate_errors
def retention_report(config_path: Path, today: dt.datetime | None, out: Path) -> None:
    """Visa statistiken (hur många av de hänvisade som är aktiva vid uppföljningen) och spara
    diagrammet som en PNG-bild. Ändrar ingenting i arbetsboken."""
    from medlemsrutiner.routines.retention import retention, table_lines, write_chart

    config = load_config(config_path)
    day, _ = clock(config, today)
    workbook = open_workbook(config, os.environ)
    statistics = retention(workbook, config, day)
    for line in table_lines(statistics, config):
        click.echo(line)
    click.echo(f"Diagrammet finns i {write_chart(statistics, out)}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@_config_option
@_today_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Skriv breven till utkorgens mapp dry-run, utan att skicka eller ändra något.",
)
@_translate_errors
def weekly_summary(config_path: Path, today: dt.datetime | None, dry_run: bool) -> None:
    """Skicka veckans sammanfattning till medlemsansvarig (och utbildningsbrevet till
    utbildningsansvarig). Skickas högst en gång per vecka."""
    from medlemsrutiner.routines.weekly import run_weekly

    config = load_config(config_path)
    day, now = clock(config, today)
    renderer = Renderer(config.mail.templates)
    workbook = open_workbook(config, os.environ)
    transport = open_transport(config, os.environ, now, dry_run)
    with contextlib.nullcontext(workbook) if dry_run else workbook:
        report = run_weekly(workbook, transport, renderer, config, day, now, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
    if dry_run and report.emails:
        click.echo(f"  breven finns i {config.mail.outbox / 'dry-run'}")
    sys.exit(report.exit_code)
