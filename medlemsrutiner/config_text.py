"""The config file as text: read (file I/O), a UTF-8 byte-order mark accepted, and TOML's
syntax errors explained in Swedish with the line number and the line itself (tomllib's own
messages are English: `Invalid statement (at line 1, column 1)`). `config.py` validates what
this module parses.

tomllib names where it stopped, not what a person did: a text without its closing quote is
`Illegal character '\\n'`, an unquoted text is `Invalid value`, a key with an `å` or a
non-breaking space in it is `Expected '='`. So the explanation looks at the line too: the
character where reading stopped, the quotes, what stands after `=`, and for a key or a table
written twice the line where it came first.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from medlemsrutiner.errors import ConfigError

BOM = "\ufeff"
"""What Notepad (and other Windows editors) put before the first line of a UTF-8 file."""

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)$|\(at end of document\)$")
_SHOWN = 100
"""At most this many characters of the line are shown."""

_EXPLANATIONS: tuple[tuple[str, str], ...] = (
    ("Invalid statement", "raden är varken en rubrik som [mail] eller nyckel = värde"),
    ("Expected '=' after a key", "ett likhetstecken (=) saknas efter nyckeln"),
    ("Invalid value", 'värdet går inte att läsa: text skrivs inom citattecken, t.ex. "Kim"'),
    ("Invalid initial character for a key", "nyckeln börjar med ett tecken som inte får stå där"),
    (
        "Expected newline or end of document",
        "något står efter värdet på samma rad (en kommentar börjar med #)",
    ),
    ("Cannot declare", "rubriken eller nyckeln finns redan tidigare i filen"),
    ("Cannot overwrite", "nyckeln finns redan tidigare i filen"),
    ("Cannot redefine", "rubriken finns redan tidigare i filen"),
    ("Cannot mutate", "rubriken eller nyckeln finns redan tidigare i filen"),
    ("Duplicate inline table key", "nyckeln finns två gånger inom { }"),
    ("Unclosed array", "en lista som börjar med [ avslutas aldrig med ]"),
    ("Unclosed inline table", "en { avslutas aldrig med }"),
    ("Expected ']", "rubriken saknar sin avslutande ]"),
    (
        "Unescaped '\\'",
        "ett omvänt snedstreck (\\) i en text: skriv / i en sökväg (C:/Users/kim), \\\\ för "
        "ett snedstreck, eller enkla citattecken runt texten",
    ),
    ("Invalid hex value", "ett omvänt snedstreck (\\) i en text: skriv / i en sökväg eller \\\\"),
    ("Escaped character", "ett omvänt snedstreck (\\) i en text: skriv / i en sökväg eller \\\\"),
    ("Invalid date", "datumet går inte att läsa: skriv det som 2026-11-03"),
    ("Illegal character", "ett tecken som inte får stå där (t.ex. ett styrtecken i en text)"),
    ("Found invalid character", "ett tecken som inte får stå där"),
)
"""tomllib's messages (their beginnings) in Swedish, when the line says nothing more."""

_UNTERMINATED = ("Illegal character '\\n'", "Unterminated string", 'Expected "\'"', "Expected '\"'")
"""tomllib's ways of saying that a text's closing quote is missing."""

_KEY_VALUE = re.compile(r"^\s*([^=\s]+(?:\s+[^=\s]+)*)\s*=\s*(.*?)\s*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_.-]+$")
_TYPOGRAPHIC_QUOTES = "“”„‟‘’‚‛«»‹›"
_YES_NO = {"ja", "nej", "yes", "no", "sant", "falskt", "true", "false", "j", "n"}
_INVISIBLE = {
    "\u00a0": "hårt mellanslag",
    "\u202f": "smalt hårt mellanslag",
    "\u200b": "nollbrett mellanslag",
    "\u200c": "nollbrett tecken",
    "\u200d": "nollbrett tecken",
    "\u2060": "nollbrett tecken",
    "\u00ad": "mjukt bindestreck",
    "\u200e": "riktningsmarkering",
    "\u200f": "riktningsmarkering",
    BOM: "BOM-tecken",
}
"""The invisible characters a copy from a web page or a word processor brings, by name."""
_DATE_TYPED = re.compile(r"^\d{1,4}[/.]\d{1,2}(?:[/.]\d{1,4})?$")


