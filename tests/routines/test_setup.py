"""check_setup on a local workbook: what is left from the example (whatever the transport), the
workbook's content still to fill in, texts that English letters would leave out, and the verdict
that sums it up; fill_texts gives Texter every key the letters use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.routines.setup import (
    CheckResult,
    check_setup,
    exit_code,
    fill_texts,
    text_changes,
    verdict,
)
from medlemsrutiner.sheet.changes import AppendRow, SetByKey
from medlemsrutiner.sheet.words import TEXT_KEYS
from tests.fakes.smtp_server import LocalSmtpServer
from tests.support import TODAY, make_config, newcomer, tables_of, workbook_grids, write_xlsx

REAL_COORDINATOR = {
    "name": "Robin Provsson",
    "email": "robin.provsson@example.se",
    "phone": "070-174 06 50",
    "organisation": "Amnesty Provby",
}
REAL_GROUPS = [
    {"group": "Provbygruppen", "contact": "Sam Provsson", "email": "sam.provsson@example.se"}
]
TRAININGS = [{"date": TODAY + dt.timedelta(days=20), "title": "Grundkurs", "title_en": "Basics"}]
TEXTS = [
    {"key": "lokal_information", "text": "Vi träffas i Provby.", "text_en": "We meet."},
    {"key": "aktuell_aktion", "text": "Skriv under!", "text_en": "Sign!"},
]


def checks_for(config: Config, **tabs: Any) -> list[CheckResult]:
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(**tabs))
    return check_setup(config, lambda: XlsxWorkbook(path, config.workbook.tab_names), {}, TODAY)


def leftovers(checks: list[CheckResult]) -> str:
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
    # example.se is a registered domain, not one reserved for examples: only the example's own
    # values and the reserved domains (the default groups' example.org) are flagged.
    for real in ("coordinator.", "mail.from_name", "mail.reply_to"):
        assert real not in text, real
    assert "2 e-postadresser i Grupper" in text


def test_the_outbox_setup_is_warned_about_the_example_too(tmp_path: Path) -> None:
    """Letters in the outbox are sent by hand just the same, signed with the example's name."""
    checks = checks_for(make_config(tmp_path))
    text = leftovers(checks)
    assert "coordinator.email (medlemsansvarig@example.org)" in text
    assert "coordinator.name (Kim Exempelsson)" in text
    assert exit_code(checks) == 1


def test_an_address_at_a_domain_reserved_for_examples_is_flagged_wherever_it_is(
    tmp_path: Path,
) -> None:
    config = make_config(
        tmp_path,
        coordinator={**REAL_COORDINATOR, "email": "robin@provby.example"},
        training_coordinator={"name": "Alva Provsson", "email": "alva@example.com"},
    )
    text = leftovers(checks_for(config, groups=REAL_GROUPS, trainings=TRAININGS, texts=TEXTS))
    assert "coordinator.email (robin@provby.example)" in text
    assert "training_coordinator.email (alva@example.com)" in text
    assert "mail.from_address" in text and "mail.reply_to" in text
    assert "Grupper" not in text


def test_the_demos_texts_and_links_to_example_domains_are_left_from_the_example(
    tmp_path: Path,
) -> None:
    from medlemsrutiner.routines.demo import TEXTS as DEMO_TEXTS

    texts = [{"key": key, "text": sv, "text_en": en} for key, sv, en in DEMO_TEXTS]
    texts[2] = {"key": "aktuell_aktion_länk", "text": "https://www.example.org/aktion"}
    trainings = [{**TRAININGS[0], "signup": "anmalan@example.net"}]
    config = make_config(tmp_path, coordinator=REAL_COORDINATOR)
    text = leftovers(checks_for(config, groups=REAL_GROUPS, trainings=trainings, texts=texts))
    assert (
        "demons text i Texter lokal_information, Texter aktuell_aktion, "
        "Texter lokal_information (en), Texter aktuell_aktion (en)"
    ) in text
    assert (
        "länkar eller adresser till exempeldomäner i Texter aktuell_aktion_länk, "
        "Utbildningar Anmälan för Grundkurs"
    ) in text


def test_a_district_with_its_own_groups_trainings_and_texts_is_ready_to_run(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, coordinator=REAL_COORDINATOR)
    checks = checks_for(config, groups=REAL_GROUPS, trainings=TRAININGS, texts=TEXTS)
    assert [c.text for c in checks if c.warning] == []
    assert verdict(checks) == "Klart att köra."
    assert exit_code(checks) == 0


def test_empty_groups_trainings_and_texts_are_tasks_that_keep_exit_code_0(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, coordinator=REAL_COORDINATOR)
    checks = checks_for(config, groups=[])
    tasks = [c for c in checks if c.task]
    assert [c.topic for c in tasks] == ["grupperna", "utbildningarna", "texterna"]
    assert all(c.ok and c.warning for c in tasks)
    assert tasks[0].text.startswith("Grupper är tom")
    assert tasks[1].text.startswith("Utbildningar är tom")
    assert tasks[2].text.startswith("Texter: lokal_information och aktuell_aktion är tomma")
    assert verdict(checks) == (
        "Fungerar, men se över: grupperna, utbildningarna och texterna ([OBS] ovan)."
    )
    assert exit_code(checks) == 0


