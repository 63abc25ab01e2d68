"""Erasure leaves no picture of the person: a picture a coordinator placed on a person's row of
Intresserade (a photo, a screenshot of their answer) goes with the row's personal data; a
picture on a row that is kept stays — in the real .xlsx file after the daily run."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.drawing.image import Image
from PIL import Image as Picture

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from tests.support import (
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    run_day,
    workbook_grids,
    write_xlsx,
)


def picture(width: int) -> Image:
    data = io.BytesIO()
    Picture.new("RGB", (width, 10), "red").save(data, format="PNG")
    return Image(data)


def widths(path: Path) -> list[int]:
    """The width of every picture in the file's media."""
    with zipfile.ZipFile(path) as parts:
        return sorted(
            Picture.open(io.BytesIO(parts.read(name))).size[0]
            for name in parts.namelist()
            if name.startswith("xl/media/")
        )


def test_a_picture_on_an_erased_row_goes_and_one_on_a_kept_row_stays(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = tmp_path / "arbetsbok.xlsx"
    kept = newcomer(1, welcome=TODAY)
    # Still in Intresserade 181 days after registration: erased today (row 3).
    erased = newcomer(2, TODAY - dt.timedelta(days=181), welcome=TODAY - dt.timedelta(days=180))
    write_xlsx(path, workbook_grids(newcomers=[kept, erased]))
    book = openpyxl.load_workbook(path)
    book["Intresserade"].add_image(picture(20), "O2")  # on the kept row's Anteckning
    book["Intresserade"].add_image(picture(30), "O3")  # on the erased row's
    book.save(path)
    assert widths(path) == [20, 30]

    report = run_day(XlsxWorkbook(path, TAB_NAMES), config)

    assert report.erased == [2]
    assert widths(path) == [20]
