"""What a district still has to do before it is ready, for check_setup. Pure: the config, the
example config and the tables in, findings out.

- **Left from the example** (a warning whatever the transport: a letter written to the outbox
  is sent by hand just the same): a value exactly as config.example.toml has it (the
  coordinator's and the training coordinator's name, address, phone, organisation), an address
  or link at a domain reserved for examples (RFC 2606: example.com, example.net, example.org,
  and the top-level domains .example, .test, .invalid, .localhost — mail to them never
  arrives), the demo's groups' addresses, and Texter rows still holding the demo's texts.
  example.se is an ordinary registered domain, not a reserved one, so it is not flagged.
- **Still to fill in** (a task: the workbook's own content, which a new district has not typed
  yet): an empty Grupper, no upcoming training in Utbildningar, empty local texts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from medlemsrutiner.config import Config
from medlemsrutiner.routines.demo import GROUPS as DEMO_GROUPS
from medlemsrutiner.routines.demo import TEXTS as DEMO_TEXTS
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import Tables
from medlemsrutiner.steps.district import read_texts, read_trainings, rows_of

RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TOP_LEVEL = ("example", "test", "invalid", "localhost")

_URL_HOST = re.compile(r"https?://([^/\s:?#]+)", re.IGNORECASE)
_ADDRESS_DOMAIN = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")

FILLED_TEXTS = ("lokal_information", "aktuell_aktion")
"""The Texter keys a district writes itself: without them the welcome letter says nothing of
what goes on locally and offers no action. (`signatur` may stay empty: the letters then sign
with the config's name, address and phone.)"""


@dataclass(frozen=True)
class Finding:
    topic: str
    """A few words for the verdict's list (`grupperna`)."""
    text: str


def reserved(domain: str) -> bool:
    """A domain reserved for examples: mail to it never arrives, a link to it leads nowhere."""
    name = domain.strip().rstrip(".").casefold()
    return any(name == d or name.endswith(f".{d}") for d in RESERVED_DOMAINS) or (
        name.rpartition(".")[2] in RESERVED_TOP_LEVEL
    )


def _addresses_of(config: Config | None) -> frozenset[str]:
    if config is None:
        return frozenset()
    found = {config.coordinator.email, config.mail.from_address, config.mail.reply_to}
    if config.training_coordinator is not None:
        found.add(config.training_coordinator.email)
    return frozenset(cells.email_key(address) for address in found)


def example_values(config: Config, example: Config | None, tables: Tables) -> list[str]:
    """What is left from the example, each as `key (value)` or a count, in Swedish."""
    example_addresses = _addresses_of(example) | {
        cells.email_key(group["email"]) for group in DEMO_GROUPS if group["email"]
    }

    def is_example(address: str) -> bool:
        key = cells.email_key(address.strip())
        return key in example_addresses or (bool(key) and reserved(key.rpartition("@")[2]))

    def same(value: str, example_value: str | None) -> bool:
        return bool(value.strip()) and value.strip() == (example_value or "").strip()

    coordinator, mail = config.coordinator, config.mail
    model = example.coordinator if example is not None else None
    names = [n for n in (model.name, model.organisation) if n] if model else []
    trainer = config.training_coordinator
    model_trainer = example.training_coordinator if example is not None else None
    checked: list[tuple[str, str, bool]] = [
        (
            "coordinator.name",
            coordinator.name,
            same(coordinator.name, model.name if model else None),
        ),
        ("coordinator.email", coordinator.email, is_example(coordinator.email)),
        (
            "coordinator.phone",
            coordinator.phone,
            model is not None
            and bool(model.phone)
            and cells.format_phone(coordinator.phone) == cells.format_phone(model.phone),
        ),
        (
            "coordinator.organisation",
            coordinator.organisation,
            same(coordinator.organisation, model.organisation if model else None),
        ),
        ("mail.from_name", mail.from_name, any(name in mail.from_name for name in names)),
        ("mail.from_address", mail.from_address, is_example(mail.from_address)),
        ("mail.reply_to", mail.reply_to, is_example(mail.reply_to)),
        (
            "mail.smtp.username",
            mail.smtp.username if mail.smtp else "",
            mail.smtp is not None and "@" in mail.smtp.username and is_example(mail.smtp.username),
        ),
    ]
    if trainer is not None:
        checked += [
            (
                "training_coordinator.name",
                trainer.name,
                same(trainer.name, model_trainer.name if model_trainer else None),
            ),
            ("training_coordinator.email", trainer.email, is_example(trainer.email)),
        ]
    found = [f"{key} ({value})" for key, value, left in checked if left]
    groups = sum(is_example(cells.text(r["email"])) for _, r in rows_of(tables["groups"]))
    if groups:
        found.append(f"{groups} {'e-postadress' if groups == 1 else 'e-postadresser'} i Grupper")
    found.extend(_demo_texts(tables))
    links = _example_links(tables)
    if links:
        found.append("länkar eller adresser till exempeldomäner i " + ", ".join(links))
    return found


def _demo_texts(tables: Tables) -> list[str]:
    demo = {" ".join(t.split()) for _, sv, en in DEMO_TEXTS for t in (sv, en) if t}
    texts, texts_en = read_texts(tables["texts"])
    left = [
        f"Texter {key}{suffix}"
        for suffix, values in (("", texts), (" (en)", texts_en))
        for key, value in values.items()
        if " ".join(value.split()) in demo and not value.startswith(("http://", "https://"))
    ]
    return [f"demons text i {', '.join(left)}"] if left else []


def _reserved_in(text: str) -> bool:
    domains = [*_URL_HOST.findall(text), *_ADDRESS_DOMAIN.findall(text)]
    return any(reserved(domain) for domain in domains)


def _example_links(tables: Tables) -> list[str]:
    texts, texts_en = read_texts(tables["texts"])
    found = [
        f"Texter {key}{suffix}"
        for suffix, values in (("", texts), (" (en)", texts_en))
        for key, value in values.items()
        if _reserved_in(value)
    ]
    found += [
        f"Utbildningar Anmälan för {cells.text(record['title']) or f'rad {row}'}"
        for row, record in rows_of(tables["trainings"])
        if _reserved_in(cells.text(record["signup"]))
    ]
    return list(dict.fromkeys(found))  # two trainings of one title are named once


def content_to_fill_in(config: Config, tables: Tables, today: dt.date) -> list[Finding]:
    """The workbook's content a new district types itself: groups, trainings, local texts."""
    found: list[Finding] = []
    if not any(cells.text(record["group"]) for _, record in rows_of(tables["groups"])):
        found.append(
            Finding(
                "grupperna",
                "Grupper är tom: skriv in distriktets grupper (Grupp, Kontaktperson, E-post), "
                "så att du kan hänvisa nya till dem.",
            )
        )
    routine = config.routine
    horizon = cells.later(today, days=routine.trainings_within_days)
    upcoming, _ = read_trainings(tables["trainings"], today, routine.trainings_in_letters)
    if not [training for training in upcoming if training.date <= horizon]:
        empty = not any(cells.text(record["title"]) for _, record in rows_of(tables["trainings"]))
        found.append(
            Finding(
                "utbildningarna",
                "Utbildningar är tom: lägg in de kommande grundutbildningarna, så står de i "
                "breven till nya."
                if empty
                else f"Ingen utbildning de närmaste {routine.trainings_within_days} dagarna i "
                "Utbildningar: breven till nya visar inga utbildningar förrän du lägger in nästa.",
            )
        )
    texts, texts_en = read_texts(tables["texts"])
    own = texts if config.language == "sv" else texts_en
    empty_keys = [key for key in FILLED_TEXTS if not own.get(key, "").strip()]
    if empty_keys:
        column = "Text" if config.language == "sv" else "Text (en)"
        are = "är tom" if len(empty_keys) == 1 else "är tomma"
        found.append(
            Finding(
                "texterna",
                f"Texter: {' och '.join(empty_keys)} {are} i {column}: skriv vad som händer "
                "lokalt och en aktuell aktion, så står de i "
                "välkomstbrevet.",
            )
        )
    return found
