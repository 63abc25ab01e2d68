"""Configuration: one TOML file validated into frozen dataclasses.

`load(path)` reads the file (the only I/O here); `parse(data, path)` validates a dict. Every
problem raises ConfigError naming the file and the dotted key, so a coordinator can find the
line. Unknown keys are errors too: a typo must not silently fall back to a default. Relative
paths are relative to the config file's folder. Secrets are never in the file: the file names
the environment variables that hold them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from medlemsrutiner.config_text import read_toml
from medlemsrutiner.errors import ConfigError
from medlemsrutiner.settings import Routine, Settings
from medlemsrutiner.sheet.cells import Bad, parse_email
from medlemsrutiner.sheet.schema import FORM_ANSWERS, TABS
from medlemsrutiner.sheet.words import LANGUAGES
from medlemsrutiner.steps.intake import FIELDS

__all__ = ["Config", "load", "parse"]

T = TypeVar("T")

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Coordinator:
    """Who the letters come from and whom newcomers can reach."""

    name: str
    email: str
    phone: str
    organisation: str


@dataclass(frozen=True)
class TrainingCoordinator:
    """Who arranges the basic trainings: gets a short weekly email of their own."""

    name: str
    email: str


@dataclass(frozen=True)
class WorkbookConfig:
    backend: Literal["xlsx", "google"]
    path: Path | None
    spreadsheet_id: str | None
    followup_spreadsheet_id: str | None
    credentials_file: Path | None
    credentials_env: str
    timeout_seconds: float
    tab_names: Mapping[str, str]
    """Internal tab key -> the tab's name in the workbook (`form_answers` only when set)."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    username: str
    password_env: str
    gmail: bool
    oauth2_file: Path | None
    timeout_seconds: float


@dataclass(frozen=True)
class MailConfig:
    transport: Literal["outbox", "smtp"]
    outbox: Path
    from_name: str
    from_address: str
    reply_to: str
    templates: Path
    max_per_run: int
    daily_limit: int
    smtp: SmtpConfig | None
    journal: Path | None = None
    """The send journal's file, when the config names one (see `Config.journal_path`)."""


