"""The .xlsx file as openpyxl loads and saves it, so that a run changes no cell it does not
write, and every cell as the routine reads it. No file I/O of its own (bytes in, bytes out).

**Numbers stay numbers.** openpyxl turns a number in a date-formatted cell into a date while
it loads, and saves that date back: a number beyond 9999-12-31 (a phone number, `701740655`,
in a row formatted as dates) becomes the error `#VALUE!` with a warning that quotes it, and a
fraction is rounded to the millisecond. So the file is loaded with no cell converted — every
number stays the number the file holds, and a save writes it back as it was — and a cell is
turned into a date only as the routine reads it (`value_of`): a number in a date format that a
date can hold is a date (a time of day below 1, a duration in an elapsed-time format such as
`[h]:mm`), any other number is the number. The serial counts from 1899-12-30 as LibreOffice and
Google Sheets count (Excel agrees from 1 March 1900), so every whole number has exactly one
date and back (`cells.date_to_serial`): an ID in a date-formatted cell reads as its number.

**Every digit stays.** openpyxl writes numbers with 16 significant digits; while it saves, a
number that needs more is written in full (`_exact_numbers`).

**Rich text stays rich.** The file is loaded with its rich text (a word in bold, a name in red
inside a cell), so a save keeps a cell's runs of formatting; the routine reads the text.

**Macros stay.** A workbook with macros (.xlsm) is loaded with its VBA project and saved
with it, still a macro-enabled workbook: openpyxl by default drops the macros and saves the
file as a plain workbook, which Excel then refuses to open under its .xlsm name. Any other
workbook is loaded without (openpyxl would otherwise save it as macro-enabled).

**Nothing reaches the screen.** openpyxl warns (with Python's `warnings`, printed on stderr)
about parts of a file it cannot keep; a warning may quote a cell. Every warning while loading
or saving is caught; what it says is kept as a Swedish notice that quotes nothing (`Loaded`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell import _writer as _cell_writer
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.xml.constants import XLSM, XLTM

DAY_ZERO = dt.datetime(1899, 12, 30)
"""Day zero of the serial dates LibreOffice and Google Sheets count (cells.SPREADSHEET_EPOCH)."""

_WITH_MACROS = (XLSM, XLTM)
"""The content types of a workbook with macros (.xlsm, and its template .xltm)."""
_PLAIN = (str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta)
_MILLISECONDS_A_DAY = 86_400_000

_LOST = (
    ("extension is not supported", "tillägg av nyare slag (t.ex. rullistor eller villkorsstyrd "
     "formatering som Excel sparar som tillägg, minidiagram)"),
    ("drawingml", "former och teckningar"),
    ("image", "bilder som inte går att läsa"),
    ("conditional formatting", "en regel för villkorsstyrd formatering som inte går att läsa"),
    ("chart", "ett diagram som inte går att läsa"),
    ("header or footer", "sidhuvud eller sidfot som inte går att läsa"),
    ("print area", "ett utskriftsområde som inte går att läsa"),
    ("defined names", "namngivna områden som inte hör till någon flik"),
)  # fmt: skip
"""What openpyxl's warnings say it drops (matched in the warning, casefolded): in Swedish."""


@dataclass(frozen=True)
class Loaded:
    """A loaded workbook and what openpyxl could not keep of the file (Swedish notices that
    quote no cell: each says what will be gone once a run saves the file)."""

    book: OpenpyxlWorkbook
    notices: tuple[str, ...] = ()