def read_toml(file: Path) -> dict[str, Any]:
    """The TOML file at `file` as a dict; a ConfigError naming the file (and for a syntax
    error the line) when it cannot be read."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, None, "filen finns inte") from None
    except OSError as error:
        raise ConfigError(file, None, f"kan inte läsas ({error.strerror})") from None
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise ConfigError(file, None, "filen är inte sparad som UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(file, None, explain(str(error), text)) from None


def explain(message: str, text: str) -> str:
    """tomllib's `message` about `text` in Swedish: the line number, what is wrong, the line."""
    lines = text.splitlines()
    number, column = _position(message, lines)
    if message.startswith(_UNTERMINATED) and column is None:  # "at end of document"
        number = _unbalanced_quote(lines, number) or number
    if message.startswith(("Unclosed array", "Unclosed inline table")):
        # tomllib stops where it gave up; the person looks for where the list began.
        number, column = _opened_at(lines, number, "[" if "array" in message else "{"), None
    raw = lines[number - 1] if 0 < number <= len(lines) else ""
    what = _diagnosis(message, lines, number, column) or next(
        (swedish for english, swedish in _EXPLANATIONS if message.startswith(english)),
        "raden följer inte TOML:s regler",
    )
    # A control character is shown as one that can be seen (it may be what is wrong).
    line = "".join(
        " " if c == "\t" else "\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in raw.strip()
    )
    if len(line) > _SHOWN:
        line = line[: _SHOWN - 1] + "…"
    said = f"rad {number} går inte att läsa: {what}"
    return f"{said}. Raden: {line}" if line else said


def _position(message: str, lines: Sequence[str]) -> tuple[int, int | None]:
    """The line (and column) tomllib names; at the end of the document, the last line that
    holds anything."""
    where = _WHERE.search(message)
    if where is not None and where.group(1):
        return int(where.group(1)), int(where.group(2))
    return max((i for i, line in enumerate(lines, 1) if line.strip()), default=1), None


def _diagnosis(message: str, lines: Sequence[str], number: int, column: int | None) -> str:
    """What the line shows went wrong, or "" when it shows nothing more than the message."""
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    odd = _odd_character(line, column)
    if odd:
        return odd
    if message.startswith(_UNTERMINATED):
        return _unterminated(line)
    if message.startswith("Invalid value"):
        return _invalid_value(line)
    if message.startswith("Expected '=' after a key"):
        return _no_equals(line)
    if message.startswith("Expected newline or end of document"):
        return _after_value(line)
    if message.startswith(("Cannot overwrite", "Cannot declare", "Cannot redefine", "Cannot mut")):
        return _twice(lines, number)
    if message.startswith("Expected ']"):
        name = line.strip().lstrip("[").strip()
        return f"rubriken saknar sin avslutande ]: skriv [{name}]" if name else ""
    return ""


def _odd_character(line: str, column: int | None) -> str:
    """An invisible or control character where reading stopped (a non-breaking space, a
    zero-width space, a byte-order mark, a control character pasted in)."""
    if column is None or not 0 < column <= len(line):
        return ""
    found = line[column - 1]
    category = unicodedata.category(found)
    odd = (
        found == BOM or category in ("Cc", "Cf", "Zl", "Zp") or (category == "Zs" and found != " ")
    )
    if not odd or found == "\t":
        return ""
    name = _INVISIBLE.get(found) or (
        "ett styrtecken" if category == "Cc" else "ett slags mellanslag" if category == "Zs" else
        "ett formateringstecken"
    )  # fmt: skip
    return (
        f"ett osynligt tecken (U+{ord(found):04X}, {name}) står där det inte får stå, ofta "
        "inklistrat från ett annat program: skriv raden på nytt för hand"
    )


def _unterminated(line: str) -> str:
    """A text whose closing quote is missing, with the line as it should read."""
    found = _KEY_VALUE.match(line)
    said = "ett citattecken saknas: texten som börjar med citattecken slutar aldrig på raden"
    if found is None or found.group(2)[:1] not in ("'", '"'):
        return said
    key, value = found.groups()
    quote = value[0]
    return f"{said}. Skriv: {key} = {quote}{value[1:].rstrip()}{quote}"


