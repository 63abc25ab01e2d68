"""The command line's shell: the only code that reads the clock, environment variables and
the config file. Options every command shares, `clock` (`--today` replays a day; a day that has
not come yet only where nothing is sent or erased: a dry run, a simulation, a command that
only reads), the adapters a config names (the xlsx backend
refused in CI: a workbook with personal data never lives in a repository), several configs run
one after another (`each_config`), `print_line` and `print_error` (a closed stdout, as under
`| head`, ends nothing: the work goes on and the exit code is what it earned), and
`translate_errors`, which turns an AppError into one Swedish line on stderr and its exit code
(0 done, 1 done with flagged rows or failed emails, 2 nothing done) and anything else into
exit 3 with its traceback, every message redacted.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import click

from medlemsrutiner import config as config_module
from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import DRY_RUN, Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.cli.texts import install as install_click_texts
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_BUG, AppError, ConfigError, FutureDayError
from medlemsrutiner.routines.bug_report import bug_report
from medlemsrutiner.routines.districts import Console, run_each
from medlemsrutiner.routines.districts import config_paths as _config_paths

P = ParamSpec("P")
R = TypeVar("R")

install_click_texts()  # before the commands below are built: click's own texts in Swedish
SETTINGS = {"help_option_names": ["-h", "--help"]}

SIMULATION = "MEDLEMSRUTINER_SIMULATION"
"""Set to 1 by tests, simulations and `make demo`: `--today` may then name a day to come."""


class _SystemClock:
    """The machine's clock and sleep, for what waits and measures time (the Google retries, the
    pacing of several districts): given from here, the only reader of the clock."""

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()


SYSTEM_CLOCK = _SystemClock()


def environment() -> Mapping[str, str]:
    """The process's environment variables: read here and nowhere else in the package."""
    return os.environ


def print_line(line: str = "") -> None:
    """Print a line on stdout. A reader that has gone (`| head -1`) stops nothing: the rest of
    the output is dropped and the command finishes its work and exits with the code it earned,
    with nothing on stderr."""
    _echo(line, err=False)


def print_error(line: str) -> None:
    """Print a line on stderr (dropped, like `print_line`'s, once nobody reads it)."""
    _echo(line, err=True)


def _echo(line: str, *, err: bool) -> None:
    try:
        click.echo(line, err=err)
    except BrokenPipeError:
        _discard(sys.stderr if err else sys.stdout)


def _discard(stream: object) -> None:
    """Point a closed stream's file descriptor at /dev/null: what is still buffered, and what
    Python flushes at exit, goes nowhere instead of raising again."""
    fileno = getattr(stream, "fileno", None)
    if fileno is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno())
    finally:
        os.close(devnull)


def translate_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print an AppError as one Swedish line and exit with its code; anything else is a bug:
    its traceback is printed (every message redacted: it may quote a cell) and the exit code is
    3, so a scheduler never mistakes it for a normal day with flagged rows (exit 1)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AppError as error:
            print_error(error.line)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.Abort, click.ClickException, KeyboardInterrupt):
            raise  # click's own ends (a question left unanswered: "Avbrutet!", exit 1)
        except Exception as error:
            print_error(
                "Ett oväntat fel (ett programfel, inte ett fel i arbetsboken) stoppade "
                "körningen. Skicka texten nedan till den som sköter medlemsrutiner:"
            )
            print_error(bug_report(error))
            sys.exit(EXIT_BUG)

    return wrapper


_DEFAULT_CONFIG = (
    "Utan --config läses config.toml i mappen du står i (eller filen som "
    "MEDLEMSRUTINER_CONFIG pekar på)."
)
"""How `--config` finds the file when it is not given, in words (never click's "[standard: …]")."""


def config_option(command: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=lambda: environment().get("MEDLEMSRUTINER_CONFIG", "config.toml"),
        show_default=False,  # click would show "(config.toml, …)": the help says it in words
        help=f"Filen med distriktets inställningar, t.ex. privat/config.toml. {_DEFAULT_CONFIG}",
    )(command)


