"""Behaviour of medlemsrutiner.config: one TOML file validated into frozen dataclasses.

Every config is written into `tmp_path` as TOML text and read back with `config.load`, the way a
coordinator's file is read. Invented data only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from medlemsrutiner import config
from medlemsrutiner.config import DEFAULT_TEMPLATES, Config
from medlemsrutiner.errors import EXIT_NOTHING_DONE, AppError, ConfigError
from medlemsrutiner.settings import Routine
from medlemsrutiner.sheet.schema import TABS
from medlemsrutiner.steps.intake import FIELDS

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "config.example.toml"


# --- helpers ----------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(value)


def dump(data: Mapping[str, Any], prefix: str = "") -> str:
    """A small TOML writer: scalars first, then one [table] per nested mapping."""
    lines = [
        f"{key} = {_value(value)}" for key, value in data.items() if not isinstance(value, dict)
    ]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{prefix}{key}]", dump(value, f"{prefix}{key}.")]
    return "\n".join(lines)


def minimal() -> dict[str, Any]:
    """The smallest valid config: the fixed keys of DESIGN.md plus the coordinator."""
    return {
        "timezone": "Europe/Stockholm",
        "start_date": dt.date(2026, 1, 1),
        "coordinator": {"name": "Kim Exempelsson", "email": "medlemsansvarig@example.org"},
        "workbook": {"backend": "xlsx", "path": "demo/medlemsrutiner.xlsx"},
        "mail": {"transport": "outbox", "outbox": "outbox"},
    }


def write(folder: Path, data: Mapping[str, Any] | str, name: str = "config.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return file


def load(folder: Path, data: Mapping[str, Any] | str) -> Config:
    return config.load(write(folder, data))


def config_error(folder: Path, data: Mapping[str, Any] | str) -> tuple[ConfigError, Path]:
    file = write(folder, data)
    with pytest.raises(ConfigError) as caught:
        config.load(file)
    return caught.value, file


def assert_names(error: ConfigError, file: Path, key: str | None) -> None:
    message = str(error)
    assert str(file) in message
    assert error.path == file
    assert error.key == key
    if key is not None:
        assert key in message


def changed(path: str, value: Any) -> dict[str, Any]:
    """minimal() with the dotted `path` set to `value` (tables are created on the way)."""
    data = minimal()
    *tables, key = path.split(".")
    table = data
    for name in tables:
        table = table.setdefault(name, {})
    table[key] = value
    return data


def without(path: str) -> dict[str, Any]:
    data = minimal()
    *tables, key = path.split(".")
    table = data
    for name in tables:
        table = table[name]
    del table[key]
    return data


# --- the example file -------------------------------------------------------------------------


def test_the_example_config_loads() -> None:
    loaded = config.load(EXAMPLE)
    assert loaded.path == EXAMPLE.resolve()
    assert loaded.timezone == "Europe/Stockholm"
    assert loaded.start_date == dt.date(2026, 1, 1)
    assert loaded.language == "sv"
    assert loaded.workbook.backend == "xlsx"
    assert loaded.workbook.path == REPO / "demo" / "medlemsrutiner.xlsx"
    assert loaded.mail.transport == "outbox"
    assert loaded.mail.outbox == REPO / "outbox"
    assert loaded.mail.smtp is None
    assert loaded.mail.templates == DEFAULT_TEMPLATES


def test_the_example_config_uses_example_addresses_only() -> None:
    for address in re.findall(r"[\w.+-]+@[\w.-]+", EXAMPLE.read_text(encoding="utf-8")):
        assert address.endswith(("@example.org", "@example.se")), address


def test_the_example_config_shows_the_deadlines_of_the_routine() -> None:
    routine = config.load(EXAMPLE).routine
    assert routine.welcome_within_days == 3
    assert routine.call_within_days == 7
    assert (routine.follow_up_from_weeks, routine.follow_up_by_weeks) == (8, 10)


def test_the_example_config_names_the_default_tabs() -> None:
    loaded = config.load(EXAMPLE)
    assert dict(loaded.workbook.tab_names) == {tab.key: tab.default_name for tab in TABS}


_TABLE = re.compile(r"^\s*#?\s*\[([A-Za-z0-9_.-]+)\]")
_KEY = re.compile(r"^\s*(#\s*)?([A-Za-z0-9_-]+)\s*=\s*(\S.*)$")


def _trailing_comment(rest: str) -> bool:
    """True when the text after `=` has a `#` outside quotes."""
    quote = ""
    for char in rest:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return True
    return False


def _example_key_lines() -> list[tuple[int, str, str]]:
    """(line index, dotted key, line) for every key line, commented-out ones included."""
    table = ""
    found = []
    for index, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines()):
        header = _TABLE.match(line)
        if header:
            table = header[1] + "."
            continue
        key = _KEY.match(line)
        if key:
            found.append((index, table + key[2], line))
    return found


def _is_documented(lines: list[str], index: int) -> bool:
    """The line carries a comment, or the block of key lines it is in starts with prose."""
    key = _KEY.match(lines[index])
    assert key is not None
    if _trailing_comment(key[3]):
        return True
    above = index - 1
    while above >= 0 and _KEY.match(lines[above]):
        above -= 1
    if above < 0:
        return False
    line = lines[above].strip()
    return line.startswith("#") and not _TABLE.match(line)


@pytest.mark.parametrize(
    ("index", "key"),
    [pytest.param(index, key, id=key) for index, key, _line in _example_key_lines()],
)
def test_every_key_line_in_the_example_config_has_a_comment(index: int, key: str) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert _is_documented(lines, index), f"line {index + 1}: {lines[index]}"


def test_the_comment_check_finds_the_commented_out_keys_too() -> None:
    keys = {key for _index, key, _line in _example_key_lines()}
    assert {"workbook.spreadsheet_id", "mail.templates", "mail.smtp.host"} <= keys
    assert {"timezone", "workbook.tabs.newcomers", "routine.follow_up_by_weeks"} <= keys


def test_the_comment_check_rejects_a_bare_key_line() -> None:
    lines = ["[mail]", "# Sender.", "from_name = 'Kim'", "", "max_per_run = 3"]
    assert _is_documented(lines, 2)
    assert not _is_documented(lines, 4)
    assert _is_documented(["x = 1 # why"], 0)
    assert not _is_documented(["x = 'a # b'"], 0)


def test_every_key_the_loader_accepts_is_in_the_example_config() -> None:
    known = {
        "timezone", "start_date", "language",
        "coordinator.name", "coordinator.email", "coordinator.phone", "coordinator.organisation",
        "workbook.backend", "workbook.path", "workbook.spreadsheet_id",
        "workbook.followup_spreadsheet_id", "workbook.credentials_file",
        "workbook.credentials_env", "workbook.timeout_seconds",
        "mail.transport", "mail.outbox", "mail.from_name", "mail.from_address", "mail.reply_to",
        "mail.templates", "mail.max_per_run", "mail.daily_limit", "mail.journal",
        "mail.smtp.gmail", "mail.smtp.host", "mail.smtp.port", "mail.smtp.security",
        "mail.smtp.username", "mail.smtp.password_env", "mail.smtp.oauth2_file",
        "mail.smtp.timeout_seconds",
    }  # fmt: skip
    known |= {f"workbook.tabs.{tab.key}" for tab in TABS} | {"workbook.tabs.form_answers"}
    known |= {f"routine.{name}" for name in Routine.__dataclass_fields__}
    known |= {f"intake.aliases.{name}" for name in FIELDS}
    documented = {key for _index, key, _line in _example_key_lines()}
    assert known - documented == set()


def _uncommented(keys: set[str]) -> str:
    """The example's text with the commented-out lines of `keys` (dotted) made active."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for index, key, line in _example_key_lines():
        if key in keys:
            lines[index] = line.replace("#", "", 1).lstrip()
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "key",
    [
        "workbook.spreadsheet_id",
        "workbook.followup_spreadsheet_id",
        "workbook.credentials_file",
        "mail.templates",
    ],
)
def test_a_commented_out_key_of_the_example_is_accepted_when_uncommented(
    tmp_path: Path, key: str
) -> None:
    loaded = load(tmp_path, _uncommented({key}))
    assert loaded.workbook.backend == "xlsx"


