"""config.example.toml is Swedish and is the template of every district's config: filling it in
sets values, uncomments what a district uses, comments out what it does not, and keeps every
explaining comment word for word."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner import config as config_module
from medlemsrutiner.config_template import EXAMPLE_CONFIG, fill, prose, toml_value
from medlemsrutiner.routines import wizard, wizard_config

TODAY = dt.date(2026, 11, 24)
EXAMPLE = EXAMPLE_CONFIG.read_text(encoding="utf-8")

_SWEDISH = frozenset(
    re.findall(
        r"\S+",
        "och att som är för på med den det en ett av till om inte när så från de eller här din "
        "ditt du efter kan ska får vid under varje går i har bara nya alla",
    )
)
_ENGLISH = frozenset(
    re.findall(
        r"\S+",
        "the and to of is in for a an with when this that are be or from each it as by on not "
        "after may can your you its",
    )
)


def is_swedish(line: str) -> bool:
    """More Swedish function words (and å, ä, ö) than English ones."""
    words = re.findall(r"[a-zåäöé]+", line.casefold())
    swedish = sum(word in _SWEDISH for word in words) + bool(re.search("[åäö]", line.casefold()))
    return swedish > sum(word in _ENGLISH for word in words)


def test_the_swedish_measure_tells_the_old_english_comments_from_swedish_ones() -> None:
    assert is_swedish("# Din e-postadress, gärna distriktets funktionsadress.")
    assert is_swedish("# Högst så många brev per körning; resten väntar till nästa körning.")
    assert not is_swedish("# At most this many emails in one run; the rest wait for the next run.")
    assert not is_swedish("# The coordinator's email address (also the default From and Reply-To).")


def test_at_least_four_comment_lines_in_five_of_the_example_are_swedish() -> None:
    lines = prose(EXAMPLE)
    swedish = [line for line in lines if is_swedish(line)]
    assert len(lines) > 100
    assert len(swedish) / len(lines) >= 0.8, [line for line in lines if not is_swedish(line)]


def test_prose_leaves_out_commented_keys_and_tables() -> None:
    text = '# En förklaring.\n# [mail.smtp]\n# host = "x"\n#\nkey = 1\n# Och en till.\n'
    assert prose(text) == ["En förklaring.", "Och en till."]


# --- fill ---------------------------------------------------------------------------------------

TEMPLATE = """\
# Öppningen.
# Andra raden.

# Förklaring av a.
a = "gammal"
# [t]
# Förklaring av b.
# b = 1
[u]
# Förklaring av c.
c = true
"""


def test_fill_sets_values_and_uncomments_the_key_and_its_table() -> None:
    text = fill(TEMPLATE, {"a": "ny", "t.b": 7})
    assert tomllib.loads(text) == {"a": "ny", "t": {"b": 7}, "u": {"c": True}}
    assert "# Förklaring av b." in text and "[t]\n" in text


def test_fill_comments_out_keys_and_whole_tables() -> None:
    text = fill(TEMPLATE, {}, drop_keys=["a"], drop_tables=["u"])
    assert tomllib.loads(text) == {}
    assert '# a = "gammal"' in text and "# [u]" in text and "# c = true" in text


def test_fill_replaces_the_opening_paragraph_only() -> None:
    text = fill(TEMPLATE, {}, opening="# Distriktets egen öppning.")
    assert text.startswith("# Distriktets egen öppning.\n\n# Förklaring av a.")
    assert "Öppningen" not in text


def test_fill_refuses_a_key_the_template_does_not_have() -> None:
    with pytest.raises(ValueError, match=r"no line for t\.x"):
        fill(TEMPLATE, {"t.x": 1})
    with pytest.raises(ValueError, match=r"key u\.c twice"):
        fill(TEMPLATE + "# c = false\n", {})


def test_a_value_is_written_as_toml_reads_it() -> None:
    for value in ("Amnesty Provby", 'Ett "citat" och \\ snedstreck', True, 587, TODAY):
        assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value


# --- every kind of district ---------------------------------------------------------------------

BASE = {
    "organisation": "Amnesty Provby",
    "coordinator_name": "Robin Provsson",
    "coordinator_email": "robin.provsson@example.se",
}
DISTRICTS: dict[str, dict[str, Any]] = {
    "outbox": {},
    "gmail, google": {
        "mail": "gmail",
        "workbook": "google",
        "spreadsheet": "https://docs.google.com/spreadsheets/d/1AbC-exempel/edit#gid=0",
        "followup_spreadsheet": "1XyZ-exempel",
        "training_coordinator_name": "Alva Provsson",
        "training_coordinator_email": "alva.provsson@example.se",
    },
    "smtp without login, key file": {
        "mail": "smtp",
        "smtp_host": "smtp.example.se",
        "smtp_port": 465,
        "smtp_username": "ingen",
        "workbook": "google",
        "spreadsheet": "1AbC-exempel",
        "credentials_file": "nyckel.json",
    },
}


@pytest.mark.parametrize("kind", sorted(DISTRICTS))
def test_a_districts_config_keeps_every_comment_of_the_example_but_its_opening(
    kind: str, tmp_path: Path
) -> None:
    answers = wizard.from_mapping({**BASE, **DISTRICTS[kind]}, TODAY)
    text = wizard_config.config_text(EXAMPLE, answers, TODAY, "privat/config.toml")
    config = wizard_config.parsed(text, tmp_path / "config.toml")
    assert config.coordinator.organisation == "Amnesty Provby"
    example_opening = prose(EXAMPLE.split("\n\n", 1)[0])
    district_opening = prose(wizard_config.opening(answers, TODAY, "privat/config.toml"))
    assert prose(EXAMPLE)[len(example_opening) :] == prose(text)[len(district_opening) :]
    assert prose(text)[0].startswith("medlemsrutiner – konfigurationen för Amnesty Provby")


def test_the_example_itself_is_a_valid_config() -> None:
    config_module.load(EXAMPLE_CONFIG)
