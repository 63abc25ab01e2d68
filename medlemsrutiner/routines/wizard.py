"""The setup wizard's questions (Swedish), how an answer is read, and the config the answers
make. Pure: no terminal, no files (the template's text is passed in).

The interactive wizard and an answers file (`--answers`, TOML) go through the same questions in
the same order: each has the key an answers file uses, the prompt, a default (which may depend
on earlier answers; None = an answer is needed), whether it is asked at all given the earlier
answers, and a reader that turns what was typed into a value or raises `Invalid` with a Swedish
reason. `routines.wizard_config` makes the config of the answers (and reads them back out of
one).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet import cells
from medlemsrutiner.wording import SHORT_MONTHS

Answers = Mapping[str, Any]
"""Question key -> the value its reader made of the answer."""


class Invalid(ValueError):
    """An answer that cannot be used; the text says why, in Swedish."""


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    read: Callable[[str], Any]
    default: Callable[[Answers], str] | str | None = None
    """What an empty answer means (read like a typed one); None: an answer is needed."""
    asked: Callable[[Answers], bool] = field(default=lambda answers: True)

    def default_for(self, answers: Answers) -> str | None:
        return self.default(answers) if callable(self.default) else self.default


# --- readers ------------------------------------------------------------------------------------


def _line(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise Invalid("svaret saknas")
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise Invalid("skriv det på en rad")
    return value


def _optional_line(text: str) -> str:
    return _line(text) if text.strip() else ""


def _address(text: str) -> str:
    parsed = cells.parse_email(text)
    if parsed is None:
        raise Invalid("svaret saknas")
    if isinstance(parsed, cells.Bad) or any(c.isspace() for c in parsed):
        raise Invalid(f"'{text.strip()}' är ingen e-postadress (skriv t.ex. kim@example.org)")
    return parsed


def _phone(text: str) -> str:
    phone = cells.format_phone(text)
    if isinstance(phone, cells.Bad):
        raise Invalid(f"'{text.strip()}' går inte att läsa som ett telefonnummer: {phone.problem}")
    return phone or ""


def _words(shown: str, **choices: tuple[str, ...]) -> Callable[[str], str]:
    """A reader of one of a few answers: `choices` maps each value to the other words meaning
    it; `shown` is what the message after a wrong answer offers."""
    meaning = {word: value for value, words in choices.items() for word in (value, *words)}

    def read(text: str) -> str:
        word = cells.normalise_word(text)
        if word not in meaning:
            raise Invalid(f"'{text.strip()}' går inte att förstå: svara {shown}")
        return meaning[word]

    return read


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _variable(text: str) -> str:
    value = text.strip()
    if not _NAME.match(value):
        raise Invalid(
            f"'{value}' är inget namn på en miljövariabel (bara A–Z, siffror och _, t.ex. "
            "MEDLEMSRUTINER_SMTP_PASSWORD)"
        )
    return value


def _host(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", value):
        raise Invalid(f"'{value}' är inget servernamn (t.ex. smtp.example.org)")
    return value


def _port(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise Invalid(f"'{value}' är ingen port: skriv ett tal, oftast 587 eller 465")
    return int(value)


def _username(text: str) -> str:
    value = text.strip()
    if cells.normalise_word(value) in ("ingen", "-"):
        return ""
    if not value or any(c.isspace() or unicodedata.category(c) == "Cc" for c in value):
        raise Invalid("skriv användarnamnet utan mellanslag, eller ingen")
    return value


def _path(text: str) -> str:
    """A file or folder, kept as typed but for the spaces around it."""
    value = text.strip()
    if not value:
        raise Invalid("svaret saknas")
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise Invalid("skriv sökvägen på en rad")
    return value


def _workbook_path(text: str) -> str:
    value = _path(text)
    if not value.casefold().endswith(".xlsx"):
        raise Invalid(f"'{value}' slutar inte på .xlsx (t.ex. medlemsrutiner.xlsx)")
    return value


def _optional_path(text: str) -> str:
    return _path(text) if text.strip() else ""


_SHEET_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEET_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def spreadsheet_id(text: str) -> str:
    """A spreadsheet's id from its address in the browser, or the id itself."""
    value = text.strip()
    found = _SHEET_URL.search(value)
    if found:
        return found[1]
    if not _SHEET_ID.match(value):
        raise Invalid(
            f"'{value}' är varken ett Google-kalkylarks webbadress "
            "(https://docs.google.com/spreadsheets/d/…/edit) eller dess id"
        )
    return value


