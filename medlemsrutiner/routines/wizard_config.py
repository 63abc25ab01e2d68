"""The config the setup wizard's answers make, and the answers a config was made of. Pure: no
terminal, no files (the template's text is passed in).

`config_text` fills config.example.toml in with the answers (`config_template.fill`), so a
district's config carries the example's comments; `earlier_answers` reads them back out of a
config's TOML, as the defaults when the wizard is run again over it. The questions themselves
are `routines.wizard`'s.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from medlemsrutiner import config as config_module
from medlemsrutiner.config_template import Value, fill
from medlemsrutiner.routines.wizard import Answers, Invalid, as_text
from medlemsrutiner.sheet import cells


def config_values(answers: Answers) -> tuple[dict[str, Value], list[str], list[str]]:
    """(values by dotted key, keys to comment out, tables to comment out) for `fill`."""
    values: dict[str, Value] = {
        "start_date": answers["start_date"],
        "coordinator.name": answers["coordinator_name"],
        "coordinator.email": answers["coordinator_email"],
        "coordinator.phone": answers["coordinator_phone"],
        "coordinator.organisation": answers["organisation"],
    }
    drop_keys: list[str] = []
    drop_tables: list[str] = []
    if answers.get("training_coordinator_name"):
        values["training_coordinator.name"] = answers["training_coordinator_name"]
        values["training_coordinator.email"] = answers["training_coordinator_email"]
    else:
        drop_tables.append("training_coordinator")
    mail = answers["mail"]
    values["mail.transport"] = "outbox" if mail == "outbox" else "smtp"
    values["mail.outbox"] = answers.get("outbox", "outbox")
    if mail == "gmail":
        account = answers["gmail_account"]
        values["mail.smtp.gmail"] = True
        values["mail.smtp.username"] = account
        values["mail.smtp.password_env"] = answers["password_env"]
        if cells.email_key(account) != cells.email_key(answers["coordinator_email"]):
            values["mail.from_address"] = account  # Gmail sends as the account it logs in to
    elif mail == "smtp":
        values["mail.smtp.host"] = answers["smtp_host"]
        values["mail.smtp.port"] = answers["smtp_port"]
        values["mail.smtp.security"] = answers["smtp_security"]
        values["mail.smtp.username"] = answers["smtp_username"]
        if answers["smtp_username"]:
            values["mail.smtp.password_env"] = answers["password_env"]
    if answers["workbook"] == "xlsx":
        values["workbook.backend"] = "xlsx"
        values["workbook.path"] = answers["workbook_path"]
    else:
        values["workbook.backend"] = "google"
        values["workbook.spreadsheet_id"] = answers["spreadsheet"]
        drop_keys.append("workbook.path")
        if answers["followup_spreadsheet"]:
            values["workbook.followup_spreadsheet_id"] = answers["followup_spreadsheet"]
        if answers["credentials_file"]:
            values["workbook.credentials_file"] = answers["credentials_file"]
        else:
            values["workbook.credentials_env"] = answers["credentials_env"]
    return values, drop_keys, drop_tables


def opening(answers: Answers, today: dt.date, shown_path: str) -> str:
    """The first paragraph of a district's config, in place of the example's."""
    return (
        f"# medlemsrutiner – konfigurationen för {answers['organisation']}, skapad {today} av\n"
        "# scripts/new_district.py. Ändra gärna här, och kontrollera sedan med\n"
        f"#     .venv/bin/python scripts/check_setup.py --config {shown_path}\n"
        "# Sökvägar räknas från mappen filen ligger i. Lösenord och nycklar står aldrig här:\n"
        "# filen säger vilka miljövariabler som håller dem."
    )


def config_text(template: str, answers: Answers, today: dt.date, shown_path: str) -> str:
    """The district's config: the example filled in with the answers."""
    values, drop_keys, drop_tables = config_values(answers)
    return fill(
        template,
        values,
        drop_keys=drop_keys,
        drop_tables=drop_tables,
        opening=opening(answers, today, shown_path),
    )


def parsed(text: str, path: Path) -> config_module.Config:
    """The config `text` makes when saved at `path` (a ConfigError if it is not valid)."""
    return config_module.parse(tomllib.loads(text), path)


def earlier_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a config (as its TOML reads) was made of, by question key: the defaults
    when the wizard is run again over it. Only what the config holds; nothing is checked here
    (each is read like a typed answer when the person takes it)."""

    def at(path: str) -> Any:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return value

    smtp = at("mail.smtp") if isinstance(at("mail.smtp"), Mapping) else {}
    transport = at("mail.transport") or "outbox"
    mail = "outbox" if transport == "outbox" else "gmail" if smtp.get("gmail") else "smtp"
    found: dict[str, Any] = {
        "organisation": at("coordinator.organisation"),
        "coordinator_name": at("coordinator.name"),
        "coordinator_email": at("coordinator.email"),
        "coordinator_phone": at("coordinator.phone"),
        "training_coordinator_name": at("training_coordinator.name") or "",
        "training_coordinator_email": at("training_coordinator.email"),
        "mail": {"gmail": "1", "smtp": "2", "outbox": "3"}[mail],  # as the menu offers it
        "gmail_account": smtp.get("username") if mail == "gmail" else None,
        "smtp_host": smtp.get("host"),
        "smtp_port": smtp.get("port"),
        "smtp_security": smtp.get("security"),
        "smtp_username": (smtp.get("username") or "ingen") if mail == "smtp" else None,
        "password_env": smtp.get("password_env"),
        "outbox": at("mail.outbox"),
        "workbook": {"xlsx": "1", "google": "2"}.get(str(at("workbook.backend")), "1"),
        "workbook_path": at("workbook.path"),
        "spreadsheet": at("workbook.spreadsheet_id"),
        "followup_spreadsheet": at("workbook.followup_spreadsheet_id") or "",
        "credentials_file": at("workbook.credentials_file") or "",
        "credentials_env": at("workbook.credentials_env"),
        "start_date": at("start_date"),
    }
    kept: dict[str, Any] = {}
    for key, value in found.items():
        try:
            if value is not None:
                kept[key] = as_text(value)
        except Invalid:
            continue  # a value no answer could have given: the question's own default
    return kept
