"""Cell values of the fake Sheets API: how written values are stored and how stored values are
rendered back, following what Google's recorded answers show.

Writing (`write_value`):

* `RAW` stores JSON values as given: strings stay strings (`"=1+1"`, `"'x"` and `"0042"` are
  text), numbers stay numbers, booleans stay booleans.
* `USER_ENTERED` parses strings like the Sheets UI (en_US rules): a leading `'` forces text and is
  dropped; a leading `=` makes a formula; `TRUE`/`FALSE` (any case) become booleans; numbers
  (`42`, `0042` → 42, `-1,234.5`, `1e3`, `50%` → 0.5) become numbers; ISO dates `2026-11-03`,
  date-times `2026-11-03 14:05[:30]` and times `14:05[:30]` become serial numbers (days since
  1899-12-30) and give the cell a DATE / DATE_TIME / TIME number format when it has none. Other
  date spellings (`11/3/2026`) stay text here, although Google's en_US parser reads them.
  A cell whose number format is TEXT (plain text) keeps every string as text.
* `""` clears the cell's value (its format stays); `None` (JSON `null`) leaves the cell as it is.
* Python `date` / `datetime` values (which only test seeding can pass, JSON has none) become
  serial numbers with a `yyyy-mm-dd` / `yyyy-mm-dd hh:mm:ss` number format.

Formulas: the formula text is stored (valueRenderOption=FORMULA returns it). The fake evaluates
arithmetic only — numbers, `+ - * / ^`, unary minus, parentheses, string literals and `&`. Any
other formula (functions, cell references) evaluates to the error value `#NAME?`, so a formula
never reads back as the text that was written. Division by zero gives `#DIV/0!`.

Reading (`render`): FORMATTED_VALUE renders everything as text (numbers in General format or the
cell's number format, dates by their pattern, booleans `TRUE`/`FALSE`); UNFORMATTED_VALUE returns
typed values (integral numbers as ints, dates as serials unless dateTimeRenderOption is
FORMATTED_STRING); FORMULA is UNFORMATTED_VALUE with formulas as their text.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

Scalar = str | int | float | bool
"""A stored effective value."""

EPOCH = dt.datetime(1899, 12, 30)
"""Day 0 of Google's serial dates."""

DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})

DEFAULT_PATTERNS = {
    "DATE": "yyyy-mm-dd",
    "TIME": "hh:mm:ss",
    "DATE_TIME": "yyyy-mm-dd hh:mm:ss",
    "PERCENT": "0.00%",
    "SCIENTIFIC": "0.00E+00",
}
"""Patterns used when a number format names a type but no pattern (the fake's choice)."""

ERROR_TEXT = {
    "NAME": "#NAME?",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "ERROR": "#ERROR!",
    "VALUE": "#VALUE!",
}


@dataclass
class Cell:
    """One stored cell.

    `value` is the effective value (None: no value). `formula` is the user-entered formula, if
    any; then `value` holds its result and `error` the error type when the result is an error.
    `fmt` is the userEnteredFormat, `validation` the dataValidation rule, `note` the note.
    """

    value: Scalar | None = None
    formula: str | None = None
    error: str | None = None
    fmt: dict[str, Any] | None = None
    validation: dict[str, Any] | None = None
    note: str | None = None

    def has_value(self) -> bool:
        """True when the cell holds a value or a formula (what values reads and tables see)."""
        return self.value is not None or self.formula is not None

    def clear_value(self) -> None:
        """Remove the value and formula; keep format, validation and note (as Google's clear)."""
        self.value = None
        self.formula = None
        self.error = None

    def clone(self) -> Cell:
        """Return an independent copy. `fmt` and `validation` are shared: the store never
        changes them in place (every write gives a cell new ones)."""
        return Cell(
            value=self.value,
            formula=self.formula,
            error=self.error,
            fmt=self.fmt,
            validation=self.validation,
            note=self.note,
        )

    @property
    def number_format(self) -> dict[str, Any] | None:
        """The cell's userEnteredFormat.numberFormat, if any."""
        if self.fmt is None:
            return None
        number_format = self.fmt.get("numberFormat")
        return number_format if isinstance(number_format, dict) else None


