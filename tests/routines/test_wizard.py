"""The setup wizard's questions: what each answer may be, what an answers file must hold, and
the config the answers make (checked by loading it)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlemsrutiner.config import Config
from medlemsrutiner.config_template import EXAMPLE_CONFIG
from medlemsrutiner.routines import wizard, wizard_config

TODAY = dt.date(2026, 11, 24)
BASE: dict[str, Any] = {
    "organisation": "Amnesty Provby",
    "coordinator_name": "Robin Provsson",
    "coordinator_email": "robin.provsson@example.se",
}


def config_of(tmp_path: Path, **answers: Any) -> Config:
    read = wizard.from_mapping({**BASE, **answers}, TODAY)
    text = wizard_config.config_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8"), read, TODAY, "privat/config.toml"
    )
    return wizard_config.parsed(text, tmp_path / "config.toml")


def invalid(**answers: Any) -> str:
    with pytest.raises(wizard.Invalid) as error:
        wizard.from_mapping({**BASE, **answers}, TODAY)
    return str(error.value)


def question(key: str) -> wizard.Question:
    return next(q for q in wizard.questions(TODAY) if q.key == key)


# --- answers ------------------------------------------------------------------------------------


def test_three_answers_make_an_outbox_district_with_a_local_workbook(tmp_path: Path) -> None:
    config = config_of(tmp_path)
    assert config.coordinator.name == "Robin Provsson"
    assert config.coordinator.email == "robin.provsson@example.se"
    assert config.coordinator.organisation == "Amnesty Provby"
    assert config.coordinator.phone == ""
    assert config.training_coordinator is None
    assert config.mail.transport == "outbox" and config.mail.outbox == tmp_path / "outbox"
    assert config.mail.from_address == config.mail.reply_to == "robin.provsson@example.se"
    assert config.workbook.backend == "xlsx"
    assert config.workbook.path == tmp_path / "medlemsrutiner.xlsx"
    assert config.start_date == TODAY


def test_an_address_that_is_not_one_names_the_key_and_the_answer() -> None:
    assert invalid(coordinator_email="robin") == (
        "coordinator_email: 'robin' är ingen e-postadress (skriv t.ex. kim@example.org)"
    )
    assert invalid(coordinator_email="robin provsson@example.se").startswith("coordinator_email")


def test_a_missing_answer_and_an_unknown_key_are_named() -> None:
    with pytest.raises(wizard.Invalid, match=r"^coordinator_name: svaret saknas$"):
        wizard.from_mapping({"organisation": "Amnesty Provby"}, TODAY)
    assert invalid(coordinater_email="x") == "coordinater_email: okänd nyckel (stavfel?)"


def test_a_pasted_address_with_a_name_is_taken_as_the_address() -> None:
    assert question("coordinator_email").read("Robin <robin.provsson@example.se>") == (
        "robin.provsson@example.se"
    )


def test_a_phone_number_is_written_the_swedish_way_and_letters_are_refused() -> None:
    assert question("coordinator_phone").read("+46701740650") == "070-174 06 50"
    assert question("coordinator_phone").read("") == ""
    assert "telefonnummer" in invalid(coordinator_phone="ring mig")


def test_the_mail_and_workbook_menus_take_the_number_or_the_word() -> None:
    mail = question("mail")
    assert [mail.read(a) for a in ("1", "Gmail", "2", "smtp", "3", "outbox")] == [
        "gmail",
        "gmail",
        "smtp",
        "smtp",
        "outbox",
        "outbox",
    ]
    assert invalid(mail="fax") == "mail: 'fax' går inte att förstå: svara 1, 2 eller 3"
    assert question("workbook").read("2") == "google"


def test_a_spreadsheet_is_known_by_its_address_or_its_id() -> None:
    address = "https://docs.google.com/spreadsheets/d/1AbC-exempel_9/edit#gid=0"
    assert wizard.spreadsheet_id(address) == "1AbC-exempel_9"
    assert wizard.spreadsheet_id(" 1AbC-exempel_9 ") == "1AbC-exempel_9"
    with pytest.raises(wizard.Invalid, match="varken"):
        wizard.spreadsheet_id("https://example.se/mitt ark")


def test_an_answers_file_may_give_a_port_a_date_and_a_yes_as_toml_values(tmp_path: Path) -> None:
    config = config_of(
        tmp_path,
        mail="smtp",
        smtp_host="smtp.example.se",
        smtp_port=465,
        start_date=dt.date(2027, 1, 1),
    )
    assert config.mail.smtp is not None
    assert (config.mail.smtp.port, config.mail.smtp.security) == (465, "ssl")
    assert config.start_date == dt.date(2027, 1, 1)
    assert invalid(smtp_port=dt.datetime(2026, 1, 1, 8, 0), mail="smtp", smtp_host="x").startswith(
        "smtp_port: ska vara en text"
    )


@given(st.text(max_size=30))
def test_every_reader_either_reads_an_answer_or_says_why_not(text: str) -> None:
    for each in wizard.questions(TODAY):
        try:
            each.read(text)
        except wizard.Invalid as error:
            assert str(error)


# --- the config ---------------------------------------------------------------------------------


def test_gmail_logs_in_as_its_account_and_sends_from_it(tmp_path: Path) -> None:
    config = config_of(tmp_path, mail="1", gmail_account="provby@example.se")
    assert config.mail.transport == "smtp" and config.mail.smtp is not None
    assert config.mail.smtp.gmail and config.mail.smtp.host == "smtp.gmail.com"
    assert config.mail.smtp.username == "provby@example.se"
    assert config.mail.smtp.password_env == "MEDLEMSRUTINER_SMTP_PASSWORD"
    assert config.mail.from_address == "provby@example.se"
    assert config.mail.reply_to == "robin.provsson@example.se"
    own = config_of(tmp_path, mail="gmail")
    assert own.mail.from_address == "robin.provsson@example.se"


def test_a_server_without_login_names_no_password(tmp_path: Path) -> None:
    config = config_of(
        tmp_path, mail="smtp", smtp_host="relay.example.se", smtp_port=25, smtp_username="ingen"
    )
    assert config.mail.smtp is not None
    assert config.mail.smtp.username == "" and config.mail.smtp.security == "starttls"


def test_a_google_district_names_its_spreadsheets_and_where_the_key_is(tmp_path: Path) -> None:
    config = config_of(
        tmp_path,
        workbook="google",
        spreadsheet="https://docs.google.com/spreadsheets/d/1AbC-exempel/edit",
        followup_spreadsheet="1XyZ-exempel",
        training_coordinator_name="Alva Provsson",
        training_coordinator_email="alva.provsson@example.se",
    )
    assert config.workbook.backend == "google" and config.workbook.path is None
    assert config.workbook.spreadsheet_id == "1AbC-exempel"
    assert config.workbook.followup_spreadsheet_id == "1XyZ-exempel"
    assert config.workbook.credentials_env == "MEDLEMSRUTINER_GOOGLE_CREDENTIALS"
    assert config.workbook.credentials_file is None
    assert config.training_coordinator is not None
    assert config.training_coordinator.email == "alva.provsson@example.se"
    keyed = config_of(tmp_path, workbook="2", spreadsheet="1AbC", credentials_file="nyckel.json")
    assert keyed.workbook.credentials_file == tmp_path / "nyckel.json"
    assert keyed.workbook.followup_spreadsheet_id is None


def test_the_config_never_holds_a_password(tmp_path: Path) -> None:
    read = wizard.from_mapping({**BASE, "mail": "gmail"}, TODAY)
    text = wizard_config.config_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8"), read, TODAY, "privat/config.toml"
    )
    assert 'password_env = "MEDLEMSRUTINER_SMTP_PASSWORD"' in text
    assert "password =" not in text


# --- run again over a config ------------------------------------------------------------------

DISTRICTS: list[dict[str, Any]] = [
    {},
    {"coordinator_phone": "070-174 06 50", "outbox": "utkorg", "workbook_path": "bok.xlsx"},
    {"mail": "gmail", "gmail_account": "provby@example.se", "password_env": "PROVBY_LOSEN"},
    {"mail": "smtp", "smtp_host": "relay.example.se", "smtp_port": 25, "smtp_username": "ingen"},
    {
        "mail": "smtp",
        "smtp_host": "smtp.example.se",
        "smtp_port": 465,
        "smtp_username": "robin",
        "training_coordinator_name": "Alva Provsson",
        "training_coordinator_email": "alva.provsson@example.se",
    },
    {
        "workbook": "google",
        "spreadsheet": "1AbC-exempel",
        "followup_spreadsheet": "1XyZ-exempel",
        "credentials_file": "nyckel.json",
        "start_date": dt.date(2026, 12, 1),
    },
    {"workbook": "google", "spreadsheet": "1AbC", "credentials_env": "PROVBY_NYCKEL"},
]


@pytest.mark.parametrize("district", DISTRICTS)
def test_a_config_the_wizard_wrote_gives_back_the_answers_it_was_made_of(
    district: dict[str, Any],
) -> None:
    """Run again over its config, the wizard offers each earlier answer as the default: taking
    every default makes the same answers again."""
    answers = wizard.from_mapping({**BASE, **district}, TODAY)
    text = wizard_config.config_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8"), answers, TODAY, "privat/config.toml"
    )
    earlier = wizard_config.earlier_answers(tomllib.loads(text))
    again: dict[str, Any] = {}
    for each in wizard.questions(TODAY):
        if each.asked(again):
            default = earlier.get(each.key, each.default_for(again))
            assert default is not None, each.key
            again[each.key] = each.read(default)
    assert again == answers


def test_the_start_date_is_read_as_the_workbook_reads_a_date() -> None:
    start = question("start_date")
    assert start.read("1/12") == dt.date(2026, 12, 1)  # typed on 24 November
    assert start.read("3 nov") == start.read("3.11.26") == dt.date(2026, 11, 3)
    assert start.read("2026-10-01") == dt.date(2026, 10, 1)
    with pytest.raises(wizard.Invalid, match=r"^'snart' är inget datum: skriv t.ex. 2026-11-24, "):
        start.read("snart")
    assert "Registrerad" in start.prompt and "inget välkomstbrev" in start.prompt
