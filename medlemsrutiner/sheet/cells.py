"""Lenient parsing of what people type into cells. Pure: no I/O, no clock.

Every parser returns the parsed value, None for a blank cell, or a `Bad` describing in Swedish
why the cell could not be read. A parser never raises on a cell's content: a bad cell becomes a
flag on its row, and the rest of the run goes on.

`Bad.problem` never quotes the cell, because the cell may hold personal data and problems end up
in Status cells and logs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import email_validator
import phonenumbers
from dateutil.relativedelta import relativedelta

from medlemsrutiner.sheet import invisible
from medlemsrutiner.sheet.times import parse_time

T = TypeVar("T")

SPREADSHEET_EPOCH = dt.date(1899, 12, 30)
"""Day zero of spreadsheet serial dates (Excel, LibreOffice and Google Sheets agree)."""

_MAX_SERIAL = 2958465  # 9999-12-31

EARLIEST = dt.date(2000, 1, 1)
"""No date of the routine lies before this: an earlier one is a number typed by mistake."""


@dataclass(frozen=True)
class Bad:
    """A cell that could not be read; `problem` is Swedish and never quotes the cell."""

    problem: str


def is_blank(value: Any) -> bool:
    """True for None, NaN, and strings in which nothing shows: only spaces, or invisible
    characters (a zero-width space, a byte-order mark, a lone combining mark, a control
    character) — a name that is only such a character is no name."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, dt.date) and value != value:  # pandas NaT
        return True
    return isinstance(value, str) and not invisible.shows(value)


def text(value: Any) -> str:
    """A cell as the trimmed text a person would read; integral floats lose their `.0`.

    Runs of whitespace become one space, and invisible characters at the ends of each word go
    (a word of only invisible characters goes whole), so no letter says `Hej \u200b!`; so do
    control and format characters inside a word (a soft hyphen, a zero-width space), but a
    joiner where it joins (an emoji sequence, Persian or Hindi letters: see `invisible`).
    """
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(word for word in map(invisible.word, str(value).split()) if word)


def is_formula(value: Any) -> bool:
    """True for a cell holding a formula as the .xlsx backend reads one (openpyxl keeps no
    computed value): a text beginning with `=`. (The Google backend reads a formula's result.)"""
    return isinstance(value, str) and text(value).startswith("=")


SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#REF!", "#NAME?", "#VALUE!", "#DIV/0!", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!",
     "#CALC!", "#GETTING_DATA"}
)  # fmt: skip
"""The error values LibreOffice, Excel and Google Sheets show in a cell whose formula failed."""


def is_error_value(value: Any) -> bool:
    """True for a cell showing a spreadsheet's error value (`#REF!`, `#NAME?`, …)."""
    return isinstance(value, str) and text(value).upper() in SPREADSHEET_ERRORS


def normalise_word(value: Any) -> str:
    """Case- and space-insensitive form of a word: ` EJ  NÅDD.` -> `ej nådd`."""
    return unicodedata.normalize("NFC", text(value)).casefold().rstrip(".").strip()


def multiline_text(value: Any) -> str:
    """A cell of free text with its line breaks kept (a paragraph in Texter, a group's
    Träffas, a training's Beskrivning, an Anteckning): each line read as `text` reads a cell,
    several blank lines one paragraph break, none at either end."""
    if not isinstance(value, str):
        return text(value)
    paragraphs: list[list[str]] = [[]]
    for line in value.splitlines():
        read = text(line)
        if read:
            paragraphs[-1].append(read)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines)


# --- Dates -----------------------------------------------------------------------------------

_MONTHS: Mapping[str, int] = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "febr": 2, "februari": 2, "february": 2,
    "mar": 3, "mars": 3, "march": 3,
    "apr": 4, "april": 4,
    "maj": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augusti": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