def test_uncommenting_the_example_smtp_block_gives_a_gmail_smtp_config(tmp_path: Path) -> None:
    smtp_keys = {key for _i, key, _l in _example_key_lines() if key.startswith("mail.smtp.")}
    text_ = _uncommented(smtp_keys).replace("# [mail.smtp]", "[mail.smtp]")
    text_ = text_.replace('transport = "outbox"', 'transport = "smtp"')
    loaded = load(tmp_path, text_)
    smtp = loaded.mail.smtp
    assert smtp is not None
    assert loaded.mail.transport == "smtp"
    assert smtp.gmail is True
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.gmail.com", 587, "starttls")
    assert smtp.username == "medlemsansvarig@example.org"
    assert smtp.password_env == "MEDLEMSRUTINER_SMTP_PASSWORD"
    assert smtp.oauth2_file == tmp_path / "gmail-oauth2.json"
    assert smtp.timeout_seconds == 30.0


def test_uncommenting_the_example_form_tab_and_aliases_gives_an_intake_config(
    tmp_path: Path,
) -> None:
    keys = {key for _i, key, _l in _example_key_lines() if key.startswith("intake.")}
    keys.add("workbook.tabs.form_answers")
    text_ = _uncommented(keys).replace("# [intake.aliases]", "[intake.aliases]")
    loaded = load(tmp_path, text_)
    assert loaded.workbook.tab_names["form_answers"] == "Formulärsvar 1"
    assert set(loaded.intake.aliases) == set(FIELDS)
    assert loaded.intake.aliases["phone"] == ("Mobilnr",)