def _invalid_value(line: str) -> str:
    """What stands after `=` and is no TOML value: most often a text without quotes."""
    found = _KEY_VALUE.match(line)
    if found is None:
        return ""
    key, value = found.groups()
    value = value.split(" #")[0].strip()
    if not value:
        return "värdet saknas efter ="
    if value[0] in _TYPOGRAPHIC_QUOTES:
        inner = value.strip(_TYPOGRAPHIC_QUOTES + "\"'")
        return (
            f'citattecknen är typografiska ({value[0]}): skriv raka citattecken, {key} = "{inner}"'
        )
    if value.casefold() in _YES_NO:
        return "ja och nej skrivs true och false, med små bokstäver och utan citattecken"
    if value.startswith("="):
        return "två likhetstecken: skriv nyckel = värde"
    if value.endswith(("'", '"')):
        inner = value.strip("\"'")
        return f'citattecknet i början av texten saknas: skriv {key} = "{inner}"'
    return f'en text ska stå inom citattecken: skriv {key} = "{value}"'


def _no_equals(line: str) -> str:
    """A key that is not followed by `=`: a colon, a letter a key may not hold, a space."""
    before = line.split("=", 1)[0].strip()
    if ":" in before:
        return "skriv = mellan nyckeln och värdet, inte :"
    if any(not c.isascii() for c in before):
        return (
            "nyckeln får bara innehålla a–z, siffror, _ och - (inte å, ä, ö eller mellanslag): "
            "skriv den som i config.example.toml"
        )
    if "=" in line and not _BARE_KEY.match(before):
        return "nyckeln får inte ha mellanslag i sig: skriv den som i config.example.toml"
    if '"' in line or "'" in line:
        return "ett likhetstecken (=) saknas mellan nyckeln och texten"
    return "ett likhetstecken (=) saknas efter nyckeln"


def _after_value(line: str) -> str:
    """Something after a whole value: a date written with slashes, a quote inside a text, a
    comma, more after a table's `]`."""
    if line.strip().startswith("["):
        return "något står efter rubrikens ] (en kommentar börjar med #)"
    found = _KEY_VALUE.match(line)
    value = found.group(2) if found is not None else ""
    if _DATE_TYPED.match(value):
        return "ett datum skrivs ÅÅÅÅ-MM-DD, utan citattecken: t.ex. 2026-12-06"
    if value[:1] in ("'", '"') and value.count(value[0]) > 2:
        return (
            'ett citattecken mitt i texten avslutar den: skriv \\" för ett citattecken i '
            "texten, eller enkla citattecken runt den"
        )
    if re.match(r"^[-+]?\d+,", value):
        return "ett kommatecken efter talet: skriv decimaler med punkt (1.5), eller bara talet"
    return ""


def _twice(lines: Sequence[str], number: int) -> str:
    """A key or table written twice: where it came first."""
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    if line.startswith("["):
        header = line.split("#")[0].strip()
        first = _first(lines, number, lambda other: other.split("#")[0].strip() == header)
        if first:
            return f"rubriken {header} finns redan på rad {first}: skriv allt som hör till den där"
        return ""
    found = _KEY_VALUE.match(line)
    if found is None:
        return ""
    key = found.group(1)
    table = _table_start(lines, number)

    def same(other: str) -> bool:
        match = _KEY_VALUE.match(other)
        return match is not None and match.group(1) == key

    first = _first(lines, number, same, start=table)
    return f"nyckeln {key} finns redan på rad {first}: ta bort den ena" if first else ""


def _first(lines: Sequence[str], before: int, match: Any, start: int = 1) -> int:
    """The first line from `start` up to (not including) line `before` that `match`es, or 0."""
    for index in range(start, before):
        text = lines[index - 1]
        if not text.lstrip().startswith("#") and match(text.strip()):
            return index
    return 0


def _table_start(lines: Sequence[str], number: int) -> int:
    """The line of the table header line `number` belongs to (1: the top of the file)."""
    for index in range(number - 1, 0, -1):
        if lines[index - 1].strip().startswith("["):
            return index
    return 1


def _unbalanced_quote(lines: Sequence[str], number: int) -> int:
    """The first line up to `number` with a text that opens and never closes, or 0."""
    for index, line in enumerate(lines[:number], start=1):
        code = line.split("#")[0] if line.count('"') % 2 == 0 else line
        if code.count('"') % 2 or (code.count("'") % 2 and '"' not in code):
            return index
    return 0


def _opened_at(lines: Sequence[str], number: int, bracket: str) -> int:
    """The line where the list or table that never closes was opened."""
    for index in range(min(number, len(lines)), 0, -1):
        if re.search(rf"=\s*{re.escape(bracket)}", lines[index - 1]):
            return index
    return number
