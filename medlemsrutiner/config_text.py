"""The config file as text: read (file I/O), a UTF-8 byte-order mark accepted, and TOML's
syntax errors explained in Swedish with the line number and the line itself (tomllib's own
messages are English: `Invalid statement (at line 1, column 1)`). `config.py` validates what
this module parses.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from medlemsrutiner.errors import ConfigError

BOM = "\ufeff"
"""What Notepad (and other Windows editors) put before the first line of a UTF-8 file."""

_WHERE = re.compile(r"\(at line (\d+), column \d+\)$|\(at end of document\)$")
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
    ("Unterminated string", "ett citattecken som börjar en text avslutas aldrig"),
    ("Unclosed array", "en lista som börjar med [ avslutas aldrig med ]"),
    ("Unclosed inline table", "en { avslutas aldrig med }"),
    ("Expected ']", "rubriken saknar sin avslutande ]"),
    (
        "Unescaped '\\'",
        "ett omvänt snedstreck (\\) i en text: skriv \\\\ eller använd enkla citattecken",
    ),
    ("Invalid hex value", "ett omvänt snedstreck (\\) i en text: skriv \\\\"),
    ("Escaped character", "ett omvänt snedstreck (\\) i en text: skriv \\\\"),
    ("Invalid date", "datumet går inte att läsa: skriv det som 2026-11-03"),
    ("Illegal character", "ett tecken som inte får stå där (t.ex. ett styrtecken i en text)"),
    ("Found invalid character", "ett tecken som inte får stå där"),
)
"""tomllib's messages (their beginnings) in Swedish."""


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
    where = _WHERE.search(message)
    if where is not None and where.group(1):
        number = int(where.group(1))
    else:  # at the end of the document: the last line that holds anything
        number = max((i for i, line in enumerate(lines, 1) if line.strip()), default=1)
    what = next(
        (swedish for english, swedish in _EXPLANATIONS if message.startswith(english)),
        "raden följer inte TOML:s regler",
    )
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    if len(line) > _SHOWN:
        line = line[: _SHOWN - 1] + "…"
    said = f"rad {number} går inte att läsa: {what}"
    return f"{said}. Raden: {line}" if line else said