def test_an_alias_that_is_not_a_list_of_headers_is_an_error_naming_the_key(
    tmp_path: Path,
) -> None:
    data = minimal()
    data["intake"] = {"aliases": {"phone": "Mobilnr"}}
    with pytest.raises(ConfigError, match=r"intake\.aliases\.phone: ska vara en lista"):
        load(tmp_path, data)
    text_ = dump(minimal()) + '\n\n[intake.aliases]\ntelefon = ["Mobilnr"]\n'
    with pytest.raises(ConfigError, match=r"intake\.aliases\.telefon: okänd nyckel"):
        load(tmp_path, text_)


def test_without_a_form_tab_the_config_names_none(tmp_path: Path) -> None:
    loaded = load(tmp_path, minimal())
    assert "form_answers" not in loaded.workbook.tab_names
    assert loaded.intake.aliases == {}


# --- the fixed keys of DESIGN.md --------------------------------------------------------------


def test_the_fixed_keys_of_the_design_keep_their_names_and_meaning(tmp_path: Path) -> None:
    text_ = """
timezone = "Europe/Stockholm"
start_date = 2026-01-01          # rows registered earlier are never emailed

[coordinator]
name = "Kim Exempelsson"
email = "medlemsansvarig@example.org"

[workbook]
backend = "xlsx"                 # or "google"
path = "demo/medlemsrutiner.xlsx"

[mail]
transport = "outbox"             # or "smtp"
outbox = "outbox"
"""
    loaded = load(tmp_path, text_)
    assert loaded.timezone == "Europe/Stockholm"
    assert loaded.start_date == dt.date(2026, 1, 1)
    assert loaded.workbook.backend == "xlsx"
    assert loaded.workbook.path == tmp_path / "demo" / "medlemsrutiner.xlsx"
    assert loaded.mail.transport == "outbox"
    assert loaded.mail.outbox == tmp_path / "outbox"


def test_the_example_config_has_the_fixed_keys_with_the_design_values() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["timezone"] == "Europe/Stockholm"
    assert data["start_date"] == dt.date(2026, 1, 1)
    assert data["workbook"]["backend"] == "xlsx"
    assert data["workbook"]["path"] == "demo/medlemsrutiner.xlsx"
    assert data["mail"]["transport"] == "outbox"
    assert data["mail"]["outbox"] == "outbox"


def test_the_documented_alternatives_google_and_smtp_are_accepted(tmp_path: Path) -> None:
    data = minimal()
    data["workbook"] = {"backend": "google", "spreadsheet_id": "1AbCdEfGhIjK_exempel"}
    data["mail"] = {"transport": "smtp", "smtp": {"host": "smtp.example.org"}}
    loaded = load(tmp_path, data)
    assert loaded.workbook.backend == "google"
    assert loaded.mail.transport == "smtp"


# --- defaults ---------------------------------------------------------------------------------


def test_a_minimal_config_gets_the_defaults_of_the_routine(tmp_path: Path) -> None:
    loaded = load(tmp_path, minimal())
    assert loaded.language == "sv"
    assert loaded.routine == Routine()
    assert loaded.routine.follow_up_from_weeks == 8
    assert loaded.routine.follow_up_by_weeks == 10
    assert loaded.coordinator.phone == ""
    assert loaded.mail.from_name == "Kim Exempelsson"
    assert loaded.mail.from_address == "medlemsansvarig@example.org"
    assert loaded.mail.reply_to == "medlemsansvarig@example.org"
    assert loaded.mail.max_per_run == 200
    assert loaded.mail.daily_limit == 400
    assert loaded.mail.templates == DEFAULT_TEMPLATES
    assert loaded.workbook.credentials_file is None
    assert loaded.workbook.spreadsheet_id is None
    assert loaded.workbook.timeout_seconds == 30.0
    assert dict(loaded.workbook.tab_names) == {tab.key: tab.default_name for tab in TABS}


def test_the_default_templates_folder_is_the_one_shipped_with_the_package() -> None:
    assert DEFAULT_TEMPLATES == REPO / "templates"
    assert (DEFAULT_TEMPLATES / "sv").is_dir()


def test_the_outbox_defaults_to_a_folder_next_to_the_config(tmp_path: Path) -> None:
    loaded = load(tmp_path, without("mail.outbox"))
    assert loaded.mail.outbox == tmp_path / "outbox"


def test_values_in_the_file_win_over_the_defaults(tmp_path: Path) -> None:
    data = minimal()
    data["language"] = "en"
    data["mail"].update(max_per_run=10, daily_limit=0, reply_to="svar@example.se")
    data["workbook"]["timeout_seconds"] = 12.5
    data["workbook"]["tabs"] = {"newcomers": "Nya", "log": "Händelser"}
    data["routine"] = {"call_within_days": 5, "follow_up_from_weeks": 6, "follow_up_by_weeks": 9}
    loaded = load(tmp_path, data)
    assert loaded.language == "en"
    assert (loaded.mail.max_per_run, loaded.mail.daily_limit) == (10, 0)
    assert loaded.mail.reply_to == "svar@example.se"
    assert loaded.workbook.timeout_seconds == 12.5
    assert loaded.workbook.tab_names["newcomers"] == "Nya"
    assert loaded.workbook.tab_names["log"] == "Händelser"
    assert loaded.workbook.tab_names["groups"] == "Grupper"
    assert loaded.routine == Routine(
        call_within_days=5, follow_up_from_weeks=6, follow_up_by_weeks=9
    )


