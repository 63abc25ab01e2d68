"""The commands as a coordinator runs them: scripts in a subprocess, on real files."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.support import (
    REPO,
    TODAY,
    default_groups,
    newcomer,
    read_outbox,
    script,
    workbook_grids,
    write_xlsx,
)
from tests.support import SCRIPT_CONFIG as CONFIG


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def test_a_missing_column_exits_2_names_tab_and_column_and_leaves_the_file_untouched(
    folder: Path,
) -> None:
    grids = workbook_grids(newcomers=[newcomer(1), newcomer(None)])
    grids["Intresserade"] = [
        [c for i, c in enumerate(row) if i != 3] for row in grids["Intresserade"]
    ]
    write_xlsx(folder / "arbetsbok.xlsx", grids)
    before = (folder / "arbetsbok.xlsx").read_bytes()
    result = script("run_daily", "--config", "config.toml", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Fel: Kolumnen 'E-post' saknas i fliken 'Intresserade'. Lägg till rubriken 'E-post' på "
        "första raden (ingenting har ändrats)."
    )
    assert (folder / "arbetsbok.xlsx").read_bytes() == before
    assert not (folder / "outbox").exists()


def test_a_bad_config_exits_2_with_one_line_naming_the_key(folder: Path) -> None:
    (folder / "config.toml").write_text(
        CONFIG.replace('backend = "xlsx"', 'backend = "excel"'), encoding="utf-8"
    )
    result = script("run_daily", "--config", "config.toml", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "workbook.backend" in result.stderr
    assert "Traceback" not in result.stderr


def test_flagged_rows_exit_1_and_stdout_holds_only_ids_and_counts(folder: Path) -> None:
    rows = [
        newcomer(1, name="Hemlig Person"),
        newcomer(2, email="hemlig(at)example.se"),
        newcomer(3, call=TODAY, referred_to="Centrumgrupen", phone="070-174 06 66"),
    ]
    write_xlsx(folder / "arbetsbok.xlsx", workbook_grids(newcomers=rows))
    result = script("run_daily", "--config", "config.toml", "--today", "2026-11-24", cwd=folder)
    assert result.returncode == 1, result.stderr
    assert "2 välkomstbrev skickade (ID 1, 3)" in result.stdout
    assert "ID 2: Rätta E-post" in result.stdout
    output = result.stdout + result.stderr
    for secret in ("Hemlig", "hemlig", "person1@", "person3@", "06 66"):
        assert secret not in output


def test_today_replays_a_day_and_a_second_run_writes_no_new_email(folder: Path) -> None:
    grids = workbook_grids(
        newcomers=[newcomer(1, registered="2026-03-02")],
        groups=default_groups(dt.date(2026, 3, 3)),  # as the groups stood that day
    )
    write_xlsx(folder / "arbetsbok.xlsx", grids)
    first = script("run_daily", "--config", "config.toml", "--today", "2026-03-03", cwd=folder)
    assert first.returncode == 0, first.stderr
    assert "Daglig körning 2026-03-03" in first.stdout
    second = script("run_daily", "--config", "config.toml", "--today", "2026-03-03", cwd=folder)
    assert second.returncode == 0 and "inga brev att skicka" in second.stdout
    assert len(read_outbox(folder / "outbox")) == 1
    sheet = openpyxl.load_workbook(folder / "arbetsbok.xlsx")["Intresserade"]
    assert sheet["I2"].value.date().isoformat() == "2026-03-03"


def test_dry_run_prints_the_plan_writes_letters_aside_and_leaves_the_workbook(folder: Path) -> None:
    write_xlsx(
        folder / "arbetsbok.xlsx", workbook_grids(newcomers=[newcomer(None, registered=None)])
    )
    before = (folder / "arbetsbok.xlsx").read_bytes()
    result = script("run_daily", "--config", "config.toml", "--dry-run", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "Provkörning" in result.stdout and "1 välkomstbrev skulle skickas" in result.stdout
    assert (folder / "arbetsbok.xlsx").read_bytes() == before
    assert len(read_outbox(folder / "outbox" / "dry-run")) == 1
    assert not list((folder / "outbox").glob("*.eml"))


def test_init_workbook_creates_every_tab_and_a_second_run_changes_nothing(folder: Path) -> None:
    first = script("init_workbook", "--config", "config.toml", cwd=folder)
    assert first.returncode == 0 and "fliken Intresserade" in first.stdout
    content = (folder / "arbetsbok.xlsx").read_bytes()
    second = script("init_workbook", "--config", "config.toml", cwd=folder)
    assert "redan alla flikar" in second.stdout
    assert (folder / "arbetsbok.xlsx").read_bytes() == content
    assert script("run_daily", "--config", "config.toml", cwd=folder).returncode == 0


def test_init_workbook_gives_an_older_grupper_its_english_columns(folder: Path) -> None:
    grids = workbook_grids()
    header = grids["Grupper"][0]
    kept = [i for i, name in enumerate(header) if not str(name).endswith("(en)")]
    grids["Grupper"] = [
        [row[i] if i < len(row) else None for i in kept] for row in grids["Grupper"]
    ]
    write_xlsx(folder / "arbetsbok.xlsx", grids)
    result = script("init_workbook", "--config", "config.toml", cwd=folder)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(folder / "arbetsbok.xlsx")["Grupper"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[-2:] == ["Träffas (en)", "Arbetar med (en)"]
    assert sheet.cell(row=2, column=headers.index("Träffas") + 1).value == "Tisdagar 18.30"


def test_make_demo_builds_a_workbook_with_every_stage(folder: Path) -> None:
    result = script("make_demo", "--config", "config.toml", "--today", "2026-11-24", cwd=folder)
    assert result.returncode == 0, result.stderr
    again = script("make_demo", "--config", "config.toml", cwd=folder)
    assert "finns redan" in again.stdout
    run = script("run_daily", "--config", "config.toml", "--today", "2026-11-24", cwd=folder)
    assert run.returncode == 1, run.stderr  # the demo holds mistakes on purpose
    for expected in (
        "välkomstbrev skickade",
        "introduktioner skickade",
        "brev med alternativen skickade",
        "personuppgifter raderade",
        "Menar du 'Centrumgruppen'?",
        "Rätta E-post",
        "Dubblett av ID",
        "inte aktiv",
        "saknar giltig e-post",
    ):
        assert expected in run.stdout, expected
    messages = read_outbox(folder / "outbox")
    subjects = {str(m["Subject"]).split()[0] for m in messages}
    assert {
        "Välkommen",
        "Din",
        "Ny",
        "Sätt",
    } <= subjects  # welcome, both introductions, alternatives
    for message in messages:
        # Letters to newcomers carry the trainings as calendar invitations beside the text.
        assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        assert text is not None and html is not None
        assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert sum(m["Content-Language"] == "sv" for m in messages) >= len(messages) - 2


# --- importing contacts -----------------------------------------------------------------------

REGISTER = (
    "Förnamn;Efternamn;Mejl;Mobil;Datum;Medlemsnummer\r\n"
    "Åsa;Öberg;asa.oberg@example.se;070-174 06 55;2026-11-03;901\r\n"
    "Pär;Ängström;;070-174 06 56;2026-11-04;902\r\n"
    "Bo;Exempelsson;bo(at)example.se;;2026-11-05;903\r\n"
)


def test_a_windows_register_export_imported_twice_adds_its_people_once(folder: Path) -> None:
    write_xlsx(folder / "arbetsbok.xlsx", workbook_grids(newcomers=[newcomer(1)]))
    (folder / "export.csv").write_bytes(REGISTER.encode("cp1252"))
    first = script("import_contacts", "export.csv", "--config", "config.toml", cwd=folder)
    assert first.returncode == 1, first.stderr  # row 4 cannot be imported
    assert "  importerade: 2 (rad 2–3)" in first.stdout
    assert "    rad 4: e-postadressen går inte att läsa" in first.stdout
    sheet = openpyxl.load_workbook(folder / "arbetsbok.xlsx")["Intresserade"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Testa Person1",
        "Åsa Öberg",
        "Pär Ängström",
    ]
    content = (folder / "arbetsbok.xlsx").read_bytes()
    second = script("import_contacts", "export.csv", "--config", "config.toml", cwd=folder)
    assert "  importerade: 0" in second.stdout and "fanns redan: 2 (rad 2–3)" in second.stdout
    assert (folder / "arbetsbok.xlsx").read_bytes() == content
    for secret in ("Åsa", "Öberg", "asa.oberg", "Pär", "06 55", "06 56", "bo(at)", "Bo;"):
        assert secret not in first.stdout + first.stderr + second.stdout, secret


def test_an_import_dry_run_changes_nothing(folder: Path) -> None:
    write_xlsx(folder / "arbetsbok.xlsx", workbook_grids())
    (folder / "export.csv").write_bytes(REGISTER.encode("cp1252"))
    before = (folder / "arbetsbok.xlsx").read_bytes()
    result = script(
        "import_contacts", "export.csv", "--config", "config.toml", "--dry-run", cwd=folder
    )
    assert "skulle importeras: 2" in result.stdout
    assert (folder / "arbetsbok.xlsx").read_bytes() == before


def test_an_import_file_without_contact_columns_exits_2_and_changes_nothing(folder: Path) -> None:
    write_xlsx(folder / "arbetsbok.xlsx", workbook_grids())
    (folder / "lista.csv").write_text("Namn;Ort\nKim;Exempelby\n", encoding="utf-8")
    before = (folder / "arbetsbok.xlsx").read_bytes()
    result = script("import_contacts", "lista.csv", "--config", "config.toml", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: lista.csv: det finns ingen kolumn för e-post eller tel")
    assert (folder / "arbetsbok.xlsx").read_bytes() == before


# --- in CI, several districts, one at a time --------------------------------------------------


@pytest.mark.parametrize("variable", ["CI", "GITHUB_ACTIONS"])
def test_an_xlsx_workbook_is_refused_in_ci_with_one_line_and_exit_2(
    folder: Path, variable: str
) -> None:
    write_xlsx(folder / "arbetsbok.xlsx", workbook_grids(newcomers=[newcomer(None)]))
    before = (folder / "arbetsbok.xlsx").read_bytes()
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "run_daily.py"), "--config", "config.toml"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, variable: "true", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert 'backend = "xlsx" körs inte i GitHub Actions eller annan CI' in result.stderr
    assert (folder / "arbetsbok.xlsx").read_bytes() == before


def test_a_folder_of_configs_runs_every_district_and_one_bad_config_stops_no_other(
    tmp_path: Path,
) -> None:
    configs = tmp_path / "configs"
    configs.mkdir()
    for name in ("norr", "syd"):
        (configs / f"{name}.toml").write_text(
            CONFIG.replace('path = "arbetsbok.xlsx"', f'path = "{name}.xlsx"'), encoding="utf-8"
        )
        write_xlsx(configs / f"{name}.xlsx", workbook_grids(newcomers=[newcomer(None)]))
    (configs / "mitt.toml").write_text(CONFIG.replace("[mail]", "[mejl]"), encoding="utf-8")
    result = script("run_daily", "--config", "configs", "--today", "2026-11-24", cwd=tmp_path)
    assert result.returncode == 2  # the worst of 2 (mitt), 0 (norr), 0 (syd)
    out = result.stdout.splitlines()
    assert "[norr] Daglig körning 2026-11-24" in out and "[syd] Daglig körning 2026-11-24" in out
    assert "[norr]   1 välkomstbrev skickat (ID 1)" in out
    assert all(line.startswith(("[norr] ", "[syd] ")) for line in out)
    (error,) = result.stderr.splitlines()
    assert error == "[mitt] Fel i konfigurationen configs/mitt.toml: mail: tabellen saknas"


def test_several_configs_may_be_named_one_by_one_for_check_setup(tmp_path: Path) -> None:
    for name in ("norr", "syd"):
        (tmp_path / f"{name}.toml").write_text(
            CONFIG.replace('path = "arbetsbok.xlsx"', f'path = "{name}.xlsx"'), encoding="utf-8"
        )
    write_xlsx(tmp_path / "norr.xlsx", workbook_grids())
    result = script("check_setup", "--config", "norr.toml", "--config", "syd.toml", cwd=tmp_path)
    assert result.returncode == 2  # syd's workbook does not exist
    assert "[norr] [OK ] Alla flikar och rubriker som behövs finns." in result.stdout
    assert "[syd] [FEL] Arbetsboken" in result.stdout


def test_a_second_run_on_the_same_google_sheet_on_this_machine_is_refused(
    folder: Path,
) -> None:
    from medlemsrutiner.adapters.lock import run_lock
    from medlemsrutiner.config import load
    from tests.adapters.harness import service_account_json

    (folder / "config.toml").write_text(
        CONFIG.replace('backend = "xlsx"\npath = "arbetsbok.xlsx"', 'backend = "google"\n'
                       'spreadsheet_id = "1AbC-exempel"'),
        encoding="utf-8",
    )  # fmt: skip
    env = {**os.environ, "MEDLEMSRUTINER_GOOGLE_CREDENTIALS": service_account_json()}
    with run_lock(load(folder / "config.toml")):
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "run_daily.py"), "--config", "config.toml"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Fel: En annan körning arbetar redan med samma Google-kalkylark"
    )


def test_a_new_user_who_changes_only_name_and_email_sends_from_and_gets_replies_at_their_own(
    tmp_path: Path,
) -> None:
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    mine = example.replace('name = "Kim Exempelsson"', 'name = "Robin Provsson"').replace(
        'email = "medlemsansvarig@example.org"', 'email = "robin.provsson@example.se"', 1
    )
    assert mine.count("Robin Provsson") == 1 and mine.count("robin.provsson@example.se") == 1
    (tmp_path / "config.toml").write_text(mine, encoding="utf-8")
    (tmp_path / "demo").mkdir()
    write_xlsx(tmp_path / "demo" / "medlemsrutiner.xlsx", workbook_grids(newcomers=[newcomer(1)]))

    run = script("run_daily", "--config", "config.toml", "--today", TODAY.isoformat(), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    [letter] = read_outbox(tmp_path / "outbox")
    assert letter["From"].addresses[0].addr_spec == "robin.provsson@example.se"
    assert letter["From"].addresses[0].display_name == "Robin Provsson"
    assert letter["Reply-To"].addresses[0].addr_spec == "robin.provsson@example.se"
    assert "robin.provsson@example.se" in str(letter.get_body(("plain",)))


SCRIPTS = sorted(path.stem for path in (REPO / "scripts").glob("*.py"))

CLICK_ENGLISH = re.compile(
    r"\b(OPTIONS|ARGS|TEXT|INTEGER|FLOAT|BOOLEAN|UUID|PATH|FILE|FILENAME|DIRECTORY|RANGE"
    r"|CHOICE|DATETIME|COMMAND)\b|Usage|Options:|Arguments:|Show this message|default:"
    r"|required|x>=|x<=|>=x|<=x"
)
"""Words click writes itself when a command, option or metavar is left in its English."""


def test_help_and_usage_errors_are_in_swedish(folder: Path) -> None:
    assert len(SCRIPTS) >= 10 and {"forget", "national_report", "weekly_summary"} <= set(SCRIPTS)
    for name in SCRIPTS:
        result = script(name, "--help", cwd=folder)
        shown = result.stdout
        assert result.returncode == 0 and "--config" in shown, name
        assert CLICK_ENGLISH.findall(shown) == [], (name, shown)
        assert shown.startswith(f"Användning: {name}.py [ALTERNATIV]"), (name, shown)
        assert "Alternativ:" in shown, name
        assert "Visa den här hjälptexten och avsluta." in shown, name
    bad_day = script("run_daily", "--today", "2026-13-01", cwd=folder)
    assert bad_day.returncode == 2
    assert "Fel: Ogiltigt värde för '--today'" in bad_day.stderr
    assert "skriv det som ÅÅÅÅ-MM-DD" in bad_day.stderr
    assert "Skriv 'run_daily.py --help' för att få hjälp." in bad_day.stderr
    unknown = script("run_daily", "--torrkörning", cwd=folder)
    assert "Fel: Det finns inget alternativ '--torrkörning'." in unknown.stderr
    missing = script("check_setup", "--config", cwd=folder)
    assert "Fel: Alternativet '--config' behöver ett värde." in missing.stderr
    no_id = script("forget", "--id", "0", cwd=folder)
    assert no_id.returncode == 2
    assert "Fel: Ogiltigt värde för '--id': '0' är inget ID: skriv ett heltal" in no_id.stderr
    no_file = script("import_contacts", cwd=folder)
    assert no_file.returncode == 2 and "Fel: Argument saknas 'FIL'." in no_file.stderr
    for result in (bad_day, unknown, missing, no_id, no_file):
        assert "Error" not in result.stderr and "Usage" not in result.stderr
        assert CLICK_ENGLISH.findall(result.stderr) == [], result.stderr


def test_init_fills_texter_with_every_key_and_its_explanation_and_never_overwrites(
    folder: Path,
) -> None:
    grids = workbook_grids(texts=[{"key": "signatur", "text": "Hälsningar från oss"}])
    grids["Texter"] = [["Nyckel", "Text"], ["signatur", "Hälsningar från oss"]]
    write_xlsx(folder / "arbetsbok.xlsx", grids)
    result = script("init_workbook", "--config", "config.toml", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "texten lokal_information i Texter" in result.stdout
    assert "förklaringar i Texter" in result.stdout
    sheet = openpyxl.load_workbook(folder / "arbetsbok.xlsx")["Texter"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Nyckel", "Text", "Text (en)", "Förklaring"]
    by_key = {row[0]: row for row in rows[1:]}
    assert set(by_key) == {"lokal_information", "aktuell_aktion", "aktuell_aktion_länk", "signatur"}
    assert by_key["signatur"][1] == "Hälsningar från oss"  # the person's text stays
    assert by_key["signatur"][3].startswith("Ersätter underskriften")
    assert by_key["lokal_information"][1] is None
    assert "välkomstbrevet" in by_key["lokal_information"][3]

    sheet.parent["Texter"]["D5"] = "Min egen förklaring"
    sheet.parent.save(folder / "arbetsbok.xlsx")
    again = script("init_workbook", "--config", "config.toml", cwd=folder)
    assert again.returncode == 0 and "Texter" not in again.stdout.replace("färger i Texter", "")
    kept = openpyxl.load_workbook(folder / "arbetsbok.xlsx")["Texter"]
    assert kept["D5"].value == "Min egen förklaring" and kept.max_row == 5


def test_an_unexpected_error_is_exit_3_with_its_traceback_never_1(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from medlemsrutiner import cli
    from medlemsrutiner.routines import daily

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("ett programfel")

    monkeypatch.setattr(daily, "run_daily", broken)
    result = CliRunner().invoke(cli.run_daily, ["--config", str(folder / "config.toml")])
    assert result.exit_code == 3
    assert "Traceback" in result.output and "RuntimeError: ett programfel" in result.output
    assert "oväntat fel" in result.output


INTERNAL_SYNTAX = re.compile(
    r"\[standard:\s\(|\$[A-Z_]+|\bTOML\b|`|\b[a-z]+_[a-z_]+\b(?!\.py)|README"
)
"""What a coordinator should not have to read in a script's help: click's `[standard: (…)]`, a
shell variable, a file format's name, code quotes, a config key (`trainings_within_days`), a
pointer to the README (it is in English)."""


def test_no_help_breaks_a_line_inside_a_word_or_a_default(folder: Path) -> None:
    """Lines are wrapped at spaces only: not after the hyphen of `e-post` or
    `andel-aktiva.png`, and never inside `[standard: …]`."""
    for name in SCRIPTS:
        lines = script(name, "--help", cwd=folder).stdout.splitlines()
        for line, after in itertools.pairwise(lines):
            broken = re.search(r"\w-$", line) and re.match(r"\s*\w", after)
            assert not broken, (name, line, after)
            assert not re.search(r"\[standard:\s*$", line), (name, line)
    demo = script("make_demo", "--help", cwd=folder).stdout
    assert "spela upp" not in demo and "Skapa demon som om det vore detta datum" in demo


def test_every_help_says_what_the_script_does_in_a_coordinators_words(folder: Path) -> None:
    for name in SCRIPTS:
        shown = script(name, "--help", cwd=folder).stdout
        found = [m for m in INTERNAL_SYNTAX.findall(shown) if m != name]
        assert found == [], (name, found, shown)
        what = shown.split("Alternativ:")[0].split("\n", 1)[1]
        assert len(what.split()) >= 12, (name, what)  # a sentence or two, not a heading
    daily = " ".join(script("run_daily", "--help", cwd=folder).stdout.split())
    for step in (
        "välkomstbrev",
        "introduktioner",
        "återvärvningsbrev",
        "raderar personuppgifterna",
    ):
        assert step in daily, step
    assert "Utan --config läses config.toml i mappen du står i" in daily
