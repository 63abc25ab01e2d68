"""Files of contacts as registers, spreadsheet programs and form services write them: real files
in the encodings and dialects Swedish exports come in. Invented data only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from medlemsrutiner.adapters.contacts_file import read_contacts_file
from medlemsrutiner.errors import ImportFileError

ROWS = [
    ["Förnamn", "Efternamn", "Mejl", "Mobil", "Datum", "Ort"],
    ["Åsa", "Öberg", "asa@example.se", "070-174 06 55", "2026-11-03", "Västerås"],
    ["Pär", "Ängström", "par@example.se", "070-174 06 56", "2026-11-04", "Malmö"],
]


def test_a_windows_1252_register_export_with_semicolons_reads_with_its_swedish_letters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(";".join(row) for row in ROWS).encode("cp1252") + b"\r\n")
    assert read_contacts_file(path) == ROWS


EXPORT = [  # the one-person export a new user's import read as Mac Roman (`Fˆrnamn`)
    ["Förnamn", "Efternamn", "Mejl", "Mobil", "Datum", "Ort", "Meddelande"],
    ["Örjan", "Sjöström", "orjan.sjostrom@example.org", "070-174 06 33", "2026-11-28", "Norrby",
     "Vill gärna hjälpa till med skrivarkvällar"],
]  # fmt: skip

FIRST = ["Märta", "Åsa", "Örjan", "Göran", "Eva", "Kim", "Bo", "Ylva", "Håkan", "Måns", "Ärla"]
LAST = ["Lövgren", "Ek", "Sjöström", "Åkerlund", "Berg", "Nordin", "Wåhlin", "Ängelholm"]

ONE_BYTE = ["cp1252", "mac_roman", "cp850", "cp437"]
"""Windows, the old Mac, and DOS (Excel's "CSV (MS-DOS)" is code page 850 in Sweden)."""


@pytest.mark.parametrize("encoding", [*ONE_BYTE, "utf_8", "utf_8_sig"])
def test_a_short_export_reads_with_its_swedish_letters_in_any_of_its_encodings(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(";".join(row) for row in EXPORT).encode(encoding))
    assert read_contacts_file(path) == EXPORT


@pytest.mark.parametrize("encoding", ONE_BYTE)
def test_every_small_export_of_one_to_five_people_reads_as_written(
    tmp_path: Path, encoding: str
) -> None:
    # Small files are where guessing from the bytes went wrong (about one in ten).
    path = tmp_path / "export.csv"
    for count in range(1, 6):
        for start in range(len(FIRST)):
            rows = [["Förnamn", "Efternamn", "Mejl"]] + [
                [FIRST[(start + i) % len(FIRST)], LAST[(start + i) % len(LAST)],
                 f"p{start}{i}@example.org"]
                for i in range(count)
            ]  # fmt: skip
            path.write_bytes("\r\n".join(";".join(row) for row in rows).encode(encoding))
            assert read_contacts_file(path) == rows, (count, start)


@pytest.mark.parametrize("encoding", ["cp850", "cp437"])
def test_an_excel_csv_ms_dos_file_reads_with_its_swedish_letters(
    tmp_path: Path, encoding: str
) -> None:
    rows = [
        ["Namn", "E-post", "Telefon", "Ort"],
        ["Åsa Öberg", "asa.oberg@example.org", "070-174 06 11", "Göteborg"],
        ["Ärla Ström", "arla@example.org", "070-174 06 12", "Luleå"],
        ["Jörgen Wåhlin", "jorgen@example.org", "070-174 06 13", "Växjö"],
    ]
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(";".join(row) for row in rows).encode(encoding))
    assert read_contacts_file(path) == rows


@pytest.mark.parametrize("encoding", ONE_BYTE)
@pytest.mark.parametrize("place", ["Luleå", "Umeå", "Ängelholm", "Håkan", "Åre"])
def test_a_file_of_one_word_reads_in_its_encoding(
    tmp_path: Path, encoding: str, place: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(f"Ort\r\n{place}\r\n".encode(encoding))
    assert read_contacts_file(path) == [["Ort"], [place]]


def test_a_utf8_file_with_a_byte_order_mark_and_commas_reads_without_the_mark(
    tmp_path: Path,
) -> None:
    path = tmp_path / "formular.csv"
    path.write_bytes("\n".join(",".join(row) for row in ROWS).encode("utf-8-sig"))
    assert read_contacts_file(path) == ROWS


def test_quoted_fields_may_hold_the_delimiter_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    text = (
        'Namn,E-post,Meddelande\n"Exempelsson, Kim",kim@example.org,"Hej!\nJag vill skriva brev."\n'
    )
    path.write_text(text, encoding="utf-8")
    assert read_contacts_file(path) == [
        ["Namn", "E-post", "Meddelande"],
        ["Exempelsson, Kim", "kim@example.org", "Hej!\nJag vill skriva brev."],
    ]


def test_a_tab_separated_utf16_file_from_a_spreadsheet_program_reads(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("\n".join("\t".join(row) for row in ROWS).encode("utf-16"))
    assert read_contacts_file(path) == ROWS


def test_an_old_mac_file_in_mac_roman_reads_with_its_swedish_letters(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\r".join(";".join(row) for row in ROWS).encode("mac_roman"))
    assert read_contacts_file(path) == ROWS


def test_an_xlsx_file_reads_its_first_tab_with_dates_as_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Namn", "E-post", "Datum"])
    sheet.append(["Kim Exempel", "kim@example.org", dt.datetime(2026, 11, 3)])
    book.create_sheet("Annat").append(["inte", "detta"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert read_contacts_file(path) == [
        ["Namn", "E-post", "Datum"],
        ["Kim Exempel", "kim@example.org", dt.datetime(2026, 11, 3)],
    ]


def test_an_empty_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    assert read_contacts_file(path) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("saknas.csv", None, "finns inte"),
        ("gammal.xls", b"\xd0\xcf\x11\xe0", "Spara den som .xlsx eller som CSV"),
        ("trasig.xlsx", b"inte en zip-fil", "går inte att läsa som .xlsx"),
        (
            "export.xlsx",  # a register's export, locked with a password
            bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le"),
            "går inte att läsa som .xlsx: den är lösenordsskyddad.*ta bort lösenordet",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_an_import_error_saying_what_to_do(
    tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError, match=expected):
        read_contacts_file(path)