def test_a_whole_number_of_seconds_becomes_a_float(tmp_path: Path) -> None:
    loaded = load(tmp_path, changed("workbook.timeout_seconds", 45))
    assert loaded.workbook.timeout_seconds == 45.0
    assert isinstance(loaded.workbook.timeout_seconds, float)


def test_the_zone_is_the_configured_time_zone(tmp_path: Path) -> None:
    assert load(tmp_path, minimal()).zone == ZoneInfo("Europe/Stockholm")
    assert load(tmp_path, changed("timezone", "UTC")).zone == ZoneInfo("UTC")


def test_a_loaded_config_is_frozen(tmp_path: Path) -> None:
    loaded = load(tmp_path, minimal())
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.timezone = "UTC"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.mail.max_per_run = 1  # type: ignore[misc]


def test_equal_files_give_equal_configs(tmp_path: Path) -> None:
    assert load(tmp_path / "a", minimal()).routine == load(tmp_path / "b", minimal()).routine


def test_parse_validates_a_dict_as_if_read_from_the_file(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    parsed = config.parse(minimal(), file)
    assert parsed.path == file.resolve()
    with pytest.raises(ConfigError) as caught:
        config.parse(without("workbook.backend"), file)
    assert_names(caught.value, file, "workbook.backend")


# --- relative paths ---------------------------------------------------------------------------


def test_relative_paths_resolve_against_the_config_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "driftsättning"
    data = minimal()
    data["workbook"]["path"] = "data/arbetsbok.xlsx"
    data["workbook"]["credentials_file"] = "nycklar/service-account.json"
    data["mail"].update(outbox="utkorg", templates="mina-mallar")
    data["mail"]["smtp"] = {"gmail": True, "oauth2_file": "gmail-oauth2.json"}
    loaded = load(folder, data)
    assert loaded.workbook.path == folder / "data" / "arbetsbok.xlsx"
    assert loaded.workbook.credentials_file == folder / "nycklar" / "service-account.json"
    assert loaded.mail.outbox == folder / "utkorg"
    assert loaded.mail.templates == folder / "mina-mallar"
    assert loaded.mail.smtp is not None
    assert loaded.mail.smtp.oauth2_file == folder / "gmail-oauth2.json"


def test_a_parent_folder_in_a_relative_path_is_resolved(tmp_path: Path) -> None:
    loaded = load(tmp_path / "konfig", changed("workbook.path", "../delad/arbetsbok.xlsx"))
    assert loaded.workbook.path == tmp_path / "delad" / "arbetsbok.xlsx"


def test_an_absolute_path_is_kept(tmp_path: Path) -> None:
    absolute = tmp_path / "någon annanstans" / "arbetsbok.xlsx"
    loaded = load(tmp_path / "konfig", changed("workbook.path", str(absolute)))
    assert loaded.workbook.path == absolute


def test_a_home_relative_path_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "hem"))
    loaded = load(tmp_path / "konfig", changed("workbook.path", "~/arbetsbok.xlsx"))
    assert loaded.workbook.path == tmp_path / "hem" / "arbetsbok.xlsx"


def test_a_config_loaded_by_a_relative_name_still_has_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "konfig", minimal())
    monkeypatch.chdir(tmp_path)
    loaded = config.load("konfig/config.toml")
    monkeypatch.chdir("/")
    assert loaded.path == tmp_path / "konfig" / "config.toml"
    assert loaded.workbook.path == tmp_path / "konfig" / "demo" / "medlemsrutiner.xlsx"
    assert loaded.mail.outbox.is_absolute()


# --- missing keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "timezone",
        "start_date",
        "coordinator.name",
        "coordinator.email",
        "workbook.backend",
        "workbook.path",
        "mail.transport",
    ],
)
def test_a_missing_required_key_is_an_error_naming_the_file_and_the_key(
    tmp_path: Path, key: str
) -> None:
    error, file = config_error(tmp_path, without(key))
    assert_names(error, file, key)


@pytest.mark.parametrize("table", ["coordinator", "workbook", "mail"])
def test_a_missing_required_table_is_an_error_naming_it(tmp_path: Path, table: str) -> None:
    error, file = config_error(tmp_path, without(table))
    assert_names(error, file, table)


def test_an_empty_file_is_an_error_naming_the_first_missing_key(tmp_path: Path) -> None:
    error, file = config_error(tmp_path, "")
    assert_names(error, file, "timezone")


def test_the_routine_table_is_optional(tmp_path: Path) -> None:
    assert load(tmp_path, minimal()).routine == Routine()
    assert load(tmp_path, changed("routine.call_within_days", 7)).routine == Routine()