@dataclass
class Parsed:
    """The outcome of interpreting one written value."""

    clear: bool = False
    value: Scalar | None = None
    formula: str | None = None
    suggested_format: dict[str, str] | None = field(default=None)


def is_scalar(value: object) -> bool:
    """True for the JSON values a cell accepts (string, number, boolean)."""
    return isinstance(value, str | int | float | bool)


def normalise_number(value: float | int) -> int | float:
    """Return integral numbers as ints (Google's JSON writes 42, not 42.0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# ---------------------------------------------------------------------------------------------
# Writing


_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?"
    r"(?P<pct>%?)"
)
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def interpret(raw: object, *, user_entered: bool, cell_format: dict[str, Any] | None) -> Parsed:
    """Interpret one value of a values write. Raise TypeError for any other kind of value.

    `cell_format` is the target cell's current number format (a TEXT format keeps strings as
    text under USER_ENTERED).
    """
    if raw is None:
        return Parsed()
    if isinstance(raw, dt.datetime):
        return Parsed(
            value=to_serial(raw),
            suggested_format={"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"},
        )
    if isinstance(raw, dt.date):
        return Parsed(
            value=to_serial(raw), suggested_format={"type": "DATE", "pattern": "yyyy-mm-dd"}
        )
    if not is_scalar(raw):
        raise TypeError(f"not a cell value: {raw!r}")
    if isinstance(raw, bool):
        return Parsed(value=raw)
    if isinstance(raw, int | float):
        return Parsed(value=normalise_number(raw))
    assert isinstance(raw, str)
    if raw == "":
        return Parsed(clear=True)
    if not user_entered:
        return Parsed(value=raw)
    if raw.startswith("'"):
        return Parsed(value=raw[1:]) if len(raw) > 1 else Parsed(clear=True)
    if cell_format is not None and cell_format.get("type") == "TEXT":
        return Parsed(value=raw)
    if raw.startswith("=") and len(raw) > 1:
        return Parsed(formula=raw)
    text = raw.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return Parsed(value=text.upper() == "TRUE")
    number = _parse_number(text)
    if number is not None:
        return number
    moment = _parse_moment(text)
    if moment is not None:
        return moment
    return Parsed(value=raw)


def _parse_number(text: str) -> Parsed | None:
    match = _NUMBER.fullmatch(text)
    if match is None or not re.search(r"\d", match.group("int") + (match.group("frac") or "")):
        return None
    digits = match.group("int").replace(",", "")
    frac = match.group("frac")
    literal = (digits or "0") + ("." + frac if frac else "")
    if match.group("exp"):
        literal += "e" + match.group("exp")
    number = float(literal)
    if match.group("sign") == "-":
        number = -number
    decimals = len(frac or "")
    if match.group("pct"):
        pattern = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
        return Parsed(
            value=normalise_number(round(number / 100, 15)),
            suggested_format={"type": "PERCENT", "pattern": pattern},
        )
    suggested = None
    if "," in match.group("int"):
        pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
        suggested = {"type": "NUMBER", "pattern": pattern}
    return Parsed(value=normalise_number(number), suggested_format=suggested)


def _parse_moment(text: str) -> Parsed | None:
    date_match = _DATE.fullmatch(text)
    if date_match is not None:
        year, month, day = (int(date_match.group(i)) for i in (1, 2, 3))
        try:
            moment = dt.datetime(year, month, day)
        except ValueError:
            return None
        if date_match.group(4) is None:
            return Parsed(
                value=to_serial(moment), suggested_format={"type": "DATE", "pattern": "yyyy-mm-dd"}
            )
        hours, minutes = int(date_match.group(4)), int(date_match.group(5))
        seconds = int(date_match.group(6) or 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            return None
        moment = moment.replace(hour=hours, minute=minutes, second=seconds)
        pattern = "yyyy-mm-dd hh:mm" + (":ss" if date_match.group(6) else "")
        return Parsed(
            value=to_serial(moment), suggested_format={"type": "DATE_TIME", "pattern": pattern}
        )
    time_match = _TIME.fullmatch(text)
    if time_match is not None:
        hours, minutes = int(time_match.group(1)), int(time_match.group(2))
        seconds = int(time_match.group(3) or 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            return None
        serial = (hours * 3600 + minutes * 60 + seconds) / 86400
        pattern = "hh:mm" + (":ss" if time_match.group(3) else "")
        return Parsed(value=serial, suggested_format={"type": "TIME", "pattern": pattern})
    return None


def to_serial(moment: dt.datetime | dt.date) -> int | float:
    """Return the serial number of a date or date-time (days since 1899-12-30)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    delta = moment - EPOCH
    return normalise_number(delta.days + delta.seconds / 86400)