def test_trainings_only_past_or_far_ahead_are_a_task_too(tmp_path: Path) -> None:
    config = make_config(tmp_path, coordinator=REAL_COORDINATOR)
    far = [
        {"date": TODAY - dt.timedelta(days=10), "title": "Förra kursen"},
        {"date": TODAY + dt.timedelta(days=120), "title": "Nästa år"},
    ]
    checks = checks_for(config, groups=REAL_GROUPS, trainings=far, texts=TEXTS)
    [task] = [c for c in checks if c.task]
    assert task.text.startswith("Ingen utbildning inom 90 dagar i Utbildningar")


def test_the_verdict_puts_warnings_beside_tasks_and_errors_first(tmp_path: Path) -> None:
    checks = checks_for(make_config(tmp_path), groups=[])
    assert verdict(checks).startswith(
        "Fungerar, men se över: uppgifter kvar från exemplet, grupperna, utbildningarna"
    )
    assert exit_code(checks) == 1
    failed = [
        CheckResult(False, "Lösenordet till e-postkontot saknas: sätt miljövariabeln X."),
        *checks,
    ]
    assert verdict(failed).startswith(
        "Fungerar inte än: rätta felet ([FEL] ovan) och kontrollera igen. Se också över: "
        "uppgifter kvar från exemplet"
    )
    assert exit_code(failed) == 2
    other = [CheckResult(True, "Något annat att se över: så här. Mer text.", warning=True)]
    assert verdict(other) == "Fungerar, men se över: Något annat att se över ([OBS] ovan)."


def test_the_verdict_lists_topics_a_person_can_read(tmp_path: Path) -> None:
    """A link that is no link and a training date that cannot be read: each a topic of its
    own, not the first clause of its line."""
    texts = [*TEXTS, {"key": "aktuell_aktion_länk", "text": "javascript:alert(1)"}]
    trainings = [*TRAININGS, {"date": "nästa vecka", "title": "Grundkurs"}]
    config = make_config(tmp_path, coordinator=REAL_COORDINATOR)
    checks = checks_for(config, groups=REAL_GROUPS, trainings=trainings, texts=texts)
    assert verdict(checks) == (
        "Fungerar, men se över: länkar som inte blir klickbara och datum i Utbildningar "
        "([OBS] ovan)."
    )
    assert [c.mark for c in checks if c.warning] == ["OBS", "OBS"]


SWEDISH_ONLY: dict[str, Any] = {
    "texts": [
        {"key": "lokal_information", "text": "Vi träffas.", "text_en": "We meet."},
        {"key": "aktuell_aktion", "text": "Skriv under!"},
        {"key": "aktuell_aktion_länk", "text": "https://example.org/aktion"},
        {"key": "signatur", "text": "Kim"},
    ],
    "trainings": [{"date": TODAY + dt.timedelta(days=3), "title": "Grundkurs"}],
    "groups": [
        {"group": "Centrumgruppen", "contact": "Rut", "email": "centrum@example.org",
         "meets": "Tisdagar", "works_on": "Kampanjer", "meets_en": "Tuesdays"},
        {"group": "Skrivargruppen", "contact": "Per", "email": "brev@example.org",
         "meets": "Torsdagar", "works_on": "Brev"},
        {"group": "Vilande", "contact": "Bo", "email": "v@example.org", "meets": "Aldrig",
         "active": "nej"},
    ],
}  # fmt: skip


def test_texts_without_english_are_listed_as_a_warning(tmp_path: Path) -> None:
    checks = checks_for(
        make_config(tmp_path), newcomers=[newcomer(1, language="en")], **SWEDISH_ONLY
    )
    english = {c.text.split(":")[0]: c for c in checks if c.text.startswith("Engelsk text")}
    assert all(check.warning for check in english.values())
    assert (
        "Text (en) saknas för aktuell_aktion, signatur."
        in english["Engelsk text saknas i Texter"].text
    )
    groups = english["Engelsk text saknas i Grupper"].text
    assert "Arbetar med (en) saknas för Centrumgruppen;" in groups
    assert "Träffas (en) och Arbetar med (en) saknas för Skrivargruppen." in groups
    assert "Vilande" not in groups  # an inactive group is in no letter
    trainings = english["Engelsk text saknas i Utbildningar"].text
    assert (
        f"Titel (en) saknas för {(TODAY + dt.timedelta(days=3)).isoformat()} Grundkurs" in trainings
    )
    assert exit_code(checks) == 1


def test_without_anyone_to_write_to_in_english_the_missing_texts_are_only_a_note(
    tmp_path: Path,
) -> None:
    checks = checks_for(make_config(tmp_path), newcomers=[newcomer(1)], **SWEDISH_ONLY)
    [english] = [c for c in checks if "engelsk" in c.text.casefold()]
    assert english.note and english.ok and not english.warning and english.mark == " i "
    assert english.text.startswith(
        "Ingen i arbetsboken får engelska brev just nu, så inget behöver göras. Får någon "
        "Språk en saknas engelsk text i Texter: Text (en) saknas för aktuell_aktion, signatur; "
        "i Grupper: "
    )
    assert "; i Utbildningar: Titel (en) saknas för" in english.text
    assert "engelsk" not in verdict(checks)


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