@dataclass(frozen=True)
class IntakeConfig:
    """Importing people from files and from the form-answers tab."""

    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Field (`phone`, …) -> extra column headers meaning it, besides the built-in ones."""


@dataclass(frozen=True)
class Config:
    path: Path
    timezone: str
    start_date: dt.date
    language: str
    coordinator: Coordinator
    workbook: WorkbookConfig
    mail: MailConfig
    routine: Routine = field(default_factory=Routine)
    training_coordinator: TrainingCoordinator | None = None
    intake: IntakeConfig = field(default_factory=IntakeConfig)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def journal_path(self) -> Path:
        """The send journal: `mail.journal`, or beside the local workbook
        (`.<file>.medlemsrutiner-journal`), or for a Google Sheet beside this config file
        (`.medlemsrutiner-journal-<spreadsheet id>`): one journal per workbook."""
        if self.mail.journal is not None:
            return self.mail.journal
        path = self.workbook.path
        if self.workbook.backend == "xlsx" and path is not None:
            return path.with_name(f".{path.name}.medlemsrutiner-journal")
        return self.path.parent / f".medlemsrutiner-journal-{self.workbook.spreadsheet_id}"

    @property
    def settings(self) -> Settings:
        """What the pure steps need: no paths, servers or secrets."""
        return Settings(start_date=self.start_date, language=self.language, routine=self.routine)


def load(path: str | Path) -> Config:
    """Read and validate the TOML file at `path` (see `config_text` for the reading)."""
    file = Path(path)
    return parse(read_toml(file), file)


class _Section:
    """Typed access to one TOML table that remembers which keys were used."""

    def __init__(self, data: Mapping[str, Any], prefix: str, file: Path) -> None:
        self.data = data
        self.prefix = prefix
        self.file = file
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def error(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), problem)

    def get(self, name: str, kind: type[T], default: T | None = None, required: bool = False) -> T:
        self.used.add(name)
        if name not in self.data:
            if required or default is None:
                raise self.error(name, "nyckeln saknas")
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is int and isinstance(value, bool):
            raise self.error(name, "ska vara ett heltal")
        if kind is dt.date and isinstance(value, dt.datetime):
            raise self.error(name, "ska vara ett datum utan tid, t.ex. 2026-01-01")
        if not isinstance(value, kind):
            raise self.error(name, f"ska vara {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def line(self, name: str, default: str | None = None, required: bool = False) -> str:
        """A text that goes into an email header (a name): one line, no control characters,
        since a line break there would end the header and start another."""
        value = self.get(name, str, default, required)
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise self.error(name, "får inte innehålla radbrytningar eller andra styrtecken")
        return value

    def address(self, name: str, default: str | None = None, required: bool = False) -> str:
        """An email address, exactly (`kim@example.org`, no name or brackets around it)."""
        value = self.get(name, str, default, required)
        parsed = parse_email(value)
        if (
            parsed is None
            or isinstance(parsed, Bad)
            or value != value.strip()
            or any(c in value for c in '<>"')
            or any(c.isspace() or unicodedata.category(c) == "Cc" for c in value)
        ):
            raise self.error(
                name, f"'{_shown(value)}' är ingen e-postadress (skriv t.ex. kim@example.org)"
            )
        return value

    def optional_str(self, name: str) -> str | None:
        self.used.add(name)
        if name not in self.data:
            return None
        return self.get(name, str)

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            raise self.error(name, f"ska vara en av {', '.join(choices)}")
        return value

    def positive(self, name: str, default: int) -> int:
        value = self.get(name, int, default)
        if value < 0:
            raise self.error(name, "får inte vara negativt")
        return value

    def path(self, name: str, default: str | None = None) -> Path:
        raw = self.get(name, str, default)
        candidate = Path(raw).expanduser()
        return candidate if candidate.is_absolute() else (self.file.parent / candidate).resolve()

    def section(self, name: str, required: bool = True) -> _Section:
        self.used.add(name)
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(name, "tabellen saknas")
            value = {}
        if not isinstance(value, dict):
            raise self.error(name, "ska vara en tabell ([...])")
        return _Section(value, f"{self.key(name)}.", self.file)

    def done(self) -> None:
        for name in self.data:
            if name not in self.used:
                raise self.error(name, "okänd nyckel (stavfel?)")


def _shown(value: str) -> str:
    """A config value as a message may show it: control characters escaped, and shortened."""
    shown = "".join(c if unicodedata.category(c) != "Cc" else repr(c)[1:-1] for c in value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_KIND_NAMES: Mapping[type, str] = {
    str: "en text inom citattecken",
    int: "ett heltal",
    float: "ett tal",
    bool: "true eller false",
    dt.date: "ett datum, t.ex. 2026-01-01",
    list: 'en lista inom hakparenteser, t.ex. ["Mobilnr"]',
}


def parse(data: Mapping[str, Any], file: Path) -> Config:
    """Validate `data` (as read from `file`) into a Config."""
    root = _Section(data, "", file)
    timezone = root.get("timezone", str, required=True)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise root.error("timezone", "okänd tidszon, t.ex. Europe/Stockholm") from None
    start_date = root.get("start_date", dt.date, required=True)
    language = root.choice("language", LANGUAGES, "sv")

    coordinator_section = root.section("coordinator")
    coordinator = Coordinator(
        name=coordinator_section.line("name", required=True),
        email=coordinator_section.address("email", required=True),
        phone=coordinator_section.get("phone", str, ""),
        organisation=coordinator_section.get("organisation", str, "Amnesty"),
    )
    coordinator_section.done()

    training_coordinator = None
    if "training_coordinator" in data:
        training_section = root.section("training_coordinator")
        training_coordinator = TrainingCoordinator(
            name=training_section.line("name", required=True),
            email=training_section.address("email", required=True),
        )
        training_section.done()
    root.used.add("training_coordinator")

    workbook = _workbook(root.section("workbook"))
    mail = _mail(root.section("mail"), coordinator)
    routine = _routine(root.section("routine", required=False))
    intake = _intake(root.section("intake", required=False))
    root.done()
    return Config(
        path=file.resolve(),
        timezone=timezone,
        start_date=start_date,
        language=language,
        coordinator=coordinator,
        workbook=workbook,
        mail=mail,
        routine=routine,
        training_coordinator=training_coordinator,
        intake=intake,
    )


def _workbook(section: _Section) -> WorkbookConfig:
    backend = section.choice("backend", ("xlsx", "google"))
    path = section.path("path") if backend == "xlsx" else None
    spreadsheet_id = (
        section.get("spreadsheet_id", str, required=True)
        if backend == "google"
        else section.optional_str("spreadsheet_id")
    )
    credentials_file = (
        section.path("credentials_file") if "credentials_file" in section.data else None
    )
    section.used.add("credentials_file")
    tabs = section.section("tabs", required=False)
    tab_names = {tab.key: tabs.get(tab.key, str, tab.default_name) for tab in TABS}
    form_answers = tabs.optional_str(FORM_ANSWERS.key)
    if form_answers is not None:
        tab_names[FORM_ANSWERS.key] = form_answers
    tabs.done()
    if "path" in section.data and backend != "xlsx":
        section.used.add("path")
    result = WorkbookConfig(
        backend=cast(Literal["xlsx", "google"], backend),
        path=path,
        spreadsheet_id=spreadsheet_id,
        followup_spreadsheet_id=section.optional_str("followup_spreadsheet_id"),
        credentials_file=credentials_file,
        credentials_env=section.get("credentials_env", str, "MEDLEMSRUTINER_GOOGLE_CREDENTIALS"),
        timeout_seconds=section.get("timeout_seconds", float, 30.0),
        tab_names=tab_names,
    )
    section.done()
    return result


def _mail(section: _Section, coordinator: Coordinator) -> MailConfig:
    transport = section.choice("transport", ("outbox", "smtp"))
    smtp: SmtpConfig | None = None
    if transport == "smtp" or "smtp" in section.data:
        smtp_section = section.section("smtp")
        gmail = smtp_section.get("gmail", bool, False)
        security = smtp_section.choice("security", ("starttls", "ssl", "none"), "starttls")
        smtp = SmtpConfig(
            host=smtp_section.get("host", str, "smtp.gmail.com" if gmail else None),
            port=smtp_section.get("port", int, 465 if security == "ssl" else 587),
            security=cast(Literal["starttls", "ssl", "none"], security),
            username=smtp_section.get("username", str, coordinator.email),
            password_env=smtp_section.get("password_env", str, "MEDLEMSRUTINER_SMTP_PASSWORD"),
            gmail=gmail,
            oauth2_file=(
                smtp_section.path("oauth2_file") if "oauth2_file" in smtp_section.data else None
            ),
            timeout_seconds=smtp_section.get("timeout_seconds", float, 30.0),
        )
        smtp_section.used.add("oauth2_file")
        smtp_section.done()
    result = MailConfig(
        transport=cast(Literal["outbox", "smtp"], transport),
        outbox=section.path("outbox", "outbox"),
        from_name=section.line("from_name", coordinator.name),
        from_address=section.address("from_address", coordinator.email),
        reply_to=section.address("reply_to", coordinator.email),
        templates=(section.path("templates") if "templates" in section.data else DEFAULT_TEMPLATES),
        max_per_run=section.positive("max_per_run", 200),
        daily_limit=section.positive("daily_limit", 400),
        smtp=smtp,
        journal=section.path("journal") if "journal" in section.data else None,
    )
    section.used.add("templates")
    section.used.add("journal")
    section.done()
    return result


def _routine(section: _Section) -> Routine:
    defaults = Routine()
    values: dict[str, Any] = {}
    for item in dataclasses.fields(Routine):
        default = getattr(defaults, item.name)
        if isinstance(default, bool):
            values[item.name] = section.get(item.name, bool, default)
            continue
        value = section.positive(item.name, default)
        if value > item.metadata["max"]:
            raise section.error(item.name, f"får vara högst {item.metadata['max']}")
        values[item.name] = value
    section.done()
    routine = Routine(**values)
    if routine.follow_up_by_weeks < routine.follow_up_from_weeks:
        raise section.error("follow_up_by_weeks", "ska vara minst follow_up_from_weeks")
    return routine


def _intake(section: _Section) -> IntakeConfig:
    aliases_section = section.section("aliases", required=False)
    aliases: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        if name not in aliases_section.data:
            continue
        value = aliases_section.get(name, list)
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise aliases_section.error(name, 'ska vara en lista av rubriker, t.ex. ["Mobilnr"]')
        aliases[name] = tuple(value)
    aliases_section.done()
    section.done()
    return IntakeConfig(aliases=aliases)