def from_serial(serial: float) -> dt.datetime:
    """Return the date-time of a serial number, rounded to the second."""
    return EPOCH + dt.timedelta(seconds=round(serial * 86400))


def write_value(cell: Cell, raw: object, *, user_entered: bool) -> bool:
    """Write one value into `cell`; return False when the value was `None` (nothing written).

    Raise TypeError for a value that is not a JSON scalar.
    """
    parsed = interpret(raw, user_entered=user_entered, cell_format=cell.number_format)
    if raw is None:
        return False
    cell.clear_value()
    if parsed.clear:
        return True
    if parsed.formula is not None:
        cell.formula = parsed.formula
        cell.value, cell.error = evaluate_formula(parsed.formula)
    else:
        cell.value = parsed.value
    if parsed.suggested_format is not None and cell.number_format is None:
        cell.fmt = dict(cell.fmt or {})
        cell.fmt["numberFormat"] = dict(parsed.suggested_format)
    return True


# ---------------------------------------------------------------------------------------------
# Formulas


class _FormulaError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(\"(?:[^\"]|\"\")*\")|([-+*/^&()]))"
)


def evaluate_formula(formula: str) -> tuple[Scalar, str | None]:
    """Evaluate `formula` (with its leading `=`); return (value, error type or None)."""
    try:
        tokens = _tokenize(formula[1:])
        parser = _Parser(tokens)
        result = parser.expression()
        if parser.position != len(tokens):
            raise _FormulaError("ERROR")
    except _FormulaError as error:
        return ERROR_TEXT[error.kind], error.kind
    if isinstance(result, float):
        return normalise_number(result), None
    return result, None


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].lstrip()
            raise _FormulaError("NAME" if rest[:1].isalpha() or rest[:1] == "$" else "ERROR")
        tokens.append(match.group(0).strip())
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over `&` < `+ -` < `* /` < `^` < unary minus < atoms."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise _FormulaError("ERROR")
        self.position += 1
        return token

    def expression(self) -> float | str:
        left = self._sum()
        while self._peek() == "&":
            self._take()
            right = self._sum()
            left = _as_text(left) + _as_text(right)
        return left

    def _sum(self) -> float | str:
        left = self._product()
        while self._peek() in ("+", "-"):
            operator = self._take()
            right = _as_number(self._product())
            left = _as_number(left) + right if operator == "+" else _as_number(left) - right
        return left

    def _product(self) -> float | str:
        left = self._power()
        while self._peek() in ("*", "/"):
            operator = self._take()
            right = _as_number(self._power())
            if operator == "*":
                left = _as_number(left) * right
            elif right == 0:
                raise _FormulaError("DIVIDE_BY_ZERO")
            else:
                left = _as_number(left) / right
        return left

    def _power(self) -> float | str:
        base = self._unary()
        if self._peek() == "^":
            self._take()
            exponent = _as_number(self._power())
            try:
                return float(_as_number(base) ** exponent)
            except (OverflowError, ZeroDivisionError) as error:
                raise _FormulaError("VALUE") from error
        return base

    def _unary(self) -> float | str:
        if self._peek() in ("-", "+"):
            operator = self._take()
            operand = _as_number(self._unary())
            return -operand if operator == "-" else operand
        return self._atom()

    def _atom(self) -> float | str:
        token = self._take()
        if token == "(":
            value = self.expression()
            if self._take() != ")":
                raise _FormulaError("ERROR")
            return value
        if token.startswith('"'):
            return token[1:-1].replace('""', '"')
        if token[0].isdigit() or token[0] == ".":
            return float(token)
        raise _FormulaError("ERROR")


def _as_number(value: float | str) -> float:
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except ValueError as error:
        raise _FormulaError("VALUE") from error


