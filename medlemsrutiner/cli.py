"""Command-line entry points (click). The only module that reads the clock, environment
variables and the config file; it builds the adapters, calls the package, prints the report
and turns an AppError into one line on stderr and an exit code (0 done, 1 done with flagged
rows or failed emails, 2 nothing done). Unexpected errors keep their traceback.

run_daily, init_workbook and check_setup take several `--config` files or a folder of them
(one per district, `routines.districts`): each runs in turn, every line prefixed with the
district, one district's failure never stops the next, and the exit code is the worst. A
command that writes to a Google workbook holds a lock file beside the config for its length,
so two runs on one machine never overlap; in CI (`CI` or `GITHUB_ACTIONS` set to true) the xlsx
backend is refused: a workbook with personal data never lives in a repository.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn, ParamSpec, TypeVar

import click

from medlemsrutiner import clitexts
from medlemsrutiner import config as config_module
from medlemsrutiner.adapters.lock import run_lock
from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_BUG, EXIT_OK, AppError, ConfigError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.districts import Console, config_paths, run_each
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


def _configs_option(command: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--config",
        "config_paths",
        type=click.Path(path_type=Path),
        multiple=True,
        default=lambda: [os.environ.get("MEDLEMSRUTINER_CONFIG", "config.toml")],
        show_default="config.toml, eller $MEDLEMSRUTINER_CONFIG",
        help="Konfigurationsfilen (TOML). Ange flera gånger, eller en mapp med en fil per "
        "distrikt, så körs de efter varandra.",
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


def running_in_ci(env: Mapping[str, str]) -> bool:
    """True in GitHub Actions and other CI services (they set `CI` or `GITHUB_ACTIONS`)."""
    return any(
        env.get(name, "").strip().casefold() in ("true", "1", "yes")
        for name in ("CI", "GITHUB_ACTIONS")
    )


def refuse_xlsx_in_ci(config: Config, env: Mapping[str, str]) -> None:
    """A workbook with personal data never lives in a repository: in CI only Google runs."""
    if config.workbook.backend == "xlsx" and running_in_ci(env):
        raise ConfigError(
            config.path,
            "workbook.backend",
            'backend = "xlsx" körs inte i GitHub Actions eller annan CI: en arbetsbok med '
            "personuppgifter får aldrig ligga i ett git-förråd. Använd backend = "
            '"google" där, eller kör xlsx-arbetsboken på en egen dator (se README).',
        )


def open_workbook(config: Config, env: Mapping[str, str]) -> Workbook:
    """The configured workbook backend (not yet entered); xlsx is refused in CI."""
    refuse_xlsx_in_ci(config, env)
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


def each_config(values: tuple[Path, ...], one: Callable[[Path, Console], int]) -> NoReturn:
    """Run `one` for every config of `values` and exit with the worst code: one config as if
    it were the only one (an AppError reaches `_translate_errors`), several one after another
    (`routines.districts.run_each`: prefixed lines, paced Google requests)."""
    paths = config_paths(values)
    out = click.echo

    def err(line: str) -> None:
        click.echo(line, err=True)

    if len(paths) == 1:
        sys.exit(one(paths[0], Console(out, err)))
    sys.exit(run_each(paths, one, out, err, clock=time.monotonic, sleep=time.sleep))


def _google_requests(workbook: Workbook) -> int:
    """How many Sheets API requests a Google workbook has sent (0 for other backends)."""
    http = getattr(workbook, "http", None)
    return int(getattr(http, "requests_sent", 0) or 0)


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_configs_option
@_today_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visa vad som skulle göras och skriv breven till "
    "utkorgens mapp dry-run, utan att ändra något i arbetsboken.",
)
@_translate_errors
def run_daily(config_paths: tuple[Path, ...], today: dt.datetime | None, dry_run: bool) -> None:
    """Kör dagens steg i rutinen: formulärsvar, välkomstbrev, introduktioner, alternativ, Status
    och Logg."""
    each_config(config_paths, functools.partial(_run_daily, today=today, dry_run=dry_run))


def _run_daily(path: Path, console: Console, *, today: dt.datetime | None, dry_run: bool) -> int:
    from medlemsrutiner.routines.daily import run_daily as run

    config = load_config(path)
    day, now = clock(config, today)
    renderer = Renderer(config.mail.templates)
    workbook = open_workbook(config, os.environ)
    try:
        transport = open_transport(config, os.environ, now, dry_run)
        if dry_run:
            report = run(workbook, transport, renderer, config, day, now, dry_run=True)
        else:
            from medlemsrutiner.adapters.journal import FileJournal

            with run_lock(config), workbook, FileJournal(config.journal_path) as journal:
                report = run(workbook, transport, renderer, config, day, now, journal=journal)
    finally:
        console.requests = _google_requests(workbook)
    for line in report.lines():
        console.out(line)
    if dry_run and report.emails:
        console.out(f"  breven finns i {config.mail.outbox / 'dry-run'}")
    return report.exit_code


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@_configs_option
@_translate_errors
def init_workbook(config_paths: tuple[Path, ...]) -> None:
    """Skapa det som saknas i arbetsboken: flikar, rubriker, kolumnbredder, datumformat,
    rullistor, färger i Status och en rad i Texter för varje text breven använder. Att köra
    två gånger ändrar inget."""
    each_config(config_paths, _init_workbook)


def _init_workbook(path: Path, console: Console) -> int:
    from medlemsrutiner.routines.setup import fill_texts

    config = load_config(path)
    workbook = open_workbook(config, os.environ)
    tabs = {config.workbook.tab_names[tab.key]: tab.headers for tab in TABS}
    try:
        with run_lock(config), workbook:
            added = workbook.ensure_tabs(tabs)
            added.extend(fill_texts(workbook, config))
    finally:
        console.requests = _google_requests(workbook)
    if added:
        console.out("Lade till: " + ", ".join(added))
    else:
        console.out("Arbetsboken har redan alla flikar och rubriker.")
    return EXIT_OK


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
@_configs_option
@_translate_errors
def check_setup(config_paths: tuple[Path, ...]) -> None:
    """Kontrollera konfiguration, inloggning, arbetsbok, rubriker, mallar och vem som kan
    öppna uppföljningen. Ändrar ingenting."""
    each_config(config_paths, _check_setup)


def _check_setup(path: Path, console: Console) -> int:
    from medlemsrutiner.routines.setup import check_setup as run_checks
    from medlemsrutiner.routines.setup import exit_code

    config = load_config(path)
    today, _ = clock(config, None)
    opened: list[Workbook] = []

    def open_it() -> Workbook:
        opened.append(open_workbook(config, os.environ))
        return opened[-1]

    checks = run_checks(config, open_it, os.environ, today)
    console.requests = sum(_google_requests(workbook) for workbook in opened)
    for check in checks:
        mark = "OK " if check.ok and not check.warning else "OBS" if check.ok else "FEL"
        console.out(f"[{mark}] {check.text}")
    return exit_code(checks)


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
    lock = contextlib.nullcontext() if dry_run else run_lock(config)
    with lock, contextlib.nullcontext(workbook) if dry_run else workbook:
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
    lock = contextlib.nullcontext() if dry_run else run_lock(config)
    with lock, contextlib.nullcontext(workbook) if dry_run else workbook:
        report = run_weekly(workbook, transport, renderer, config, day, now, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
    if dry_run and report.emails:
        click.echo(f"  breven finns i {config.mail.outbox / 'dry-run'}")
    sys.exit(report.exit_code)


@click.command(context_settings=_SETTINGS, options_metavar="[ALTERNATIV]")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_config_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visa vad som skulle importeras, utan att ändra något i arbetsboken.",
)
@_translate_errors
def import_contacts(file: Path, config_path: Path, dry_run: bool) -> None:
    """Lägg till personerna i FILE (CSV eller XLSX: en export ur medlemsregistret eller svar
    från ett webbformulär) i fliken Intresserade. Den som redan finns hoppas över, så att
    importera samma fil två gånger lägger inte till något andra gången."""
    from medlemsrutiner.adapters.contacts_file import read_contacts_file
    from medlemsrutiner.routines.intake import import_contacts as run

    config = load_config(config_path)
    today, now = clock(config, None)
    grid = read_contacts_file(file)
    workbook = open_workbook(config, os.environ)
    if dry_run:
        report = run(workbook, grid, file.name, config, today, now, dry_run=True)
    else:
        with run_lock(config), workbook:
            report = run(workbook, grid, file.name, config, today, now)
    for line in report.lines():
        click.echo(line)
    sys.exit(report.exit_code)
