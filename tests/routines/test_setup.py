"""check_setup on a local workbook: what is left from the example, and texts that English
letters would leave out; fill_texts gives Texter every key the letters use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.routines.setup import Check, check_setup, exit_code, fill_texts, text_changes
from medlemsrutiner.sheet.changes import AppendRow, SetByKey
from medlemsrutiner.sheet.words import TEXT_KEYS
from tests.fakes.smtp_server import LocalSmtpServer
from tests.support import TODAY, make_config, tables_of, workbook_grids, write_xlsx

REAL_COORDINATOR = {
    "name": "Robin Provsson",
    "email": "robin.provsson@example.se",
    "phone": "070-174 06 50",
    "organisation": "Amnesty Provby",
}


def checks_for(config: Config, **tabs: Any) -> list[Check]:
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(**tabs))
    return check_setup(config, lambda: XlsxWorkbook(path, config.workbook.tab_names), {}, TODAY)


def leftovers(checks: list[Check]) -> str:
    found = [c.text for c in checks if "Kvar från exemplet" in c.text]
    assert len(found) <= 1
    return found[0] if found else ""


def smtp(folder: Path, server: LocalSmtpServer, **coordinator: str) -> Config:
    mail = {"transport": "smtp", "outbox": "outbox", "smtp": server.smtp_settings()}
    if coordinator:
        return make_config(folder, mail=mail, coordinator=coordinator)
    return make_config(folder, mail=mail)


def test_with_smtp_everything_left_from_the_example_is_a_warning(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    checks = checks_for(smtp(tmp_path, smtp_server))
    text = leftovers(checks)
    for left in (
        "coordinator.name (Kim Exempelsson)",
        "coordinator.email (medlemsansvarig@example.org)",
        "coordinator.phone (070-174 06 99)",
        "coordinator.organisation (Amnesty Exempelstad)",
        "mail.from_address",
        "mail.reply_to",
        "2 e-postadresser i Grupper",
    ):
        assert left in text, left
    assert any(c.warning and c.text == text for c in checks)
    assert exit_code(checks) == 1


def test_a_real_name_phone_and_organisation_are_not_flagged(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    text = leftovers(checks_for(smtp(tmp_path, smtp_server, **REAL_COORDINATOR)))
    # Test data only ever uses example.org/example.se addresses, so those stay flagged here.
    assert "coordinator.email" in text
    for real in ("coordinator.name", "coordinator.phone", "coordinator.organisation"):
        assert real not in text, real
    assert "mail.from_name" not in text


def test_the_local_outbox_setup_is_not_warned_about_the_example(tmp_path: Path) -> None:
    assert leftovers(checks_for(make_config(tmp_path))) == ""


def test_texts_without_english_are_listed_as_a_warning(tmp_path: Path) -> None:
    checks = checks_for(
        make_config(tmp_path),
        texts=[
            {"key": "lokal_information", "text": "Vi träffas.", "text_en": "We meet."},
            {"key": "aktuell_aktion", "text": "Skriv under!"},
            {"key": "aktuell_aktion_länk", "text": "https://example.org/aktion"},
            {"key": "signatur", "text": "Kim"},
        ],
        trainings=[{"date": TODAY + dt.timedelta(days=3), "title": "Grundkurs"}],
    )
    [english] = [c for c in checks if "Texter utan engelsk text" in c.text]
    assert english.warning
    assert "aktuell_aktion, signatur." in english.text
    assert "lokal_information" not in english.text and "länk" not in english.text
    assert any(c.warning and "saknar Titel (en)" in c.text for c in checks)


def test_text_changes_add_missing_keys_and_explain_blank_rows_only() -> None:
    tables = tables_of(
        texts=[
            {"key": "Signatur", "text": "Kim", "explanation": ""},
            {"key": "lokal_information", "text": "", "explanation": "Min förklaring"},
        ]
    )
    changes = text_changes(tables)
    appended = [dict(c.values)["key"] for c in changes if isinstance(c, AppendRow)]
    assert appended == [k for k in TEXT_KEYS if k not in ("signatur", "lokal_information")]
    [explained] = [c for c in changes if isinstance(c, SetByKey)]
    assert explained.key == (("key", "signatur"),) and explained.expect == (("explanation", ""),)


def test_fill_texts_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert config.workbook.path is not None
    write_xlsx(config.workbook.path, workbook_grids())
    workbook = XlsxWorkbook(config.workbook.path, config.workbook.tab_names)
    with workbook:
        first = fill_texts(workbook, config)
        assert first == [f"texten {key} i Texter" for key in TEXT_KEYS]
        assert fill_texts(workbook, config) == []


def test_a_link_that_is_not_https_or_mailto_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    checks = checks_for(
        make_config(tmp_path),
        texts=[
            {"key": "aktuell_aktion", "text": "Skriv under!", "text_en": "Sign!"},
            {"key": "aktuell_aktion_länk", "text": "javascript:alert(1)"},
        ],
        trainings=[
            {"date": TODAY + dt.timedelta(days=3), "title": "Grundkurs", "signup": "data:x"},
            {"date": TODAY + dt.timedelta(days=4), "title": "Fortsättning", "signup": "Mejla Kim"},
        ],
    )
    [links] = [c for c in checks if "klickbara" in c.text]
    assert links.warning
    assert "Texter aktuell_aktion_länk," in links.text and "Anmälan för Grundkurs" in links.text
    assert "Fortsättning" not in links.text


def test_https_links_give_no_link_warning(tmp_path: Path) -> None:
    checks = checks_for(
        make_config(tmp_path),
        texts=[{"key": "aktuell_aktion_länk", "text": "https://example.org/aktion"}],
    )
    assert not [c for c in checks if "klickbara" in c.text]


def test_a_training_typed_without_a_year_that_has_passed_is_a_warning(tmp_path: Path) -> None:
    checks = checks_for(
        make_config(tmp_path),
        trainings=[
            {"date": "20/11", "title": "Grundkurs"},
            {"date": "14/1", "title": "Fortsättning"},  # next January: nothing to say
        ],
    )
    [dates] = [c for c in checks if "Utbildningar rad" in c.text]
    assert dates.warning and exit_code(checks) == 1
    assert dates.text.startswith("Utbildningar rad 2, Datum: datumet saknar år och har redan varit")