class _Reader(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader with no date format known while the cells are read: every number
    stays the number the file holds (the formats themselves are kept, as the styles); and a
    workbook with macros (.xlsm) keeps them (see the module docstring)."""

    def read_workbook(self) -> None:
        # Only a macro-enabled workbook keeps its VBA part: openpyxl saves any workbook that
        # kept one as macro-enabled, which Excel refuses to open under the name .xlsx.
        self.keep_vba = _find_workbook_part(self.package).ContentType in _WITH_MACROS
        super().read_workbook()

    def read_worksheets(self) -> None:
        self.wb._date_formats = set()
        self.wb._timedelta_formats = set()
        super().read_worksheets()


def load(data: bytes) -> Loaded:
    """The workbook `data` holds, every cell as stored (raises what openpyxl raises on a file
    that is not a readable .xlsx)."""
    with _caught() as caught:
        reader = _Reader(
            io.BytesIO(data), read_only=False, keep_vba=False, data_only=False, rich_text=True
        )
        reader.read()
    return Loaded(reader.wb, notices(caught))


_COMPOUND_FILE = bytes.fromhex("D0CF11E0A1B11AE1")
"""How an OLE compound file begins: an .xls workbook, or an .xlsx locked with a password."""
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
"""The stream an encrypted Office file keeps its workbook in (named in the compound file)."""


def what_else(data: bytes) -> str | None:
    """What a file that openpyxl cannot read is instead, as Swedish advice to a person (what
    follows "the file … cannot be read: it"), or None when it looks like a damaged workbook.
    Only the first bytes and the compound file's names are looked at, never a cell."""
    if not data:
        return (
            "är tom (0 byte): den har skrivits över eller inte sparats klart. Ta fram en "
            "säkerhetskopia (eller en tidigare version i molntjänsten)."
        )
    if data.startswith(_COMPOUND_FILE):
        if _ENCRYPTED in data:
            return (
                "är lösenordsskyddad, och skripten kan inte läsa en krypterad fil. Öppna den i "
                "LibreOffice eller Excel, ta bort lösenordet för att öppna filen och spara den "
                "som .xlsx (skydda den i stället genom att spara den där bara du kommer åt den)."
            )
        return (
            "är i Excels gamla format (.xls), inte .xlsx. Öppna den i LibreOffice eller Excel "
            "och spara den som Excel-arbetsbok (.xlsx)."
        )
    if data.startswith(b"PK") and b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
        return (
            "är en OpenDocument-fil (.ods), inte .xlsx. Öppna den i LibreOffice och spara den "
            "som Excel 2007-365 (.xlsx)."
        )
    if not data.startswith(b"PK"):
        return (
            "är ingen arbetsbok utan en fil av annat slag (text, CSV eller en webbsida?). "
            "Öppna den i LibreOffice eller Excel och spara den som .xlsx, eller ta fram en "
            "säkerhetskopia."
        )
    return None


def save(book: OpenpyxlWorkbook) -> Callable[[Path], None]:
    """What writes `book` to a file, every number exactly, its warnings caught (none is
    printed)."""

    def write(path: Path) -> None:
        with _caught(), _exact_numbers():
            book.save(path)

    return write


@contextmanager
def _exact_numbers() -> Iterator[None]:
    """openpyxl writes a number with 16 significant digits (`%.16g`): a value LibreOffice or
    Excel stored with 17 (`0.30000000000000004`, pasted from a sum) or a whole number of more
    than 16 digits would come back as another number. While saving, a number that 16 digits do
    not hold is written in full (the shortest text that reads back as the same number)."""
    sixteen = _cell_writer.safe_string

    def exact(value: Any) -> Any:
        text = sixteen(value)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and text and float(text) != value:
            return repr(value) if isinstance(value, float) else str(value)
        return text

    _cell_writer.safe_string = exact
    try:
        yield
    finally:
        _cell_writer.safe_string = sixteen


@contextmanager
def _caught() -> Iterator[list[str]]:
    """Every warning raised inside, caught and listed (its text), never shown."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        found: list[str] = []
        yield found
        found.extend(str(record.message) for record in records)


def notices(messages: list[str]) -> tuple[str, ...]:
    """openpyxl's warnings as Swedish notices, one per kind of thing lost; a warning of no
    known kind is said in general words (its text may quote a cell)."""
    said: list[str] = []
    for message in messages:
        folded = message.casefold()
        what = next((words for key, words in _LOST if key in folded), None)
        line = (
            f"Arbetsboken har {what}, som skripten inte kan spara: det försvinner när en körning "
            "sparar filen."
            if what is not None
            else "Arbetsboken har något som skripten inte kan läsa eller spara (programmet "
            "openpyxl varnade): se över den i LibreOffice eller Excel."
        )
        if line not in said:
            said.append(line)
    return tuple(said)


def value_of(cell: Any) -> Any:
    """A cell's value as the routine reads it. A number in a date format is a date when a date
    can hold it (see the module docstring), else the number. A formula reads as its text
    (`=…`): openpyxl keeps no computed value through a save, and a value nobody can see must
    not decide a letter; array and table formulas are objects in openpyxl: their text too.
    Rich text reads as its text."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = cell.number_format
        if _dated(number_format):
            return from_serial(value, cell.parent.parent.epoch, duration=_elapsed(number_format))
        return value
    if value is None or isinstance(value, _PLAIN):
        return value
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else str(value)


def from_serial(serial: float, epoch: dt.datetime, *, duration: bool = False) -> Any:
    """A serial number as the date (a whole number: midnight), date and time, time of day (below
    1) or duration it stands for; the number itself when no date can hold it."""
    day, fraction = divmod(serial, 1)
    try:
        if duration:
            return dt.timedelta(days=serial)
        zero = DAY_ZERO if epoch != MAC_EPOCH else MAC_EPOCH
        moment = zero + dt.timedelta(days=day, milliseconds=round(fraction * _MILLISECONDS_A_DAY))
    except (OverflowError, ValueError):
        return serial
    if 0 <= serial < 1 and moment.date() == zero.date():
        return moment.time()
    return moment


@functools.cache
def _dated(number_format: str) -> bool:
    return bool(is_date_format(number_format))


@functools.cache
def _elapsed(number_format: str) -> bool:
    return bool(is_timedelta_format(number_format))