def _as_text(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return format_general(normalise_number(value))


# ---------------------------------------------------------------------------------------------
# Reading


def render(
    cell: Cell | None, *, value_render: str = "FORMATTED_VALUE", date_render: str = "SERIAL_NUMBER"
) -> Scalar:
    """Render a cell as the values endpoints do ("" for an empty cell)."""
    if cell is None or not cell.has_value():
        return ""
    if value_render == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.value
    if value is None:
        return ""
    if value_render == "FORMATTED_VALUE":
        return formatted_value(cell)
    if cell.error is not None:
        return value
    if isinstance(value, bool | str):
        return value
    number_format = cell.number_format
    if (
        date_render == "FORMATTED_STRING"
        and number_format is not None
        and number_format.get("type") in DATE_TYPES
    ):
        return formatted_value(cell)
    return normalise_number(value)


def formatted_value(cell: Cell) -> str:
    """Return the cell as FORMATTED_VALUE text ("" when empty)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    return format_number(value, cell.number_format)


def format_general(value: int | float) -> str:
    """Render a number in the General (automatic) format: integers plainly, fractions with at most
    10 decimals, very large or small magnitudes in scientific notation (`1.5E+20`)."""
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return "#NUM!"
    if number == 0:
        return "0"
    if abs(number) >= 1e15 or abs(number) < 1e-10:
        mantissa, exponent = f"{number:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    if number.is_integer():
        return str(int(number))
    text = f"{round(number, 10):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value: int | float, number_format: dict[str, Any] | None) -> str:
    """Render a number with a cell's number format (General when there is none)."""
    if number_format is None:
        return format_general(value)
    kind = str(number_format.get("type", "NUMBER"))
    pattern = str(number_format.get("pattern") or DEFAULT_PATTERNS.get(kind, ""))
    if kind in DATE_TYPES:
        return format_date_pattern(from_serial(float(value)), pattern)
    if kind == "TEXT" or not pattern:
        return format_general(value)
    return format_number_pattern(float(value), pattern)


def format_number_pattern(value: float, pattern: str) -> str:
    """Render a number with a simple pattern: `0`, `0.00`, `#,##0.00`, `0%`, `0.00E+00`,
    literal prefixes and suffixes (`"$"#,##0.00`, `0.0 "kr"`). Only the first section is used."""
    section = pattern.split(";")[0]
    first = re.search(r"[0#?]", section)
    if first is None:
        return format_general(value)
    last = max(i for i, char in enumerate(section) if char in "0#?.,%Ee+")
    prefix = _literal(section[: first.start()])
    body = section[first.start() : last + 1]
    suffix = _literal(section[last + 1 :])
    if "%" in body:
        value *= 100
        body = body.replace("%", "")
        suffix = "%" + suffix
    if "E" in body.upper():
        mantissa_pattern = re.split("[Ee]", body)[0]
        decimals = len(mantissa_pattern.split(".")[1]) if "." in mantissa_pattern else 0
        mantissa, exponent = f"{value:.{decimals}E}".split("E")
        return f"{prefix}{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    decimals = len(body.split(".")[1].replace(",", "")) if "." in body else 0
    grouped = "," in body.split(".")[0]
    text = f"{abs(value):,.{decimals}f}" if grouped else f"{abs(value):.{decimals}f}"
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    return f"{sign}{prefix}{text}{suffix}"


def _literal(text: str) -> str:
    return text.replace('"', "").replace("\\", "")


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|am/pm|AM/PM|a/p|A/P|yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|MMMM|MMM|MM|M|dddd|ddd|dd|d|'
    r"hh|h|HH|H|ss|s|.",
)

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_date_pattern(moment: dt.datetime, pattern: str) -> str:
    """Render a date-time with a Sheets date pattern (`yyyy-mm-dd`, `d mmm yyyy`, `hh:mm:ss`,
    `h:mm am/pm`). `m`/`mm` mean minutes right after an hour token or right before seconds."""
    tokens = _DATE_TOKEN.findall(pattern)
    twelve_hour = any(token.lower() in ("am/pm", "a/p") for token in tokens)
    parts: list[str] = []
    for index, token in enumerate(tokens):
        lower = token.lower()
        if token.startswith('"'):
            parts.append(token[1:-1])
        elif token.startswith("\\"):
            parts.append(token[1:])
        elif lower in ("am/pm", "a/p"):
            suffix = "AM" if moment.hour < 12 else "PM"
            parts.append(suffix if lower == "am/pm" else suffix[0])
        elif lower in ("yyyy", "y"):
            parts.append(f"{moment.year:04d}")
        elif lower == "yy":
            parts.append(f"{moment.year % 100:02d}")
        elif lower in ("m", "mm") and _is_minute(tokens, index):
            parts.append(f"{moment.minute:02d}" if len(token) == 2 else str(moment.minute))
        elif lower in ("m", "mm", "mmm", "mmmm", "mmmmm"):
            parts.append(_month(moment.month, len(token)))
        elif lower in ("d", "dd"):
            parts.append(f"{moment.day:02d}" if len(token) == 2 else str(moment.day))
        elif lower == "ddd":
            parts.append(_DAYS[moment.weekday()][:3])
        elif lower == "dddd":
            parts.append(_DAYS[moment.weekday()])
        elif lower in ("h", "hh"):
            hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
            parts.append(f"{hour:02d}" if len(token) == 2 else str(hour))
        elif lower in ("s", "ss"):
            parts.append(f"{moment.second:02d}" if len(token) == 2 else str(moment.second))
        else:
            parts.append(token)
    return "".join(parts)


