"""The setup wizard, scripts/new_district.py: the questions of `routines.wizard` asked one at
a time in the terminal (or read from `--answers FIL`), the config written
(`routines.newdistrict`), the workbook created as init_workbook does, and at the end
check_setup's lines, its verdict and the three things left to do by hand. I/O: the terminal,
the environment (the mail password is read from the variable the config names, never asked).

It never overwrites a file without asking: an existing config is kept unless the person answers
yes (the default is no), and with `--answers` it is always kept; the workbook is only ever added
to (missing tabs, headers and Texter rows), as init_workbook does.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click

from medlemsrutiner.cli.routine import _init_workbook, setup_checks
from medlemsrutiner.cli.shell import (
    SETTINGS,
    environment,
    load_config,
    local_today,
    print_error,
    print_line,
    shown_path,
    translate_errors,
)
from medlemsrutiner.errors import AppError
from medlemsrutiner.routines import wizard
from medlemsrutiner.routines.districts import Console
from medlemsrutiner.sheet import cells

TIMEZONE = "Europe/Stockholm"
"""The wizard's today (the start date's default): config.example.toml's time zone."""

EARLIER = "Svaren i den nuvarande konfigurationen står inom [hakparenteser]: Enter behåller dem.\n"

INTRODUCTION = """\
Inställningsguiden ställer in medlemsrutiner för ditt distrikt, en fråga i taget. Står det
något inom [hakparenteser] räcker det att trycka Enter. Ingenting skrivs förrän alla frågor är
besvarade, och lösenord frågar den aldrig efter: de ligger i miljövariabler.
"""


@click.command(context_settings=SETTINGS, options_metavar="[ALTERNATIV]")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("privat") / "config.toml",
    show_default=True,
    help="Konfigurationsfilen som skapas (mappen skapas också).",
)
@click.option(
    "--answers",
    "answers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FIL",
    default=None,
    help="Läs svaren ur FIL i stället för att fråga: en textfil med en rad per fråga, t.ex. "
    'organisation = "Amnesty Uppsala" (guiden, docs/guide.md, listar dem). Inställningar som '
    "redan finns lämnas då som de är.",
)
@translate_errors
def new_district(config_path: Path, answers_path: Path | None) -> None:
    """Ställ in ett nytt distrikt. Inställningsguiden frågar efter distriktets namn, dina
    uppgifter, utbildningsansvarig, hur breven ska skickas och var arbetsboken ska finnas.
    Sedan skriver den konfigurationen (med förklaringar), skapar arbetsboken, kontrollerar allt
    och säger vad som är kvar att göra för hand. Den skriver aldrig över en fil utan att
    fråga."""
    from medlemsrutiner.routines import newdistrict
    from medlemsrutiner.routines.setup import exit_code

    day = local_today(TIMEZONE)
    given = None if answers_path is None else newdistrict.read_answers(answers_path, day)
    shown = shown_path(config_path)
    write = True
    earlier: dict[str, Any] = {}
    if config_path.exists():
        if given is not None:
            click.echo(
                f"{shown} finns redan och lämnas som den är (svaren i {answers_path} används "
                "inte). Ta bort filen först om du vill börja om."
            )
            write = False
        else:
            write = _yes_no(f"{shown} finns redan. Vill du skriva över den med nya svar?", False)
            if not write:
                click.echo(f"{shown} lämnas som den är.")
            earlier = newdistrict.earlier_answers(config_path)
    if write:
        if given is None:
            click.echo(INTRODUCTION)
            if earlier:
                click.echo(EARLIER)
            given = _ask_all(wizard.questions(day), {}, defaults=earlier)
            given = _until_the_login_works(given, day, config_path, shown)
        text, _ = newdistrict.new_config(given, day, config_path.resolve(), shown)
        newdistrict.write_config(config_path, text)
        click.echo(f"Skrev {shown}. Förklaringarna i filen säger vad varje inställning gör.")

    console = Console(print_line, print_error)
    click.echo("\nArbetsboken:")
    try:
        _init_workbook(config_path, console)
    except AppError as error:
        click.echo(error.line)
    click.echo("\nKontroll (som scripts/check_setup.py):")
    checks = setup_checks(config_path, console)
    click.echo(f"\nKvar att göra för hand, i {_workbook_of(config_path)}:")
    for number, (task, left) in enumerate(newdistrict.left_to_do(checks), start=1):
        click.echo(f"  {number}. {task.what}{'' if left else ' (klart)'}")
    click.echo("\n" + newdistrict.welcome_note(load_config(config_path).start_date, shown))
    click.echo(
        "\nKontrollera sedan igen, och provkör utan att något skickas eller ändras:\n"
        f"  .venv/bin/python scripts/check_setup.py --config {shown}\n"
        f"  .venv/bin/python scripts/run_daily.py --config {shown} --dry-run"
    )
    sys.exit(exit_code(checks))


