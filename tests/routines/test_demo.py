"""The demo workbook: every stage of the routine, and what a coordinator sees when LibreOffice
opens it after a daily run (the Statistik tab and its chart)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import write_demo
from tests.support import NOW, REPO, SOFFICE, TAB_NAMES, make_config, soffice_pdf

TODAY = dt.date(2026, 11, 24)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_the_statistik_chart_is_visible_when_libreoffice_opens_the_demo(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    write_demo(path, config, TODAY)
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_daily(
            workbook, Outbox(tmp_path / "outbox", NOW), Renderer(REPO / "templates"), config,
            TODAY, NOW,
        )  # fmt: skip
    assert report.problem_groups  # the demo's history has a group that keeps few
    pdf = PdfReader(soffice_pdf(path, tmp_path / "pdf"))
    pages = [page.extract_text() or "" for page in pdf.pages]
    charts = [text for text in pages if "Andel aktiva per grupp, senaste fyra kvartalen" in text]
    assert charts, "the chart's title is on no page"
    everything = "\n".join(pages)
    assert "Kvartal" in everything and "Centrumgruppen" in everything
    # The chart's axis and legend are drawn too: the four quarters and percentages.
    assert all(quarter in charts[0] for quarter in ("2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"))
