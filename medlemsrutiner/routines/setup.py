"""Setting up: `check_setup` (is everything in place for a run?) and `fill_texts` (what
init_workbook adds to Texter). check_setup reads the workbook, the templates and
config.example.toml (to know what is left from it) and writes nothing; each check gives a line a
coordinator can act on (Swedish), and `verdict` sums them up: "Klart att köra", "Fungerar, men
…" with the list, or "Fungerar inte än". `exit_code`: 0 when a run works and only the
workbook's own content is left to fill in (groups, trainings, local texts: tasks), 1 when it
works but something should change first (left from the example, texts without English, who
can open the follow-up), 2 when a run could not work. fill_texts writes through the workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medlemsrutiner import config as config_module
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.config_template import EXAMPLE_CONFIG
from medlemsrutiner.errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_PARTIAL, AppError
from medlemsrutiner.letters.language import UNTITLED_TRAINING
from medlemsrutiner.letters.preview import sample_letters, sample_shared
from medlemsrutiner.letters.render import PARTS, Renderer, context, is_link
from medlemsrutiner.reports.weekly import english_expected
from medlemsrutiner.routines import leftovers
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow, Change, SetByKey
from medlemsrutiner.sheet.schema import Tables, tables_from_grids
from medlemsrutiner.sheet.words import LANGUAGES, TEXT_EXPLANATIONS, TEXT_KEYS
from medlemsrutiner.steps.district import missing_english, read_texts, read_trainings, rows_of
from medlemsrutiner.steps.records import read_records


@dataclass(frozen=True)
class CheckResult:
    """What one check of check_setup found: passed or not, the line that says so (Swedish),
    and how the verdict counts it."""

    ok: bool
    text: str
    warning: bool = False
    task: bool = False
    """A warning about the workbook's own content still to fill in (groups, trainings, local
    texts): listed in the verdict, but the set-up works and the exit code stays 0."""
    topic: str = ""
    """A few words for the verdict's list; without them the text's first clause is used."""
    note: bool = False
    """Worth knowing, nothing to do now (e.g. English texts missing while nobody gets an
    English letter): neither OK nor a warning."""

    @property
    def mark(self) -> str:
        """How the line is marked: `OK `, `OBS` (look at this), `FEL` (a run would fail) or
        ` i ` (a note)."""
        if not self.ok:
            return "FEL"
        if self.warning:
            return "OBS"
        return " i " if self.note else "OK "


def check_setup(
    config: Config,
    open_workbook: Callable[[], Workbook],
    env: Mapping[str, str],
    today: dt.date,
    shown: str | None = None,
) -> list[CheckResult]:
    """Run every check; never raises an AppError (it becomes a failed check). `shown`: the
    config's path as the person finds it from where they ran the command (else its name)."""
    name = shown or config.path.name
    checks = [CheckResult(True, f"Konfigurationen {name} är giltig.")]
    checks.append(_templates(config, today))
    checks.extend(_mail(config, env))
    try:
        workbook = open_workbook()
        with workbook:
            grids = workbook.read()
        checks.append(CheckResult(True, f"Arbetsboken går att öppna ({workbook.describe()})."))
        checks.extend(CheckResult(False, notice, warning=True) for notice in workbook.notices)
        tables = tables_from_grids(grids, config.workbook.tab_names)
        checks.append(CheckResult(True, "Alla flikar och rubriker som behövs finns."))
    except AppError as error:
        checks.append(CheckResult(False, str(error)))
        return checks
    checks.extend(_english(tables, today, config))
    checks.extend(_links(tables, today, config))
    checks.extend(_leftovers(config, tables, today, name))
    checks.extend(_training_dates(tables, today))
    if config.workbook.backend == "google":
        checks.extend(_access(config, workbook))
    return checks


def _english(tables: Tables, today: dt.date, config: Config) -> list[CheckResult]:
    """The texts English letters leave out because they exist only in Swedish (Texter, the
    active groups, the trainings the letters show): a warning while someone may get an English
    letter, a note otherwise."""
    records = read_records(tables, today, config.settings)
    shared = records.shared
    missing = missing_english(shared.texts, shared.texts_en, shared.groups, shared.trainings)
    expected = english_expected(records, config.settings)
    after = {
        "texts": "Engelska brev hoppar över de styckena (utan engelsk signatur får de "
        "standardsignaturen).",
        "groups": "Engelska brev visar inte de uppgifterna.",
        "trainings": f"Engelska brev kallar en utbildning utan engelsk titel "
        f'"{UNTITLED_TRAINING["en"]}" och hoppar över beskrivningen.',
    }
    found = [
        (config.workbook.tab_names[tab], listed, explained)
        for tab, explained in after.items()
        if (
            listed := "; ".join(
                f"{' och '.join(m.columns)} saknas för {', '.join(m.items)}"
                for m in missing
                if m.tab == tab
            )
        )
    ]
    if found and not expected:  # nothing to do before someone gets an English letter
        where = "; ".join(f"i {tab}: {listed}" for tab, listed, _ in found)
        return [
            CheckResult(
                True,
                "Ingen i arbetsboken får engelska brev just nu, så inget behöver göras. Får "
                f"någon Språk en saknas engelsk text {where}.",
                note=True,
            )
        ]
    return [
        CheckResult(
            True,
            f"Engelsk text saknas i {tab}: {listed}. {explained} Skriv den engelska texten om "
            "den ska vara med.",
            warning=True,
            topic="engelska texter",
        )
        for tab, listed, explained in found
    ]