# --- wrong types and values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("start_date", "soon"),
        ("start_date", "2026-01-01"),
        ("start_date", 20260101),
        ("start_date", dt.datetime(2026, 1, 1, 9, 0)),
        ("timezone", 1),
        ("language", True),
        ("coordinator.name", 42),
        ("coordinator.email", False),
        ("coordinator.phone", 701740699),
        ("workbook.path", 3),
        ("workbook.timeout_seconds", "30"),
        ("workbook.timeout_seconds", True),
        ("workbook.tabs.newcomers", 1),
        ("mail.max_per_run", "ten"),
        ("mail.max_per_run", True),
        ("mail.max_per_run", 10.5),
        ("mail.max_per_run", 10.0),
        ("mail.daily_limit", "400"),
        ("mail.outbox", False),
        ("routine.welcome_within_days", "tre"),
        ("routine.follow_up_by_weeks", 9.5),
        ("routine.stale_after_days", False),
    ],
    ids=str,
)
def test_a_value_of_the_wrong_type_is_an_error_naming_the_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    error, file = config_error(tmp_path, changed(key, value))
    assert_names(error, file, key)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mail.smtp.port", "587"),
        ("mail.smtp.gmail", "ja"),
        ("mail.smtp.host", 25),
        ("mail.smtp.timeout_seconds", "30"),
        ("mail.smtp.security", "tls"),
    ],
    ids=str,
)
def test_a_wrong_smtp_value_is_an_error_naming_the_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    data = changed(key, value)
    data["mail"]["smtp"].setdefault("host", "smtp.example.org")
    error, file = config_error(tmp_path, data)
    assert_names(error, file, key)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("workbook.backend", "excel"),
        ("workbook.backend", "Google"),
        ("mail.transport", "gmail"),
        ("language", "de"),
    ],
    ids=str,
)
def test_a_word_outside_the_choices_is_an_error_naming_the_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    error, file = config_error(tmp_path, changed(key, value))
    assert_names(error, file, key)


@pytest.mark.parametrize(
    "key",
    [
        "mail.max_per_run",
        "mail.daily_limit",
        "routine.call_within_days",
        "routine.stale_after_days",
    ],
)
def test_a_negative_count_is_an_error_naming_the_key(tmp_path: Path, key: str) -> None:
    error, file = config_error(tmp_path, changed(key, -1))
    assert_names(error, file, key)


@pytest.mark.parametrize("table", ["coordinator", "workbook", "mail", "routine", "workbook.tabs"])
def test_a_table_written_as_a_value_is_an_error_naming_it(tmp_path: Path, table: str) -> None:
    error, file = config_error(tmp_path, changed(table, "xlsx"))
    assert_names(error, file, table)


# --- unknown keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "tidszon",
        "routine.welcom_within_days",
        "routine.follow_up_weeks",
        "coordinator.telefon",
        "workbook.spreadhseet_id",
        "workbook.tabs.newcommers",
        "mail.max_per_day",
        "extra.anything",
    ],
)
def test_an_unknown_key_is_an_error_naming_it(tmp_path: Path, key: str) -> None:
    error, file = config_error(tmp_path, changed(key, 3))
    assert_names(error, file, key.removesuffix(".anything"))


def test_a_typo_in_the_routine_does_not_fall_back_to_the_default(tmp_path: Path) -> None:
    data = minimal()
    data["routine"] = {"welcom_within_days": 1}
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "routine.welcom_within_days")


def test_an_unknown_smtp_key_is_an_error_naming_it(tmp_path: Path) -> None:
    data = changed("mail.smtp.hots", "smtp.example.org")
    data["mail"]["smtp"]["host"] = "smtp.example.org"
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "mail.smtp.hots")


# --- time zone --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone", ["Europe/Stokholm", "Mars/Olympus", "", "../etc/passwd", "Stockholm"]
)
def test_an_unknown_time_zone_is_an_error_naming_the_key(tmp_path: Path, zone: str) -> None:
    error, file = config_error(tmp_path, changed("timezone", zone))
    assert_names(error, file, "timezone")


# --- unreadable files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        'timezone = "Europe/Stockholm',
        "timezone = Europe/Stockholm",
        '[workbook\nbackend = "xlsx"',
        'timezone = "UTC"\ntimezone = "UTC"',
        "start_date = 2026-13-01",
    ],
)
def test_invalid_toml_is_a_config_error_naming_the_file(tmp_path: Path, broken: str) -> None:
    error, file = config_error(tmp_path, broken)
    assert_names(error, file, None)