# A date pattern keeps what follows the date (`rest`): a time (`20/2 18.00`), or words.
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](?P<rest>.*))?$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?:\s(?P<rest>.*))?$")
_WORDY = re.compile(
    r"^(\d{1,2})(?::[ae])?\.?\s+([^\W\d_]+)\.?(?:\s+(\d{2}|\d{4}))?(?:\s+(?P<rest>.*))?$",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

_A_MONTH = 31
"""Days a date without a year may lie the other way from the way its column looks."""

_UNREADABLE_DATE = "datumet går inte att läsa; skriv t.ex. 2026-11-03, 3/11/2026 eller 3 nov 2026"


def serial_to_date(serial: float) -> dt.date:
    """Spreadsheet serial number (days since 1899-12-30; a fraction is the time) to a date."""
    return SPREADSHEET_EPOCH + dt.timedelta(days=math.floor(serial))


def date_to_serial(day: dt.date) -> int:
    """A date as a spreadsheet serial number."""
    return (day - SPREADSHEET_EPOCH).days


def parse_date(
    value: Any, today: dt.date | None = None, *, coming: bool = False
) -> dt.date | Bad | None:
    """Read a date the way people type it.

    Accepts real date and datetime cells, serial numbers, `2026-11-03`, `3/11/2026`, `3/11`
    (day first), `3.11.26`, `3 nov 2026`, `3 november`, `3:e nov`. Without `today` a date
    without a year is Bad. With it, it depends on what the column records:

    - the past (Registrerad, Samtal, …; the default): the latest such date at most a month
      after `today`, so `5/1` typed on 20 December is next January and `14/1` typed on
      6 December is this January;
    - events to come (`coming`: Utbildningar's Datum): its next occurrence, the earliest such
      date at most a month before `today`, so `14/1` typed on 6 December is next January and
      `3/12` typed on 6 December is three days ago (a training just held, or a slip: see
      `lacks_year`).
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad(_UNREADABLE_DATE)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        if math.isnan(value) or not 1 <= value <= _MAX_SERIAL:
            return Bad(_UNREADABLE_DATE)
        return serial_to_date(value)
    found = _typed_date(text(value))
    if found is None:
        return Bad(_UNREADABLE_DATE)
    if found.re in (_ISO, _COMPACT):
        year, month, day = (int(part) for part in found.groups()[:3])
        return _make_date(year, month, day)
    if found.re is _DAY_FIRST:
        return _with_year(int(found[1]), int(found[2]), found[3], today, coming)
    month_number = _MONTHS.get(found[2].casefold())
    if month_number is None:
        return Bad(_UNREADABLE_DATE)
    return _with_year(int(found[1]), month_number, found[3], today, coming)


def _typed_date(raw: str) -> re.Match[str] | None:
    """The date pattern a cell's text matches, if any. After a month written in words only a
    time may follow (`14 jan 18:30`; `3 nov 2026 ungefär` is no date); after a date in digits
    anything may (`3/12 kl 14`, `3/12 ej svar`)."""
    for pattern in (_ISO, _COMPACT, _DAY_FIRST):
        found = pattern.match(raw)
        if found:
            return found
    found = _WORDY.match(raw)
    if found and found["rest"]:
        clock = parse_time(found["rest"])
        if clock is None or clock.rest:
            return None
    return found


def after_date(value: Any) -> str:
    """What a cell typed as a date holds after the date, as typed: `20/2 18.00` -> `18.00`,
    `2026-12-03T18:00` -> `18:00`, `3/12 ej svar` -> `ej svar`; a date-time cell's time
    (`18:00`) unless it is midnight; "" when there is nothing more, or no date."""
    if isinstance(value, dt.datetime):
        return "" if value.time() == dt.time(0, 0) else value.strftime("%H:%M")
    if not isinstance(value, str) or is_blank(value):
        return ""
    found = _typed_date(text(value))
    return (found.groupdict().get("rest") or "") if found else ""


def lacks_year(value: Any) -> bool:
    """True for a date typed as text without a year (`14/1`, `14 jan`): its year is the
    routine's reading (`parse_date`), not the person's."""
    if not isinstance(value, str) or is_blank(value):
        return False
    found = _typed_date(text(value))
    return found is not None and found.re in (_DAY_FIRST, _WORDY) and not found[3]


def _with_year(
    day_number: int, month_number: int, year_text: str | None, today: dt.date | None, coming: bool
) -> dt.date | Bad:
    if year_text:
        year = int(year_text)
        return _make_date(year + 2000 if year < 100 else year, month_number, day_number)
    if today is None:
        return Bad("datumet saknar år")
    # A month the other way, so that a date just past (or just ahead) is not read as a year
    # away; the years tried reach far enough to find a 29 February.
    month = dt.timedelta(days=_A_MONTH)
    if coming:
        earliest, latest = today - month, dt.date.max
        years = range(today.year - 1, today.year + 9)
    else:
        earliest, latest = dt.date.min, today + month
        years = range(today.year + 1, today.year - 8, -1)
    for year in years:
        candidate = _make_date(year, month=month_number, day=day_number)
        if isinstance(candidate, dt.date) and earliest <= candidate <= latest:
            return candidate
    return Bad("datumet finns inte i kalendern")


def _make_date(year: int, month: int, day: int) -> dt.date | Bad:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Bad("datumet finns inte i kalendern")


# --- Emails, phones, yes/no, ids, words ------------------------------------------------------

_INVALID = "e-postadressen är inte giltig"


def parse_email(value: Any) -> str | Bad | None:
    """An address as typed (also `mailto:…` and `Name <…>`), trimmed; Bad when it is not one.

    The syntax is checked, and the domain normalised by the IDNA rules (lower case,
    `ÅRE.example` -> `åre.example`), by `email-validator`, with its deliverability checks off:
    no network. The local part is kept as typed (only the receiving server may interpret it:
    never casefold it, `straße` would become another address) and must be ASCII: a server
    without SMTPUTF8 could not take anything else. Compare addresses with `email_key`.
    """
    if is_blank(value):
        return None
    raw = text(value)
    bracketed = re.search(r"<([^<>]*)>", raw)
    if bracketed:  # pasted from a mail program: `Kim Exempelsson <kim@example.org>`
        raw = bracketed.group(1)
    raw = raw.strip()
    if raw.casefold().startswith("mailto:"):
        raw = raw[len("mailto:") :].strip().strip("<>")
    try:
        valid = email_validator.validate_email(
            raw,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except email_validator.EmailNotValidError:
        return Bad(_INVALID)
    if len(valid.ascii_domain.rpartition(".")[2]) < 2:
        return Bad(_INVALID)  # no top-level domain has one letter
    return f"{valid.local_part}@{valid.domain}"


def email_key(address: str) -> str:
    """How addresses are compared (duplicates, imports, erasure on request): without regard
    to case. Only for comparing: letters go to the address as typed."""
    return address.casefold()


def addresses_in(value: Any) -> frozenset[str]:
    """Every valid address anywhere in a cell's text, as `email_key`s: also in a cell of
    several (`a@example.se; b@example.se`), in a `HYPERLINK` formula's text, or amid words.
    For finding a person's rows (erasure on request), never for sending."""
    found = set()
    for token in _ADDRESS_LIKE.findall(text(value)):
        address = parse_email(token.strip(".!?"))
        if isinstance(address, str):
            found.add(email_key(address))
    return frozenset(found)


_SWEDEN = "SE"
_SWEDISH_CODE = 46
_PHONE_CHARACTERS = re.compile(r"[^\d\s+()./-]")


def format_phone(value: Any) -> str | Bad | None:
    """A phone number normalised for display: `+46701740605` -> `070-174 06 05`.

    Read and checked by `phonenumbers` (Google's numbering-plan data): a Swedish number is
    written the Swedish way, with the area-code dash and groups of digits; a foreign one in
    international form (`0044 20 7946 0958` -> `+44 20 7946 0958`). Bad when it holds letters
    (an extension, a note) or is not a number of its country.
    """
    if is_blank(value):
        return None
    raw = re.sub(r"[\u2010-\u2015\u2212]", "-", text(value))  # typographic dashes
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell lost the leading zero (701740605) or the plus (46701740605).
        raw = "+" + raw if raw.startswith("46") and len(raw) == 11 else "0" + raw
    if isinstance(value, bool) or _PHONE_CHARACTERS.search(raw):
        return Bad("telefonnumret innehåller annat än siffror")
    raw = re.sub(r"^\s*(?:\+|00)\s*", "+", raw)
    try:
        number = phonenumbers.parse(raw, _SWEDEN)
    except phonenumbers.NumberParseException:
        return Bad("telefonnumret har fel antal siffror")
    if number.country_code == _SWEDISH_CODE:
        if not phonenumbers.is_valid_number(number):
            return Bad("telefonnumret har fel antal siffror")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Numbering plans abroad change without our knowing: a possible length is enough.
    if not phonenumbers.is_possible_number(number):
        return Bad("telefonnumret har fel antal siffror")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_YES = frozenset({"ja", "j", "yes", "y", "true", "sant", "1", "x", "aktiv"})
_NO = frozenset({"nej", "n", "no", "false", "falskt", "0", "inaktiv", "inte aktiv"})


def parse_yes_no(value: Any) -> bool | Bad | None:
    """`ja`/`nej` and their usual variants (also real booleans); Bad for anything else."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = normalise_word(value)
    if word in _YES:
        return True
    if word in _NO:
        return False
    return Bad("skriv ja eller nej")


def parse_id(value: Any) -> int | Bad | None:
    """An ID cell: a positive whole number (`12`, `12.0`, ` 12 `). A whole day (a date, or a
    date-time at midnight) is its serial number, and whole days their number: an ID cell given
    a date format shows its number as a date (`74` as `1900-03-14`), and an .xlsx file reads it
    as one (a duration in a time format such as `[h]:mm`)."""
    if is_blank(value):
        return None
    number = whole_number(value)
    return number if number is not None and number > 0 else Bad("ID ska vara ett heltal")


def whole_number(value: Any) -> int | None:
    """A cell holding a whole number (an ID, a count), None when it holds anything else: a
    number, its digits (`12`, `12.0`), or what a date or time format shows of one — a whole
    day (a date, a date-time at midnight) its serial number, midnight 0, whole days their
    number. People format whole rows and columns as dates; the number is still there."""
    if is_blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, dt.timedelta):
        return value.days if value == dt.timedelta(days=value.days) else None
    if isinstance(value, dt.time):
        return 0 if value == dt.time(0, 0) else None
    if isinstance(value, dt.date):
        if isinstance(value, dt.datetime) and value.time() != dt.time(0, 0):
            return None
        return date_to_serial(value.date() if isinstance(value, dt.datetime) else value)
    raw = text(value).removesuffix(".0")
    return int(raw) if raw.isascii() and raw.isdigit() else None


def id_as_date(value: Any) -> bool:
    """True for an ID cell that reads as a whole day, or a duration of whole days: a number
    shown in a date or time format, whose number is the ID (`parse_id`); the run writes the
    number back, so the cell shows it."""
    if isinstance(value, dt.datetime):
        return value.time() == dt.time(0, 0)
    if isinstance(value, dt.timedelta):
        return value == dt.timedelta(days=value.days)
    return isinstance(value, dt.date)


def parse_word(value: Any, words: Mapping[str, T]) -> T | Bad | None:
    """A vocabulary word, case- and space-insensitive; Bad when it is not in `words`."""
    if is_blank(value):
        return None
    found = words.get(normalise_word(value))
    if found is None:
        return Bad("okänt ord")
    return found


# --- Keeping personal data out of logs -------------------------------------------------------

_ADDRESS_LIKE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_NUMBER_LIKE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def redact(message: str) -> str:
    """Remove anything shaped like an email address or phone number from `message`.

    Used on texts that come from outside (an SMTP server's reply, an exception) before they
    reach a log, stdout or a Status cell. ISO dates are kept; a run of at least eight digits
    (with spaces, dashes, dots or parentheses between) is taken for a phone number.
    """
    message = _ADDRESS_LIKE.sub("<adress>", message)
    dates = _ISO_DATE.findall(message)
    message = _ISO_DATE.sub("\x00", message)
    message = _NUMBER_LIKE.sub(_redact_number, message)
    for date in dates:
        message = message.replace("\x00", date, 1)
    return message


def _redact_number(match: re.Match[str]) -> str:
    found = match.group(0)
    if sum(ch.isdigit() for ch in found) < 8:
        return found
    return "<nummer>"


# --- Date arithmetic that cannot overflow ----------------------------------------------------


def later(day: dt.date, *, days: int = 0, weeks: int = 0, months: int = 0) -> dt.date:
    """`day` plus a period; the last representable date instead of an OverflowError.

    Months are calendar months (`dateutil.relativedelta`: 31 January + 1 month = 28 or 29
    February), added after the days and weeks.
    """
    try:
        return day + dt.timedelta(days=days, weeks=weeks) + relativedelta(months=months)
    except (OverflowError, ValueError):
        return dt.date.max
