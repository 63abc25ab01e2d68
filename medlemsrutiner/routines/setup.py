"""check_setup: is everything in place for a run? Reads the workbook and templates; writes
nothing. Each check gives a line a coordinator can act on (Swedish); the command exits 0 when
all is well, 1 with warnings, 2 when a run could not work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_PARTIAL, AppError
from medlemsrutiner.letters.preview import sample_letters, sample_shared
from medlemsrutiner.letters.render import PARTS, Renderer, context
from medlemsrutiner.sheet.schema import tables_from_grids
from medlemsrutiner.sheet.words import LANGUAGES


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str
    warning: bool = False


def check_setup(
    config: Config,
    open_workbook: Callable[[], Workbook],
    env: Mapping[str, str],
    today: dt.date,
) -> list[Check]:
    """Run every check; never raises an AppError (it becomes a failed check)."""
    checks = [Check(True, f"Konfigurationen {config.path.name} är giltig.")]
    checks.append(_templates(config, today))
    checks.extend(_mail(config, env))
    try:
        workbook = open_workbook()
        with workbook:
            grids = workbook.read()
        checks.append(Check(True, f"Arbetsboken går att öppna ({workbook.describe()})."))
        tables_from_grids(grids, config.workbook.tab_names)
        checks.append(Check(True, "Alla flikar och rubriker som behövs finns."))
    except AppError as error:
        checks.append(Check(False, str(error)))
        return checks
    if config.workbook.backend == "google":
        checks.extend(_access(config, workbook))
    return checks


def _templates(config: Config, today: dt.date) -> Check:
    renderer = Renderer(config.mail.templates)
    shared = sample_shared(today)
    try:
        for letter in (letter for language in LANGUAGES for letter in sample_letters(language)):
            for part in PARTS:
                renderer.render_part(
                    letter.language, letter.kind, part, context(letter, shared, config)
                )
    except AppError as error:
        return Check(False, str(error))
    return Check(True, f"Alla mallar går att fylla i ({config.mail.templates}).")


def _mail(config: Config, env: Mapping[str, str]) -> list[Check]:
    if config.mail.transport == "outbox":
        return [Check(True, f"Breven skrivs till utkorgen {config.mail.outbox}.")]
    from medlemsrutiner.adapters.smtp import open_smtp_transport

    try:
        transport = open_smtp_transport(config, env)
        with transport:  # connects and logs in, sends nothing
            pass
    except AppError as error:
        return [Check(False, str(error))]
    return [Check(True, f"Inloggningen till e-postservern lyckades ({transport.describe()}).")]


def _access(config: Config, workbook: Workbook) -> list[Check]:
    from medlemsrutiner.adapters.google.setup import followup_access
    from medlemsrutiner.adapters.google.workbook import GoogleWorkbook

    assert isinstance(workbook, GoogleWorkbook)
    checks: list[Check] = []
    if workbook.followup_spreadsheet_id is None:
        checks.append(
            Check(
                True,
                "Uppföljning ligger i samma kalkylark som Intresserade: alla "
                "som kan öppna kalkylarket kan läsa den (Google kan inte dölja "
                "en flik). Lägg den hellre i ett eget kalkylark "
                "(followup_spreadsheet_id).",
                warning=True,
            )
        )
    try:
        access = followup_access(workbook, config.coordinator.email, workbook.account_email)
    except AppError as error:
        return [*checks, Check(True, str(error), warning=True)]
    checks.append(Check(True, "Uppföljningen kan öppnas av: " + "; ".join(access.people)))
    if access.unexpected:
        checks.append(
            Check(
                True,
                "Fler än medlemsansvarig och tjänstekontot kan öppna "
                "uppföljningen: " + "; ".join(access.unexpected) + ". Ta bort "
                "dem under Dela i Google Kalkylark.",
                warning=True,
            )
        )
    return checks


def exit_code(checks: list[Check]) -> int:
    if not all(check.ok for check in checks):
        return EXIT_NOTHING_DONE
    return EXIT_PARTIAL if any(check.warning for check in checks) else EXIT_OK