def _optional_spreadsheet(text: str) -> str:
    return spreadsheet_id(text) if text.strip() else ""


def _date(today: dt.date) -> Callable[[str], dt.date]:
    """A reader of a date typed as the workbook takes one (`2026-12-01`, `1/12`, `1 dec`): a
    date without a year is the latest such day at most a month ahead, as in Registrerad."""

    def read(text: str) -> dt.date:
        day = cells.parse_date(text.strip(), today)
        if day is None:
            raise Invalid("svaret saknas")
        if isinstance(day, cells.Bad):
            raise Invalid(
                f"'{text.strip()}' är inget datum: skriv t.ex. {today.isoformat()}, "
                f"{today.day}/{today.month} eller {today.day} {SHORT_MONTHS['sv'][today.month - 1]}"
            )
        return day

    return read


# --- the questions ------------------------------------------------------------------------------

MAIL_PROMPT = (
    "Hur ska breven skickas?\n"
    "  1 Gmail: distriktets Google-konto skickar dem\n"
    "  2 en annan e-postserver (SMTP)\n"
    "  3 inte alls: breven sparas som filer i en mapp, och du skickar dem själv\n"
    "Svara 1, 2 eller 3"
)
START_DATE_PROMPT = (
    "Från vilket datum ska nya få välkomstbrev?\n"
    "  Den som står i Intresserade med ett tidigare datum i Registrerad får inget välkomstbrev\n"
    "  (du kan ha skrivit in folk som redan fått ett, eller som du redan har ringt).\n"
    "  Ska de du redan har skrivit in få ett: svara ett datum före deras, t.ex. 1/11.\n"
    "Datum"
)
WORKBOOK_PROMPT = (
    "Var ska arbetsboken finnas?\n"
    "  1 i en Excel-fil på den här datorn\n"
    "  2 i ett Google-kalkylark\n"
    "Svara 1 eller 2"
)


def _is(key: str, *values: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) in values


