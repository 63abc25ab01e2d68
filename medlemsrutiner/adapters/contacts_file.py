"""Files of contacts to import (scripts/import_contacts.py): CSV in whatever encoding and dialect
a register, a spreadsheet program or a form service wrote it, or XLSX (through adapters/xlsx.py).
Reads files; decides nothing about what is imported (steps/intake.py does).

CSV: the encoding is one of those Swedish files come in — UTF-8 (with or without a byte-order
mark), UTF-16/32 with a mark, Windows-1252 (what Excel on Windows saves and most register
exports use), Mac Roman, and the DOS code pages 850 and 437 (Excel's "CSV (MS-DOS)", old
register programs) — chosen by what reads as Swedish (see `decode`), so that a Windows-1252
`ö` is never read as a Mac `ˆ`, a DOS `Åsa` never as `èsa`, nor any of them as a Central
European letter. The dialect (`;`
or `,` or tab, quoting) is found with the standard library's csv.Sniffer, checked against the
header line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import charset_normalizer

from medlemsrutiner.adapters.workbook import grid_rows
from medlemsrutiner.errors import ImportFileError, WorkbookError

EIGHT_BIT = ("cp1252", "mac_roman", "cp850", "cp437")
"""The one-byte encodings a file without a byte-order mark may be in, most likely first. Code
page 437 has every Swedish letter where 850 has it, so its Swedish reads the same either way."""

ENCODINGS = ("utf_8", "utf_16", "utf_32", *EIGHT_BIT)
"""The encodings a file to import is read in, most likely first."""

DELIMITERS = ";,\t|"
_SAMPLE = 64 * 1024


def _what_else(path: Path) -> str | None:
    from medlemsrutiner.adapters.xlsx_file import what_else

    try:
        return what_else(path.read_bytes())
    except OSError:
        return None


def read_contacts_file(path: Path) -> list[list[Any]]:
    """The rows of a .csv/.txt or .xlsx file (row 0 = its header row), trailing blanks trimmed."""
    if not path.is_file():
        raise ImportFileError(f"Filen {path} finns inte.")
    suffix = path.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        from medlemsrutiner.adapters.xlsx import read_first_sheet

        try:
            return read_first_sheet(path)
        except WorkbookError:
            # What it is instead, when its first bytes say (a password-protected export).
            instead = _what_else(path)
            detail = f": den {instead}" if instead is not None else "."
            raise ImportFileError(f"Filen {path} går inte att läsa som .xlsx{detail}") from None
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportFileError(
            f"Filen {path.name} är i ett format som inte kan läsas ({suffix}). Spara den som "
            ".xlsx eller som CSV och importera den filen."
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"Filen {path} kan inte läsas ({error.strerror}).") from None
    return parse_csv(decode(data, path.name))


_SWEDISH_LETTERS = {**dict.fromkeys("åäöÅÄÖ", 2), **dict.fromkeys("éÉüÜ", 1)}
_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes, name: str = "filen") -> str:
    """The text of a CSV file: UTF-8 when it is valid UTF-8; else, for a file without a byte-
    order mark or NUL bytes, the reading among EIGHT_BIT that reads most like Swedish
    (`swedishness`; the earlier encoding when even); else the encoding charset-normalizer finds
    among ENCODINGS."""
    if not data.strip():
        return ""
    if not data.startswith(_MARKS) and b"\x00" not in data:
        try:
            return data.decode("utf_8")
        except UnicodeDecodeError:
            pass
        # Each reads any text; only one reads Swedish: `Förnamn` in Windows-1252 is `Fˆrnamn`
        # in Mac Roman, `Förnamn` in Mac Roman is `Fšrnamn` in Windows-1252, and `Åsa Öberg`
        # in code page 850 is `èsa ôberg` in Mac Roman. Guessing from the bytes alone
        # (charset-normalizer) picks wrong on a short file.
        readings = []
        for encoding in EIGHT_BIT:
            try:
                readings.append(data.decode(encoding))
            except UnicodeDecodeError:  # cp1252 leaves five bytes undefined
                continue
        if readings:
            return max(readings, key=swedishness)
    best = charset_normalizer.from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if best is None:
        raise ImportFileError(
            f"Teckenkodningen i {name} går inte att känna igen. Spara filen som "
            "CSV UTF-8 (i Excel: Spara som → CSV UTF-8) och försök igen."
        )
    return str(best)


def swedishness(text: str) -> int:
    """How Swedish a reading of a file looks: two points for each `å`, `ä`, `ö` (either case),
    one for `é` and `ü`; one off for each character beyond ASCII that is no letter (`ˆ`, `™`,
    a line of a box) and for each capital beyond ASCII after a small letter (`HÜkan`,
    `LuleÜ`: `Håkan`, `Luleå` in another code page). Other letters (`è`, `ñ`, `ø`) count
    nothing: names have them too."""
    score = 0
    for before, char in zip(" " + text, text, strict=False):
        if char.isascii():
            continue
        score += _SWEDISH_LETTERS.get(char, 0 if char.isalpha() else -1)
        if char.isupper() and before.islower():
            score -= 1
    return score


def dialect_of(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of `text`: csv.Sniffer's, when it splits the header line; otherwise
    the delimiter that occurs most in the header line, with Excel's quoting."""
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    try:
        sniffed = csv.Sniffer().sniff(text[:_SAMPLE], delimiters=DELIMITERS)
    except csv.Error:
        sniffed = None
    if sniffed is not None and sniffed.delimiter in header:
        return sniffed
    delimiter = max(DELIMITERS, key=header.count)

    class Fallback(csv.excel):
        pass

    Fallback.delimiter = delimiter if header.count(delimiter) else ","
    return Fallback


def parse_csv(text: str) -> list[list[Any]]:
    """Rows of CSV `text` as strings (row 0 = the header row)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect_of(text)))
    except csv.Error as error:
        raise ImportFileError(f"Filen går inte att läsa som CSV ({error}).") from None
    return grid_rows(rows)
