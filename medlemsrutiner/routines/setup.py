"""Setting up: `check_setup` (is everything in place for a run?) and `fill_texts` (what
init_workbook adds to Texter). check_setup reads the workbook and templates and writes nothing;
each check gives a line a coordinator can act on (Swedish), and the command exits 0 when all is
well, 1 with warnings, 2 when a run could not work. fill_texts writes through the workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_PARTIAL, AppError
from medlemsrutiner.letters.preview import sample_letters, sample_shared
from medlemsrutiner.letters.render import PARTS, Renderer, context, is_link
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow, Change, SetByKey
from medlemsrutiner.sheet.schema import Tables, tables_from_grids
from medlemsrutiner.sheet.words import (
    LANGUAGE_NEUTRAL_TEXT_KEYS,
    LANGUAGES,
    TEXT_EXPLANATIONS,
    TEXT_KEYS,
)
from medlemsrutiner.steps.district import read_texts, read_trainings, rows_of

EXAMPLE_NAME = "Kim Exempelsson"
EXAMPLE_ORGANISATION = "Amnesty Exempelstad"
EXAMPLE_PHONE = "070-174 06 99"
EXAMPLE_DOMAINS = ("example.org", "example.se", "example.com", "example.net")
"""What config.example.toml and the demo hold: invented, so a real set-up must not keep them."""


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
        tables = tables_from_grids(grids, config.workbook.tab_names)
        checks.append(Check(True, "Alla flikar och rubriker som behövs finns."))
    except AppError as error:
        checks.append(Check(False, str(error)))
        return checks
    checks.extend(_english(tables, today, config))
    checks.extend(_links(tables, today, config))
    if config.mail.transport == "smtp" or config.workbook.backend == "google":
        checks.extend(_example_leftovers(config, tables))
    if config.workbook.backend == "google":
        checks.extend(_access(config, workbook))
    return checks


def _english(tables: Tables, today: dt.date, config: Config) -> list[Check]:
    """Texter keys and upcoming trainings that English letters show without English text."""
    texts, texts_en = read_texts(tables["texts"])
    missing = [
        key
        for key in TEXT_KEYS
        if texts[key] and not texts_en[key] and key not in LANGUAGE_NEUTRAL_TEXT_KEYS
    ]
    checks: list[Check] = []
    if missing:
        checks.append(
            Check(
                True,
                "Texter utan engelsk text (Text (en)): " + ", ".join(missing) + ". Engelska "
                "brev hoppar över de styckena – skriv en engelsk text om de ska vara med.",
                warning=True,
            )
        )
    trainings, _ = read_trainings(tables["trainings"], today, config.routine.trainings_in_letters)
    untitled = [t for t in trainings if not t.title_en]
    if untitled:
        checks.append(
            Check(
                True,
                f"{len(untitled)} av de närmaste utbildningarna saknar Titel (en): engelska brev "
                "visar den svenska titeln och hoppar över beskrivningen.",
                warning=True,
            )
        )
    return checks


def _links(tables: Tables, today: dt.date, config: Config) -> list[Check]:
    """Link cells that letters will show as plain text because they are not http(s) or mailto
    (a `javascript:` link must never become clickable in a letter)."""
    texts, texts_en = read_texts(tables["texts"])
    bad = [
        f"Texter {key}{suffix}"
        for suffix, values in (("", texts), (" (en)", texts_en))
        for key in TEXT_KEYS
        if key.endswith("_länk") and values[key].strip() and not is_link(values[key])
    ]
    trainings, _ = read_trainings(tables["trainings"], today, config.routine.trainings_in_letters)
    bad += [
        f"Utbildningar Anmälan för {t.title or t.date.isoformat()}"
        for t in trainings
        if _LOOKS_LIKE_LINK.match(t.signup.strip()) and not is_link(t.signup)
    ]
    if not bad:
        return []
    return [
        Check(
            True,
            "Länkar som inte börjar med https://, http:// eller mailto: visas som vanlig text i "
            "breven, inte som klickbara länkar: " + ", ".join(bad) + ".",
            warning=True,
        )
    ]


_LOOKS_LIKE_LINK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S")
"""`javascript:…`, `data:…`, `ftp://…`: a scheme, so someone meant it as a link."""


def _is_example_address(address: str) -> bool:
    domain = address.strip().rpartition("@")[2].casefold()
    return any(domain == d or domain.endswith(f".{d}") for d in EXAMPLE_DOMAINS)


def _example_leftovers(config: Config, tables: Tables) -> list[Check]:
    """Anything still left from config.example.toml or the demo, before real letters go out."""
    coordinator, mail = config.coordinator, config.mail
    found = [
        f"{key} ({value})"
        for key, value, left in (
            ("coordinator.name", coordinator.name, coordinator.name == EXAMPLE_NAME),
            ("coordinator.email", coordinator.email, _is_example_address(coordinator.email)),
            (
                "coordinator.phone",
                coordinator.phone,
                cells.format_phone(coordinator.phone) == EXAMPLE_PHONE,
            ),
            (
                "coordinator.organisation",
                coordinator.organisation,
                coordinator.organisation == EXAMPLE_ORGANISATION,
            ),
            (
                "mail.from_name",
                mail.from_name,
                EXAMPLE_NAME in mail.from_name or EXAMPLE_ORGANISATION in mail.from_name,
            ),
            ("mail.from_address", mail.from_address, _is_example_address(mail.from_address)),
            ("mail.reply_to", mail.reply_to, _is_example_address(mail.reply_to)),
            (
                "mail.smtp.username",
                mail.smtp.username if mail.smtp else "",
                mail.smtp is not None and _is_example_address(mail.smtp.username),
            ),
        )
        if left
    ]
    groups = sum(
        _is_example_address(cells.text(record["email"])) for _, record in rows_of(tables["groups"])
    )
    if groups:
        found.append(f"{groups} {'e-postadress' if groups == 1 else 'e-postadresser'} i Grupper")
    if not found:
        return [Check(True, "Inget finns kvar från exemplet (config.example.toml, demon).")]
    return [
        Check(
            True,
            f"Kvar från exemplet i {config.path.name} och arbetsboken: " + "; ".join(found) + ". "
            "Byt till era riktiga uppgifter innan breven skickas på riktigt.",
            warning=True,
        )
    ]


def fill_texts(workbook: Workbook, config: Config) -> list[str]:
    """Give Texter a row for every key the letters use, with its explanation: only keys that
    are missing, and an explanation only where Förklaring is blank. Never overwrites a text.
    Returns what was added, in Swedish. `workbook` must be entered."""
    tables = tables_from_grids(workbook.read(), config.workbook.tab_names)
    changes = text_changes(tables)
    if not changes:
        return []
    resolution = workbook.write(changes)
    return [
        f"texten {dict(change.values)['key']} i {config.workbook.tab_names['texts']}"
        for change in resolution.landed
        if isinstance(change, AppendRow)
    ] + (
        [f"förklaringar i {config.workbook.tab_names['texts']}"]
        if any(isinstance(change, SetByKey) for change in resolution.landed)
        else []
    )


def text_changes(tables: Tables) -> list[Change]:
    """The rows and explanations Texter lacks (pure)."""
    table = tables["texts"]
    if "explanation" not in table.present and table.present:
        return []  # an old Texter without Förklaring: init adds the column first
    found: dict[str, str] = {}
    for _, record in rows_of(table):
        key = cells.normalise_word(record["key"])
        if key and key not in found:
            found[key] = cells.text(record["explanation"])
    changes: list[Change] = []
    for key in TEXT_KEYS:
        explanation = TEXT_EXPLANATIONS[key]
        if key not in found:
            changes.append(AppendRow("texts", (("key", key), ("explanation", explanation))))
        elif not found[key]:
            changes.append(
                SetByKey(
                    "texts",
                    (("key", key),),
                    (("explanation", explanation),),
                    expect=(("explanation", ""),),
                )
            )
    return changes


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
    """Who can open each spreadsheet the workbook uses (routines/sharing.py)."""
    from medlemsrutiner.routines.sharing import sharing_lines

    return [
        Check(True, line.text, warning=line.warning) for line in sharing_lines(config, workbook)
    ]


def exit_code(checks: list[Check]) -> int:
    if not all(check.ok for check in checks):
        return EXIT_NOTHING_DONE
    return EXIT_PARTIAL if any(check.warning for check in checks) else EXIT_OK
