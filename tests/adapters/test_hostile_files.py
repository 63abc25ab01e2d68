"""A workbook file that is not what it seems, or cannot be saved, never crashes a run: a file of
another format under the .xlsx name (an old .xls, an .ods, a password-protected workbook, a text
file) is exit 2 with one line that says what the file is and what to do; a workbook with macros
(.xlsm) keeps its macros and stays a macro-enabled workbook; a file that cannot be saved (a full
disk, a write-protected file or folder, a file another program holds) is exit 2 before any letter,
and after the letters a line of the report, never a traceback."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from medlemsrutiner.adapters.files import temporary_copy
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.cli import init_workbook as init_workbook_command
from tests.adapters.harness import (
    CONFIG,
    assert_one_line_exit_2,
    command,
    valid_workbook,
)
from tests.support import (
    TAB_NAMES,
    make_config,
    newcomer,
    read_outbox,
    recipients,
    run_day,
    workbook_grids,
    write_xlsx,
)

COMPOUND_FILE = bytes.fromhex("D0CF11E0A1B11AE1")


def compound_file(*streams: str) -> bytes:
    """The start of an OLE compound file naming `streams` in its directory (UTF-16), as an .xls
    workbook or an encrypted .xlsx begins."""
    names = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in streams)
    return COMPOUND_FILE + b"\0" * 504 + names + b"\0" * 2048


def ods(data: bytes) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes one: the mimetype first, stored."""
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("content.xml", data[:100], zipfile.ZIP_DEFLATED)
    return target.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(
            lambda data: compound_file("EncryptionInfo", "EncryptedPackage"),
            ("lösenordsskyddad", "ta bort lösenordet"),
            id="password-protected",
        ),
        pytest.param(
            lambda data: compound_file("Workbook", "SummaryInformation"),
            ("gamla format (.xls)", "spara den som Excel-arbetsbok (.xlsx)"),
            id="xls",
        ),
        pytest.param(lambda data: ods(data), ("OpenDocument-fil (.ods)",), id="ods"),
        pytest.param(
            lambda data: b"ID;Namn;E-post\r\n1;Testa;t@example.se\r\n", ("CSV",), id="csv"
        ),
        pytest.param(
            lambda data: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            ("webbsida",),
            id="html",
        ),
        pytest.param(lambda data: b"", ("är tom (0 byte)", "säkerhetskopia"), id="empty"),
    ],
)
def test_a_file_of_another_format_says_what_it_is_and_what_to_do(
    tmp_path: Path, content: object, words: tuple[str, ...]
) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    path.write_bytes(content(valid_workbook(path)))  # type: ignore[operator]
    before = path.read_bytes()
    assert_one_line_exit_2(command(tmp_path), "går inte att läsa", *words)
    assert path.read_bytes() == before
    assert not (tmp_path / "outbox").exists()