def _month(month: int, width: int) -> str:
    if width == 1:
        return str(month)
    if width == 2:
        return f"{month:02d}"
    if width == 3:
        return _MONTHS[month - 1][:3]
    if width == 5:
        return _MONTHS[month - 1][0]
    return _MONTHS[month - 1]


def _is_minute(tokens: list[str], index: int) -> bool:
    for previous in reversed(tokens[:index]):
        if previous.lower() in ("h", "hh"):
            return True
        if previous.isalpha():
            break
    for following in tokens[index + 1 :]:
        if following.lower() in ("s", "ss"):
            return True
        if following.isalpha():
            break
    return False


# ---------------------------------------------------------------------------------------------
# Grid data (spreadsheets.get with includeGridData or a data field mask)


def extended_value(value: Scalar) -> dict[str, Any]:
    """Return an ExtendedValue (`{"stringValue": ...}` and so on) for a stored value."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": normalise_number(value)}
    return {"stringValue": value}


def cell_data(cell: Cell | None) -> dict[str, Any]:
    """Return the CellData JSON of a cell (only the fields that are set)."""
    if cell is None:
        return {}
    data: dict[str, Any] = {}
    if cell.formula is not None:
        data["userEnteredValue"] = {"formulaValue": cell.formula}
    elif cell.value is not None:
        data["userEnteredValue"] = extended_value(cell.value)
    if cell.value is not None:
        if cell.error is not None:
            data["effectiveValue"] = {
                "errorValue": {"type": cell.error, "message": f"{ERROR_TEXT[cell.error]} (fake)"}
            }
        else:
            data["effectiveValue"] = extended_value(cell.value)
        data["formattedValue"] = formatted_value(cell)
    if cell.fmt:
        data["userEnteredFormat"] = with_color_styles(copy.deepcopy(cell.fmt))
    if cell.validation:
        data["dataValidation"] = copy.deepcopy(cell.validation)
    if cell.note:
        data["note"] = cell.note
    return data


def with_color_styles(fmt: dict[str, Any]) -> dict[str, Any]:
    """Add the `...ColorStyle` twins Google derives from plain colours (and the reverse), as the
    recorded answers show for backgroundColor and textFormat.foregroundColor."""
    _twin(fmt, "backgroundColor", "backgroundColorStyle")
    text_format = fmt.get("textFormat")
    if isinstance(text_format, dict):
        _twin(text_format, "foregroundColor", "foregroundColorStyle")
    return fmt


def _twin(holder: dict[str, Any], color_key: str, style_key: str) -> None:
    color = holder.get(color_key)
    style = holder.get(style_key)
    if isinstance(color, dict) and style_key not in holder:
        holder[style_key] = {"rgbColor": copy.deepcopy(color)}
    elif isinstance(style, dict) and isinstance(style.get("rgbColor"), dict):
        holder.setdefault(color_key, copy.deepcopy(style["rgbColor"]))