def _workbook_of(path: Path) -> str:
    """Where the workbook is, as a person finds it (the config has just been checked)."""
    workbook = load_config(path).workbook
    if workbook.backend == "xlsx" and workbook.path is not None:
        return f"arbetsboken {shown_path(workbook.path)}"
    return f"kalkylarket https://docs.google.com/spreadsheets/d/{workbook.spreadsheet_id}/edit"


def _ask(question: wizard.Question, default: str | None) -> Any:
    """Ask until the answer can be used; an empty answer to a question without a default is
    asked again with a word of why (click would ask again in silence)."""
    while True:
        text = click.prompt(
            question.prompt, default="" if default is None else default, show_default=bool(default)
        )
        if default is None and not text.strip():
            click.echo("  Svaret saknas: skriv ett svar (Ctrl+C avbryter utan att något skrivs).")
            continue
        try:
            return question.read(text)
        except wizard.Invalid as error:
            click.echo(f"  {error}. Försök igen.")


def _ask_all(
    questions: Iterable[wizard.Question],
    earlier: Mapping[str, Any],
    only: Iterable[str] | None = None,
    defaults: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Every question that applies, in order; an earlier answer is the default (`only`: ask
    just these again, keep the rest), and so is an answer in `defaults` (the config being
    replaced, as text)."""
    again = None if only is None else set(only)
    answers = dict(earlier)
    for question in questions:
        if not question.asked(answers):
            continue
        if again is not None and question.key not in again and question.key in answers:
            continue
        if question.key in answers:
            default: str | None = wizard.as_text(answers[question.key])
        elif defaults and question.key in defaults:
            default = defaults[question.key]
        else:
            default = question.default_for(answers)
        answers[question.key] = _ask(question, default)
    return answers


def _yes_no(question: str, default: bool) -> bool:
    while True:
        answer = cells.parse_yes_no(
            click.prompt(f"{question} (ja/nej)", default="ja" if default else "nej")
        )
        if isinstance(answer, bool):
            return answer
        click.echo("  Svara ja eller nej.")


def _until_the_login_works(
    answers: dict[str, Any], day: dt.date, path: Path, shown: str
) -> dict[str, Any]:
    """With a mail server: log in (nothing is sent) and, while it fails, offer to answer the
    mail questions again."""
    from medlemsrutiner.routines import newdistrict
    from medlemsrutiner.routines.setup import login_check

    while answers["mail"] != "outbox":
        _, config = newdistrict.new_config(answers, day, path.resolve(), shown)
        check = login_check(config, environment())
        if check.ok:
            click.echo("Inloggningen till e-postservern lyckades (inget brev skickades).")
            break
        click.echo(f"Inloggningen gick inte: {check.text}")
        smtp = config.mail.smtp
        missing = (
            smtp is not None
            and bool(smtp.username)
            and smtp.oauth2_file is None
            and not environment().get(smtp.password_env, "").strip()
        )
        if missing and smtp is not None:
            click.echo(
                f"Sätt miljövariabeln {smtp.password_env} till lösenordet (för Gmail: "
                "applösenordet), så kontrollerar check_setup.py inloggningen."
            )
        if not _yes_no("Vill du svara på frågorna om e-posten igen?", not missing):
            break
        answers = _ask_all(wizard.questions(day), answers, only=wizard.MAIL_KEYS)
    return answers