def with_macros(data: bytes) -> bytes:
    """The workbook as Excel saves it with macros (.xlsm): a VBA project and the content type of
    a macro-enabled workbook."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"spreadsheetml.sheet.main+xml", b"PLACEHOLDER"
                ).replace(
                    b"application/vnd.openxmlformats-officedocument.PLACEHOLDER",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b'<Default Extension="xml"',
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b'<Default Extension="xml"',
                )  # fmt: skip
            if item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Target="vbaProject.bin" Type="http://schemas.'
                    b'microsoft.com/office/2006/relationships/vbaProject"/></Relationships>',
                )
            out.writestr(item, content)
        out.writestr("xl/vbaProject.bin", b"ett makro som skickar en rapport" * 10)
    return target.getvalue()


def content_type_of_workbook(path: Path) -> str:
    types = zipfile.ZipFile(path).read("[Content_Types].xml").decode()
    start = types.index('PartName="/xl/workbook.xml"')
    return types[start:].split('ContentType="', 1)[1].split('"', 1)[0]


def test_a_workbook_with_macros_keeps_them_and_stays_macro_enabled(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsm"
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    path.write_bytes(with_macros(path.read_bytes()))
    macros = zipfile.ZipFile(path).read("xl/vbaProject.bin")

    result = command(tmp_path, path="arbetsbok.xlsm")

    assert result.exit_code == 0, result.output
    assert recipients(read_outbox(tmp_path / "outbox")) == [
        "person1@example.se",
        "person2@example.se",
    ]
    assert zipfile.ZipFile(path).read("xl/vbaProject.bin") == macros
    assert content_type_of_workbook(path) == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert openpyxl.load_workbook(path, keep_vba=True)["Intresserade"]["A2"].value == 1


def test_a_workbook_without_macros_stays_a_plain_workbook(tmp_path: Path) -> None:
    valid_workbook(tmp_path / "arbetsbok.xlsx")
    assert command(tmp_path).exit_code == 0
    path = tmp_path / "arbetsbok.xlsx"
    assert content_type_of_workbook(path).endswith("spreadsheetml.sheet.main+xml")
    assert not [n for n in zipfile.ZipFile(path).namelist() if "vba" in n.casefold()]


def test_a_workbook_that_cannot_be_saved_is_exit_2_with_nothing_sent(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    before = valid_workbook(path)
    # Where this run would write its new version is taken: saving fails as on a full disk.
    temporary_copy(path, os.getpid()).mkdir()

    result = command(tmp_path)

    assert_one_line_exit_2(result, "arbetsbok.xlsx gick inte att spara", "skrivskyddade")
    assert path.read_bytes() == before
    assert read_outbox(tmp_path / "outbox") == []


def test_a_last_write_that_cannot_be_saved_is_a_line_of_the_report_after_the_letters(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    path = tmp_path / "arbetsbok.xlsx"
    valid_workbook(path)
    writes: list[Path] = []

    def full_disk_at_the_second_write(file: Path) -> None:
        writes.append(file)
        if len(writes) == 2:
            temporary_copy(file, os.getpid()).mkdir()

    workbook = XlsxWorkbook(path, TAB_NAMES, before_write=full_disk_at_the_second_write)
    report = run_day(workbook, config)

    assert report.write_error is not None and "gick inte att spara" in report.write_error
    assert report.exit_code == 1
    assert any("FEL vid sista skrivningen" in line for line in report.lines())
    assert recipients(read_outbox(config.mail.outbox)) == [
        "person1@example.se",
        "person2@example.se",
    ]
    # The first write (the markers) landed: the next run sends nothing twice.
    rows = openpyxl.load_workbook(path)["Intresserade"]
    assert [row[0].value for row in rows.iter_rows(min_row=2)] == [1, 2]


def test_a_title_row_above_the_headers_is_exit_2_saying_to_remove_it(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    valid_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Intresserade"].insert_rows(1)
    book["Intresserade"]["A1"] = "Intresserade 2026"
    book.save(path)
    before = path.read_bytes()
    assert_one_line_exit_2(command(tmp_path), "'Intresserade' står på rad 2", "Ta bort raden")
    assert path.read_bytes() == before


def test_init_workbook_leaves_headers_under_a_title_row_alone_and_says_why(
    tmp_path: Path,
) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    valid_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Uppföljning"].insert_rows(1, amount=2)
    book["Uppföljning"]["A1"] = "Uppföljning – bara för mig"
    book.save(path)
    before = path.read_bytes()
    (tmp_path / "config.toml").write_text(
        CONFIG.format(path="arbetsbok.xlsx", outbox="ut"), "utf-8"
    )
    result = CliRunner().invoke(init_workbook_command, ["--config", str(tmp_path / "config.toml")])
    # Adding the headers to the title row would shift every column against its data.
    assert_one_line_exit_2(result, "'Uppföljning' står på rad 3", "Ta bort raderna ovanför")
    assert path.read_bytes() == before


def test_a_read_only_workbook_is_left_alone_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    before = valid_workbook(path)
    path.chmod(0o444)
    try:
        result = command(tmp_path)
        assert_one_line_exit_2(result, "arbetsbok.xlsx är skrivskyddad", "Ta bort skrivskyddet")
        assert path.read_bytes() == before
        assert read_outbox(tmp_path / "outbox") == []
    finally:
        path.chmod(0o644)
    assert command(tmp_path).exit_code == 0  # writable again: the day's letters go
    assert len(read_outbox(tmp_path / "outbox")) == 2


@pytest.mark.parametrize("owner", ["~$arbetsbok.xlsx", "~$betsbok.xlsx", ".~lock.arbetsbok.xlsx#"])
def test_a_workbook_open_in_excel_or_libreoffice_is_refused_by_either_owner_file_name(
    tmp_path: Path, owner: str
) -> None:
    # Office names its owner file `~$` before the name, or over its first two characters.
    before = valid_workbook(tmp_path / "arbetsbok.xlsx")
    (tmp_path / owner).write_bytes(b"\x03Kim")
    assert_one_line_exit_2(command(tmp_path), "öppen i LibreOffice eller Excel", owner)
    assert (tmp_path / "arbetsbok.xlsx").read_bytes() == before
