"""Setting up a new district (scripts/new_district.py): reading an answers file, writing the
config the answers make, and what is left to do by hand. I/O: reads the answers file and
config.example.toml, writes the new config and creates its folder. The questions, and what the
answers make of the example, are `routines.wizard`'s (pure).

A config is written only where there is none, or where a person said yes to replacing it: the
command asks first (the answer defaults to no), and with an answers file it never replaces one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.config_template import EXAMPLE_CONFIG
from medlemsrutiner.config_text import read_toml
from medlemsrutiner.errors import AnswersError, ConfigError
from medlemsrutiner.routines import wizard, wizard_config
from medlemsrutiner.routines.setup import CheckResult


def read_answers(path: Path, today: dt.date) -> dict[str, Any]:
    """The answers in the TOML file at `path`, each read as the wizard reads a typed one.
    Raises AnswersError (one Swedish line naming the file and the key)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise AnswersError(path, "filen finns inte") from None
    except UnicodeDecodeError:
        raise AnswersError(path, "filen är inte sparad som UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise AnswersError(path, f"ogiltig TOML ({error})") from None
    except OSError as error:
        raise AnswersError(path, f"kan inte läsas ({error.strerror})") from None
    try:
        return wizard.from_mapping(data, today)
    except wizard.Invalid as error:
        raise AnswersError(path, str(error)) from None


def earlier_answers(path: Path) -> dict[str, str]:
    """The answers the config at `path` was made of, as text (the defaults when the wizard
    replaces it); nothing when it cannot be read."""
    try:
        return wizard_config.earlier_answers(read_toml(path))
    except ConfigError:
        return {}


def new_config(
    answers: Mapping[str, Any], today: dt.date, path: Path, shown: str
) -> tuple[str, Config]:
    """The district's config file as text, and the config it makes at `path`."""
    template = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = wizard_config.config_text(template, answers, today, shown)
    return text, wizard_config.parsed(text, path)


def write_config(path: Path, text: str) -> None:
    """Write the config at `path`, creating its folder (`privat/`). The caller has made sure
    no file is there, or a person said it may be replaced. The file is written beside and then
    moved into place, so a stop never leaves half a config."""
    partial = path.with_name(f".{path.name}.ny")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        with contextlib.suppress(OSError):  # the folder itself may be what failed
            partial.unlink(missing_ok=True)
        raise ConfigError(path, None, f"kan inte skrivas ({error.strerror})") from None


@dataclass(frozen=True)
class Task:
    """One of the three things the coordinator does by hand in the workbook."""

    topic: str
    """The topic check_setup gives the check that finds it still to do."""
    what: str


TASKS: Sequence[Task] = (
    Task(
        "grupperna",
        "Grupper: en rad per grupp – Grupp, Kontaktperson och E-post (och gärna Telefon, "
        "Träffas och Arbetar med). Det är grupperna du hänvisar nya till. Skriv dagens datum "
        "i Bekräftad för grupper vars uppgifter du vet stämmer; de andra får vid första "
        "körningen ett brev där kontaktpersonen ombeds bekräfta dem.",
    ),
    Task(
        "utbildningarna",
        "Utbildningar: de kommande grundutbildningarna – Datum och Titel (och Tid, Plats, "
        "Anmälan). Breven till nya visar de närmaste.",
    ),
    Task(
        "texterna",
        "Texter: lokal_information (vad som händer lokalt) och aktuell_aktion med "
        "aktuell_aktion_länk – i Text, och på engelska i Text (en). De står i välkomstbrevet.",
    ),
)


def left_to_do(checks: Sequence[CheckResult]) -> list[tuple[Task, bool]]:
    """Each of the three tasks, and whether check_setup found it still to do."""
    open_topics = {check.topic for check in checks if check.task}
    return [(task, task.topic in open_topics) for task in TASKS]


def welcome_note(start_date: dt.date, shown_config: str) -> str:
    """Who gets no welcome letter on the first run, and how to change it: the wizard's last
    word before the first run."""
    return (
        f"Välkomstbrev går till den som registrerats {start_date.isoformat()} eller senare "
        "(start_date).\n"
        "  - Står någon i Intresserade med ett tidigare datum i Registrerad får hen inget "
        f"välkomstbrev. Ska hen få ett: ändra start_date i {shown_config} till ett tidigare "
        "datum.\n"
        "  - En rad utan datum i Registrerad vid första körningen räknas som en gammal kontakt "
        "och får inget välkomstbrev: skriv datumet uppgifterna kom in före första körningen, "
        "eller töm Välkomstbrev på raden efteråt om brevet ska skickas.\n"
        "  Första körningen säger vilka ID det gäller."
    )