def test_a_file_saved_with_a_byte_order_mark_is_read_as_if_it_had_none(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_bytes(b"\xef\xbb\xbf" + dump(minimal()).encode("utf-8"))  # as Notepad saves it
    assert config.load(file).coordinator.name == "Kim Exempelsson"


@pytest.mark.parametrize(
    ("broken", "line", "explained", "shown"),
    [
        ('timezone = "UTC"\nnamn "Kim"', 2, "ett likhetstecken (=) saknas", 'namn "Kim"'),
        ("timezone = Europe/Stockholm", 1, "text ska stå inom citattecken", "timezone = Europe"),
        ('timezone = "UTC"\n\n[workbook\nbackend = "xlsx"', 3, "avslutande ]", "[workbook"),
        ('timezone = "UTC"\ntimezone = "UTC"', 2, "finns redan på rad 1", 'timezone = "UTC"'),
        ('[mail]\noutbox = "C:\\mapp"', 2, "omvänt snedstreck", 'outbox = "C:\\mapp"'),
        ('timezone = "Europe/Stockholm', 1, "citattecken saknas", "timezone ="),
    ],
)
def test_a_toml_error_is_explained_in_swedish_with_its_line_number_and_the_line(
    tmp_path: Path, broken: str, line: int, explained: str, shown: str
) -> None:
    error, file = config_error(tmp_path, broken)
    message = error.line
    assert message.startswith(f"Fel i konfigurationen {file}: rad {line} går inte att läsa: ")
    assert explained in message and f"Raden: {shown}" in message
    assert "\n" not in message
    said = message.removeprefix(f"Fel i konfigurationen {file}: ")
    for english in ("Invalid", "Expected", "Cannot", "Unterminated", "line", "column"):
        assert english not in said


COMMON_MISTAKES = [
    # A text's closing quote forgotten: tomllib says `Illegal character '\n'`.
    (
        '[coordinator]\norganisation = "Amnesty Provby\nname = "Kim"',
        2,
        "ett citattecken saknas: texten som börjar med citattecken slutar aldrig på raden. "
        'Skriv: organisation = "Amnesty Provby"',
    ),
    # ... on the last line (`Unterminated string`, at the end of the document).
    ('organisation = "Amnesty Provby', 1, 'Skriv: organisation = "Amnesty Provby"'),
    # ... in single quotes, with lines after it (`Expected "'"`, at the end of the document).
    ('timezone = \'UTC\nlanguage = "sv"', 1, "Skriv: timezone = 'UTC'"),
    # The opening quote forgotten.
    ('organisation = Amnesty Provby"', 1, 'början av texten saknas: skriv organisation = "Amnesty'),
    # A text without quotes.
    ("organisation = Amnesty Provby", 1, 'skriv organisation = "Amnesty Provby"'),
    ("email = kim@example.org", 1, 'skriv email = "kim@example.org"'),
    # Typographic quotes from a word processor.
    ("organisation = “Amnesty”", 1, "typografiska (“): skriv raka citattecken"),
    # ja for true.
    ("[mail.smtp]\ngmail = ja", 2, "true och false"),
    # Nothing after =.
    ("timezone =", 1, "värdet saknas efter ="),
    # A table's ] forgotten.
    ('[workbook\nbackend = "xlsx"', 1, "rubriken saknar sin avslutande ]: skriv [workbook]"),
    # A key written twice, and a table: where it came first.
    (
        'timezone = "UTC"\n[mail]\noutbox = "a"\ntransport = "outbox"\noutbox = "b"',
        5,
        "nyckeln outbox finns redan på rad 3",
    ),
    (
        '[mail]\noutbox = "a"\n[mail]\ntransport = "outbox"',
        3,
        "rubriken [mail] finns redan på rad 1",
    ),
    # = forgotten, or a colon for it.
    ('organisation "Amnesty"', 1, "ett likhetstecken (=) saknas mellan nyckeln och texten"),
    ("timezone: 1", 1, "skriv = mellan nyckeln och värdet, inte :"),
    # A key in Swedish, or with a space, or a tab in it.
    ("tidszon_för_brev = 1", 1, "inte å, ä, ö"),
    ("start date = 2026-12-06", 1, "nyckeln får inte ha mellanslag i sig"),
    ("start\tdate = 2026-12-06", 1, "nyckeln får inte ha mellanslag i sig"),
    # Invisible characters pasted in: a non-breaking space, a zero-width space, a control
    # character, a byte-order mark in the middle of the file.
    ("timezone\u00a0= 1", 1, "osynligt tecken (U+00A0, hårt mellanslag)"),
    ("\u00a0timezone = 1", 1, "osynligt tecken (U+00A0, hårt mellanslag)"),
    ("timezone\u200b = 1", 1, "osynligt tecken (U+200B, nollbrett mellanslag)"),
    ('timezone = "UTC\x01"', 1, "osynligt tecken (U+0001, ett styrtecken)"),
    ('timezone = "UTC"\n\ufefflanguage = "sv"', 2, "osynligt tecken (U+FEFF, BOM-tecken)"),
    # A date written as people write it.
    ("start_date = 2026/12/06", 1, "ett datum skrivs ÅÅÅÅ-MM-DD"),
    ("start_date = 6/12/2026", 1, "ett datum skrivs ÅÅÅÅ-MM-DD"),
    # A quote inside a text, a decimal comma, a list never closed (where it began).
    ('organisation = "Amnesty "Provby""', 1, "ett citattecken mitt i texten avslutar den"),
    ("days = 1,5", 1, "decimaler med punkt"),
    ('timezone = "UTC"\nlist = [1, 2\nlanguage = "sv"', 2, "en lista som börjar med ["),
    # A Windows path.
    ('[mail]\noutbox = "C:\\Users\\kim"', 2, "skriv / i en sökväg"),
]


@pytest.mark.parametrize(("broken", "line", "explained"), COMMON_MISTAKES)
def test_each_common_toml_mistake_gets_its_own_explanation_on_the_right_line(
    tmp_path: Path, broken: str, line: int, explained: str
) -> None:
    error, file = config_error(tmp_path, broken)
    said = error.line.removeprefix(f"Fel i konfigurationen {file}: ")
    assert said.startswith(f"rad {line} går inte att läsa: ")
    assert explained in said
    assert "\n" not in said and "raden följer inte TOML:s regler" not in said
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in said), "shown as \ufffd"
    for english in ("Invalid", "Expected", "Cannot", "Illegal", "space", "line", "column"):
        assert english not in said