def _training_dates(tables: Tables, today: dt.date) -> list[CheckResult]:
    """Rows of Utbildningar whose Datum a person must see to: unreadable, or typed without a
    year and passed (the daily run flags them too, and the weekly summary lists them)."""
    _, flags = read_trainings(tables["trainings"], today, 0)
    return [
        CheckResult(True, flag.text, warning=True, topic="datum i Utbildningar") for flag in flags
    ]


def _links(tables: Tables, today: dt.date, config: Config) -> list[CheckResult]:
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
        CheckResult(
            True,
            "Länkar som inte börjar med https://, http:// eller mailto: visas som vanlig text i "
            "breven, inte som klickbara länkar: " + ", ".join(bad) + ".",
            warning=True,
            topic="länkar som inte blir klickbara",
        )
    ]


_LOOKS_LIKE_LINK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S")
"""`javascript:…`, `data:…`, `ftp://…`: a scheme, so someone meant it as a link."""


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


def _templates(config: Config, today: dt.date) -> CheckResult:
    renderer = Renderer(config.mail.templates)
    shared = sample_shared(today)
    try:
        for letter in (letter for language in LANGUAGES for letter in sample_letters(language)):
            for part in PARTS:
                renderer.render_part(
                    letter.language, letter.kind, part, context(letter, shared, config, today)
                )
    except AppError as error:
        return CheckResult(False, str(error))
    return CheckResult(True, f"Alla mallar går att fylla i ({config.mail.templates}).")


def _mail(config: Config, env: Mapping[str, str]) -> list[CheckResult]:
    if config.mail.transport == "outbox":
        return [CheckResult(True, f"Breven skrivs till utkorgen {config.mail.outbox}.")]
    from medlemsrutiner.adapters.smtp import open_smtp_transport

    try:
        transport = open_smtp_transport(config, env)
        with transport:  # connects and logs in, sends nothing
            pass
    except AppError as error:
        return [CheckResult(False, str(error))]
    return [
        CheckResult(True, f"Inloggningen till e-postservern lyckades ({transport.describe()}).")
    ]


def _access(config: Config, workbook: Workbook) -> list[CheckResult]:
    """Who can open each spreadsheet the workbook uses (routines/sharing.py)."""
    from medlemsrutiner.routines.sharing import sharing_lines

    return [
        CheckResult(True, line.text, warning=line.warning, topic="vem som kan öppna kalkylarken")
        for line in sharing_lines(config, workbook)
    ]


def exit_code(checks: list[CheckResult]) -> int:
    if not all(check.ok for check in checks):
        return EXIT_NOTHING_DONE
    return EXIT_PARTIAL if any(c.warning and not c.task for c in checks) else EXIT_OK


def _leftovers(config: Config, tables: Tables, today: dt.date, name: str) -> list[CheckResult]:
    """What is left from the example (whatever the transport), and the workbook's content
    still to fill in (`routines.leftovers`)."""
    try:
        example: Config | None = config_module.load(EXAMPLE_CONFIG)
    except AppError:
        example = None  # the reserved example domains still catch its addresses
    found = leftovers.example_values(config, example, tables)
    checks = [
        CheckResult(
            True,
            f"Kvar från exemplet i {name} och arbetsboken: " + "; ".join(found) + ". "
            "Byt till era riktiga uppgifter innan breven skickas på riktigt.",
            warning=True,
            topic="uppgifter kvar från exemplet",
        )
        if found
        else CheckResult(True, "Inget finns kvar från exemplet (config.example.toml, demon).")
    ]
    checks.extend(
        CheckResult(True, finding.text, warning=True, task=True, topic=finding.topic)
        for finding in leftovers.content_to_fill_in(config, tables, today)
    )
    return checks


def login_check(config: Config, env: Mapping[str, str]) -> CheckResult:
    """Log in to the mail server and send nothing (with the outbox: where letters go)."""
    return _mail(config, env)[0]


def _topic(check: CheckResult) -> str:
    if check.topic:
        return check.topic
    first = re.split(r"[.:] ", check.text, maxsplit=1)[0].rstrip(".")
    return first if len(first) <= 70 else first[:67].rstrip() + " …"


def verdict(checks: list[CheckResult]) -> str:
    """One line that sums the checks up: ready, works but (with the list), or does not."""
    failed = sum(not check.ok for check in checks)
    topics = _listed(list(dict.fromkeys(_topic(c) for c in checks if c.ok and c.warning)))
    if failed:
        also = f" Se också över: {topics}." if topics else ""
        return (
            f"Fungerar inte än: rätta {'felet' if failed == 1 else f'de {failed} felen'} "
            f"([FEL] ovan) och kontrollera igen.{also}"
        )
    if topics:
        return f"Fungerar, men se över: {topics} ([OBS] ovan)."
    return "Klart att köra."


def _listed(topics: list[str]) -> str:
    """`a`, `a och b`, `a, b och c`."""
    return " och ".join([", ".join(topics[:-1]), topics[-1]] if len(topics) > 1 else topics)