def questions(today: dt.date) -> tuple[Question, ...]:
    """Every question, in the order they are asked."""
    smtp = _is("mail", "smtp")
    google = _is("workbook", "google")
    return (
        Question(
            "organisation",
            "Distriktets namn, som det ska stå i breven (t.ex. Amnesty Uppsala)",
            _line,
        ),
        Question(
            "coordinator_name", "Ditt namn (du är medlemsansvarig och skriver under breven)", _line
        ),
        Question(
            "coordinator_email",
            "Din e-postadress, gärna distriktets funktionsadress (svaren på breven kommer hit)",
            _address,
        ),
        Question(
            "coordinator_phone",
            "Ditt telefonnummer, som nya kan ringa (tomt = inget nummer i breven)",
            _phone,
            default="",
        ),
        Question(
            "training_coordinator_name",
            "Utbildningsansvarigs namn, som får ett kort brev om utbildningarna varje vecka "
            "(tomt = ingen)",
            _optional_line,
            default="",
        ),
        Question(
            "training_coordinator_email",
            "Utbildningsansvarigs e-postadress",
            _address,
            asked=lambda answers: bool(answers.get("training_coordinator_name")),
        ),
        Question(
            "mail",
            MAIL_PROMPT,
            _words(
                "1, 2 eller 3", gmail=("1", "google"), smtp=("2", "annan"), outbox=("3", "mapp")
            ),
            default="3",
        ),
        Question(
            "gmail_account",
            "Gmail-kontots adress (breven skickas från den)",
            _address,
            default=lambda answers: str(answers["coordinator_email"]),
            asked=_is("mail", "gmail"),
        ),
        Question("smtp_host", "E-postserverns namn (t.ex. smtp.example.org)", _host, asked=smtp),
        Question(
            "smtp_port", "Port (587 med starttls, 465 med ssl)", _port, default="587", asked=smtp
        ),
        Question(
            "smtp_security",
            "Säkerhet: starttls, ssl eller none (none bara för en server på samma dator)",
            _words("starttls, ssl eller none", starttls=(), ssl=("tls",), none=("ingen",)),
            default=lambda answers: "ssl" if answers.get("smtp_port") == 465 else "starttls",
            asked=smtp,
        ),
        Question(
            "smtp_username",
            "Användarnamnet på servern (skriv ingen för en server utan inloggning)",
            _username,
            default=lambda answers: str(answers["coordinator_email"]),
            asked=smtp,
        ),
        Question(
            "password_env",
            "Miljövariabeln som ska hålla lösenordet (för Gmail: applösenordet). Lösenordet "
            "skrivs aldrig i konfigurationen",
            _variable,
            default="MEDLEMSRUTINER_SMTP_PASSWORD",
            asked=lambda answers: (
                answers.get("mail") == "gmail"
                or (answers.get("mail") == "smtp" and bool(answers.get("smtp_username")))
            ),
        ),
        Question(
            "outbox",
            "Mappen där breven sparas (räknat från konfigurationens mapp)",
            _path,
            default="outbox",
            asked=_is("mail", "outbox"),
        ),
        Question(
            "workbook",
            WORKBOOK_PROMPT,
            _words("1 eller 2", xlsx=("1", "excel", "fil"), google=("2", "kalkylark")),
            default="1",
        ),
        Question(
            "workbook_path",
            "Excel-filens namn (räknat från konfigurationens mapp)",
            _workbook_path,
            default="medlemsrutiner.xlsx",
            asked=_is("workbook", "xlsx"),
        ),
        Question(
            "spreadsheet",
            "Kalkylarkets webbadress (eller id). Dela det med tjänstekontot som redigerare",
            spreadsheet_id,
            asked=google,
        ),
        Question(
            "followup_spreadsheet",
            "Ett eget kalkylark för Uppföljning, som bara du och tjänstekontot kan öppna: "
            "webbadress eller id (tomt = samma kalkylark, då ser alla som kan öppna det "
            "uppföljningen)",
            _optional_spreadsheet,
            default="",
            asked=google,
        ),
        Question(
            "credentials_file",
            "Tjänstekontots nyckelfil (JSON), räknat från konfigurationens mapp (tomt = nyckeln "
            "finns i en miljövariabel)",
            _optional_path,
            default="",
            asked=google,
        ),
        Question(
            "credentials_env",
            "Miljövariabeln som håller tjänstekontots nyckel",
            _variable,
            default="MEDLEMSRUTINER_GOOGLE_CREDENTIALS",
            asked=lambda answers: google(answers) and not answers.get("credentials_file"),
        ),
        Question(
            "start_date",
            START_DATE_PROMPT,
            _date(today),
            default=today.isoformat(),
        ),
    )


MAIL_KEYS = frozenset(
    {"mail", "gmail_account", "smtp_host", "smtp_port", "smtp_security", "smtp_username"}
    | {"password_env", "outbox"}
)
"""The questions about sending, asked again when the login fails."""


def as_text(value: object) -> str:
    """A value of an answers file as the text a person would have typed."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, str | int | dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise Invalid("ska vara en text inom citattecken, ett tal eller ett datum")


def from_mapping(data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The answers of an answers file, read and checked question by question, in order.
    Raises `Invalid` with the key in front of the reason (`coordinator_email: …`)."""
    all_questions = questions(today)
    unknown = sorted(set(data) - {question.key for question in all_questions})
    if unknown:
        raise Invalid(f"{unknown[0]}: okänd nyckel (stavfel?)")
    answers: dict[str, Any] = {}
    for question in all_questions:
        if not question.asked(answers):
            continue
        try:
            if question.key in data:
                text = as_text(data[question.key])
            else:
                default = question.default_for(answers)
                if default is None:
                    raise Invalid("svaret saknas")
                text = default
            answers[question.key] = question.read(text)
        except Invalid as error:
            raise Invalid(f"{question.key}: {error}") from None
    return answers