def test_a_missing_file_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    file = tmp_path / "finns-inte.toml"
    with pytest.raises(ConfigError) as caught:
        config.load(file)
    assert_names(caught.value, file, None)


def test_a_folder_instead_of_a_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path)
    assert_names(caught.value, tmp_path, None)


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_bytes(dump(changed("coordinator.name", "Kim Åström")).encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        config.load(file)
    assert_names(caught.value, file, None)


# --- backends and transports ------------------------------------------------------------------


def test_the_google_backend_requires_a_spreadsheet_id(tmp_path: Path) -> None:
    data = minimal()
    data["workbook"] = {"backend": "google"}
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "workbook.spreadsheet_id")


def test_the_google_backend_needs_no_path(tmp_path: Path) -> None:
    data = minimal()
    data["workbook"] = {
        "backend": "google",
        "spreadsheet_id": "1AbCdEfGhIjK_exempel",
        "followup_spreadsheet_id": "1ZyXwVuTsRqP_uppfoljning",
        "credentials_env": "HEMLIG_NYCKEL",
    }
    loaded = load(tmp_path, data)
    assert loaded.workbook.path is None
    assert loaded.workbook.spreadsheet_id == "1AbCdEfGhIjK_exempel"
    assert loaded.workbook.followup_spreadsheet_id == "1ZyXwVuTsRqP_uppfoljning"
    assert loaded.workbook.credentials_env == "HEMLIG_NYCKEL"


def test_switching_an_xlsx_config_to_google_may_keep_the_path_line(tmp_path: Path) -> None:
    data = minimal()
    data["workbook"].update(backend="google", spreadsheet_id="1AbCdEfGhIjK_exempel")
    assert load(tmp_path, data).workbook.path is None


def test_the_xlsx_backend_does_not_need_a_spreadsheet_id(tmp_path: Path) -> None:
    assert load(tmp_path, minimal()).workbook.spreadsheet_id is None


def test_the_smtp_transport_requires_an_smtp_table(tmp_path: Path) -> None:
    error, file = config_error(tmp_path, changed("mail.transport", "smtp"))
    assert_names(error, file, "mail.smtp")


def test_an_smtp_table_needs_a_host_unless_it_is_gmail(tmp_path: Path) -> None:
    data = changed("mail.transport", "smtp")
    data["mail"]["smtp"] = {"port": 465}
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "mail.smtp.host")


def test_gmail_smtp_defaults_to_the_gmail_server_and_the_coordinator(tmp_path: Path) -> None:
    data = changed("mail.transport", "smtp")
    data["mail"]["smtp"] = {"gmail": True}
    smtp = load(tmp_path, data).mail.smtp
    assert smtp is not None
    assert smtp.host == "smtp.gmail.com"
    assert smtp.port == 587
    assert smtp.security == "starttls"
    assert smtp.username == "medlemsansvarig@example.org"
    assert smtp.password_env == "MEDLEMSRUTINER_SMTP_PASSWORD"
    assert smtp.oauth2_file is None


def test_a_plain_smtp_server_takes_the_given_settings(tmp_path: Path) -> None:
    data = changed("mail.transport", "smtp")
    data["mail"]["smtp"] = {
        "host": "smtp.example.org",
        "port": 465,
        "security": "ssl",
        "username": "utskick@example.org",
        "password_env": "SMTP_LOSEN",
        "timeout_seconds": 5,
    }
    smtp = load(tmp_path, data).mail.smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.example.org", 465, "ssl")
    assert (smtp.username, smtp.password_env) == ("utskick@example.org", "SMTP_LOSEN")
    assert smtp.gmail is False
    assert smtp.timeout_seconds == 5.0


def test_an_smtp_table_is_still_checked_while_the_transport_is_outbox(tmp_path: Path) -> None:
    data = minimal()
    data["mail"]["smtp"] = {"host": "smtp.example.org", "port": "587"}
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "mail.smtp.port")


