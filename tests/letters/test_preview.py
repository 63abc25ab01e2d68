"""preview_emails: every template in both languages, with invented data, as HTML files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner

from medlemsrutiner.cli import preview_emails
from medlemsrutiner.sheet.letter_kinds import letter_kinds
from tests.support import workbook_grids, write_xlsx

CONFIG = """\
timezone = "Europe/Stockholm"
start_date = 2026-01-01
[coordinator]
name = "Kim Exempelsson"
email = "medlemsansvarig@example.org"
organisation = "Amnesty Exempelstad"
[workbook]
backend = "xlsx"
path = "finns-inte.xlsx"
[mail]
transport = "outbox"
"""


def test_every_letter_in_both_languages_is_written_with_an_index_showing_subject_and_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "förhandsvisning"
    result = CliRunner().invoke(
        preview_emails, ["--config", str(tmp_path / "config.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    files = {f"{language}-{kind.name}.html" for language in ("sv", "en") for kind in letter_kinds()}
    images = {f"{language}-weekly_summary-andel-aktiva.png" for language in ("sv", "en")}
    assert {path.name for path in out.iterdir()} == files | images | {"index.html"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert set(re.findall(r'href="([^"]+)"', index)) == files
    assert (
        "Välkommen till Amnesty Exempelstad!" in index
        and "Welcome to Amnesty Exempelstad!" in index
    )
    assert "<pre>Hej Exempel!\n\nTack för att du vill engagera dig" in index
    assert "<pre>Hi Exempel,\n\nThank you for wanting" in index
    welcome = (out / "sv-welcome.html").read_text(encoding="utf-8")
    assert welcome.startswith("<!DOCTYPE html>") and "<p>Hej Exempel!</p>" in welcome
    group_letter = (out / "sv-introduction_group.html").read_text(encoding="utf-8")
    assert "Exempel Påhittadsson" in group_letter and "070-174 06 42" in group_letter


def test_the_workbook_is_not_needed_and_nothing_else_is_written(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(
        preview_emails, ["--config", str(tmp_path / "config.toml"), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config.toml", "p"]


def test_the_preview_shows_the_workbooks_own_texts_and_trainings_with_invented_people(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text(
        CONFIG.replace("finns-inte.xlsx", "arbetsbok.xlsx"), encoding="utf-8"
    )
    write_xlsx(
        tmp_path / "arbetsbok.xlsx",
        workbook_grids(
            texts=[
                {"key": "lokal_information", "text": "Vi ses på Biblioteket i Provby.",
                 "text_en": "We meet at the library in Provby."},
            ],
            trainings=[{"date": dt.date.today() + dt.timedelta(days=5), "title": "Provkurs",
                        "title_en": "Trial course"}],
        ),
    )  # fmt: skip
    out = tmp_path / "p"
    result = CliRunner().invoke(
        preview_emails, ["--config", str(tmp_path / "config.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Breven visas med texterna i arbetsboken" in result.output
    assert "1 text i Texter, 1 kommande utbildning." in result.output
    swedish = (out / "sv-welcome.html").read_text(encoding="utf-8")
    english = (out / "en-welcome.html").read_text(encoding="utf-8")
    assert "Vi ses på Biblioteket i Provby." in swedish and "Provkurs" in swedish
    assert "We meet at the library in Provby." in english and "Trial course" in english
    assert "Exempeltext" not in swedish and "Sample text" not in english
    assert "Exempel Påhittadsson" in (out / "sv-introduction_group.html").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arbetsbok.xlsx", "config.toml", "p"]


def test_without_a_readable_workbook_the_preview_says_it_shows_sample_texts(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(
        preview_emails, ["--config", str(tmp_path / "config.toml"), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 0, result.output
    assert "Breven visas med exempeltexter, eftersom arbetsboken inte gick att läsa" in (
        result.output
    )
    assert "(Exempeltext)" in (tmp_path / "p" / "sv-welcome.html").read_text(encoding="utf-8")