def configs_option(command: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--config",
        "config_paths",
        type=click.Path(path_type=Path),
        multiple=True,
        default=lambda: [environment().get("MEDLEMSRUTINER_CONFIG", "config.toml")],
        show_default=False,
        help="Filen med distriktets inställningar, t.ex. privat/config.toml. Ange flera "
        f"gånger, eller en mapp med en fil per distrikt, så körs de efter varandra. "
        f"{_DEFAULT_CONFIG}",
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


def day_option(text: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`--today ÅÅÅÅ-MM-DD`, with what the day means to the command in its help."""

    def option(command: Callable[P, R]) -> Callable[P, R]:
        return click.option("--today", type=_Day(), metavar="ÅÅÅÅ-MM-DD", default=None, help=text)(
            command
        )

    return option


today_option = day_option("Kör som om det vore detta datum, t.ex. för att spela upp en dag igen.")
"""`--today` of a command that sends and erases (run_daily, weekly_summary)."""


def clock(
    config: Config,
    today: dt.datetime | None,
    *,
    dry_run: bool | None = None,
    sends_or_erases: bool = True,
) -> tuple[dt.date, dt.datetime]:
    """Today and now in the coordinator's time zone; `--today` moves both to that day.

    A day after the machine's date is refused (FutureDayError, exit 2) where it matters: a
    real run on a day to come would erase and send as if that day had come. So it is refused
    unless the run is a dry run, a simulation (MEDLEMSRUTINER_SIMULATION=1), or the command
    never `sends_or_erases` (the reports, check_setup, the preview, the demo's invented
    people). `dry_run` is None for a command without `--dry-run`."""
    now = dt.datetime.now(config.zone)
    if today is None:
        return now.date(), now
    day = today.date()
    if day > now.date() and sends_or_erases and not (dry_run or simulating(environment())):
        instead = "" if dry_run is None else "Lägg till --dry-run för att se vad som skulle hända. "
        raise FutureDayError(
            f"--today {day.isoformat()} är efter dagens datum ({now.date().isoformat()}): en "
            "riktig körning skulle skicka brev och radera personuppgifter som om den dagen "
            f"redan hade kommit. {instead}Bara tester och simuleringar kör framtida dagar "
            f"(med {SIMULATION}=1)."
        )
    return day, dt.datetime.combine(day, now.time(), tzinfo=config.zone)


def simulating(env: Mapping[str, str]) -> bool:
    """True in a test, a simulation or `make demo` (MEDLEMSRUTINER_SIMULATION=1)."""
    return env.get(SIMULATION, "").strip() == "1"


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

        return open_google_workbook(config.workbook, env, config.path, clock=SYSTEM_CLOCK)
    from medlemsrutiner.adapters.xlsx import XlsxWorkbook

    assert config.workbook.path is not None
    return XlsxWorkbook(config.workbook.path, config.workbook.tab_names)


def open_transport(
    config: Config, env: Mapping[str, str], now: dt.datetime, dry_run: bool
) -> Transport:
    """Where letters go: the outbox (also for every dry run, into a dry-run folder emptied
    first) or SMTP."""
    if dry_run:
        return Outbox(config.mail.outbox / DRY_RUN, now, fresh=True)
    if config.mail.transport == "smtp":
        from medlemsrutiner.adapters.smtp import open_smtp_transport

        return open_smtp_transport(config, env)
    # A run that is not a dry run holds the workbook's lock when it opens the outbox.
    return Outbox(config.mail.outbox, now, remove_partial=True)


def load_config(path: Path) -> Config:
    return config_module.load(path)


def each_config(values: tuple[Path, ...], one: Callable[[Path, Console], int]) -> NoReturn:
    """Run `one` for every config of `values` and exit with the worst code: one config as if
    it were the only one (an AppError reaches `translate_errors`), several one after another
    (`routines.districts.run_each`: prefixed lines, paced Google requests)."""
    paths = _config_paths(values)
    if len(paths) == 1:
        sys.exit(one(paths[0], Console(print_line, print_error)))
    clock, sleep = SYSTEM_CLOCK.monotonic, SYSTEM_CLOCK.sleep
    sys.exit(run_each(paths, one, print_line, print_error, clock=clock, sleep=sleep))


def local_today(timezone: str) -> dt.date:
    """Today in `timezone`, for a command that has no config yet (the setup wizard)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def shown_path(path: Path) -> str:
    """A path as a person finds it from where they ran the command: relative to the current
    folder when it is inside it, else in full."""
    full = path.resolve()
    try:
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return str(full)