def test_an_outbox_config_keeps_a_valid_smtp_table_for_later(tmp_path: Path) -> None:
    data = minimal()
    data["mail"]["smtp"] = {"host": "smtp.example.org"}
    loaded = load(tmp_path, data)
    assert loaded.mail.transport == "outbox"
    assert loaded.mail.smtp is not None
    assert loaded.mail.smtp.host == "smtp.example.org"


# --- the routine ------------------------------------------------------------------------------


def test_follow_up_by_weeks_before_follow_up_from_weeks_is_an_error(tmp_path: Path) -> None:
    data = minimal()
    data["routine"] = {"follow_up_from_weeks": 8, "follow_up_by_weeks": 6}
    error, file = config_error(tmp_path, data)
    assert_names(error, file, "routine.follow_up_by_weeks")


def test_moving_follow_up_from_weeks_past_the_default_by_week_is_an_error(tmp_path: Path) -> None:
    error, file = config_error(tmp_path, changed("routine.follow_up_from_weeks", 12))
    assert_names(error, file, "routine.follow_up_by_weeks")


def test_a_follow_up_window_of_one_week_is_allowed(tmp_path: Path) -> None:
    data = minimal()
    data["routine"] = {"follow_up_from_weeks": 9, "follow_up_by_weeks": 9}
    routine = load(tmp_path, data).routine
    assert (routine.follow_up_from_weeks, routine.follow_up_by_weeks) == (9, 9)


def test_zero_days_is_allowed_for_a_deadline(tmp_path: Path) -> None:
    routine = load(tmp_path, changed("routine.welcome_within_days", 0)).routine
    assert routine.welcome_within_days == 0


# --- the error itself -------------------------------------------------------------------------


def test_a_config_error_means_nothing_was_done() -> None:
    assert ConfigError.exit_code == 2 == EXIT_NOTHING_DONE
    error = ConfigError(Path("config.toml"), "workbook.backend", "nyckeln saknas")
    assert isinstance(error, AppError)
    assert error.exit_code == 2


def test_a_config_error_message_is_one_line_with_file_key_and_problem() -> None:
    error = ConfigError(Path("/srv/medlemsrutiner/config.toml"), "workbook.backend", "saknas")
    message = str(error)
    assert "\n" not in message
    assert "/srv/medlemsrutiner/config.toml" in message
    assert "workbook.backend" in message
    assert message.endswith("saknas")


def test_a_config_error_without_a_key_names_the_file_only() -> None:
    error = ConfigError(Path("config.toml"), None, "filen finns inte")
    assert error.key is None
    assert "config.toml" in str(error)
    assert "None" not in str(error)


def test_a_wrong_value_is_not_echoed_in_the_error(tmp_path: Path) -> None:
    error, _file = config_error(tmp_path, changed("mail.max_per_run", "hemligt-värde"))
    assert "hemligt-värde" not in str(error)


# --- values that would break a letter's headers or a date (issue 12, defect 6) ----------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mail.from_address", "not an address"),
        ("mail.from_address", "Kim <kim@example.org>"),
        ("mail.from_address", "kim@example.org\nBcc: alla@example.org"),
        ("mail.reply_to", "svar@example.org\r\nBcc: alla@example.org"),
        ("mail.reply_to", "svar@"),
        ("coordinator.email", "medlemsansvarig"),
        ("training_coordinator.email", "utbildning example.org"),
        ("mail.from_name", "Kim\nBcc: alla@example.org"),
        ("mail.from_name", "Kim\rExempelsson"),
        ("coordinator.name", "Kim\nExempelsson"),
        ("training_coordinator.name", "Uma\x00Utbildare"),
    ],
    ids=repr,
)
def test_an_address_or_a_header_name_that_would_break_a_letter_is_refused_naming_the_key(
    tmp_path: Path, key: str, value: str
) -> None:
    data = changed(key, value)
    if key.startswith("training_coordinator."):
        data["training_coordinator"] = {"name": "Uma Utbildare", "email": "uma@example.org"}
        data["training_coordinator"][key.split(".")[1]] = value
    error, file = config_error(tmp_path, data)
    assert_names(error, file, key)
    assert "\n" not in str(error) and "\r" not in str(error)


def test_a_name_with_letters_from_any_language_and_an_international_address_are_fine(
    tmp_path: Path,
) -> None:
    data = minimal()
    data["coordinator"] = {"name": "Åsa Ölund-Δημήτρης", "email": "asa@example.se"}
    data["mail"]["reply_to"] = "svar@straße.example"
    loaded = load(tmp_path, data)
    assert loaded.mail.from_name == "Åsa Ölund-Δημήτρης"
    assert loaded.mail.from_address == "asa@example.se"


@pytest.mark.parametrize(
    "key",
    [f"routine.{item.name}" for item in dataclasses.fields(Routine) if item.type == "int"],
)
def test_a_huge_number_in_routine_is_refused(tmp_path: Path, key: str) -> None:
    error, file = config_error(tmp_path, changed(key, 100_000_000))
    assert_names(error, file, key)
    assert "högst" in str(error)
