"""The registry of letter kinds: every letter the scripts write, and everything about it that
more than one module needs, in one place. Pure: no I/O.

Three things, each one entry per name:

* a **letter kind** (`LetterKind`) is one template, `templates/<language>/<name>/`: whom it
  goes to (the newcomer, a group's contact person, a coordinator), what it is about (for the
  preview's invented letter), how the preview heads it, and, in a delivery of more than one
  letter, how a partial stamp names its recipient (`Delvis skickat …: kvar till gruppens
  kontaktperson`);
* a **delivery kind** (`DeliveryKind`) is the letters one stamp cell guards, sent and stamped
  together — the introduction's two letters are one delivery: its name in the send journal and
  in `plan.Delivery.kind`, Logg's action word for it, and what a coordinator calls it after a
  count (`wording.Noun`: the run's report, the weekly summary, Logg's Detalj);
* a **stamp column** (`StampColumn`) is the column whose cell guards a delivery (the
  introduction and the alternatives share `Introduktion`): its tab and column in
  `sheet/schema.py` (the header is the schema's, never written twice), and the words Status, the
  to-do list, the weekly summary and the daily output use for it (`stamp_words` makes the
  sentences).

Every other module reads these: `plan` (a delivery's name), `stamps` (a partial stamp's
recipients), `steps` (each row's stamp cells, recovery from the send journal, Status, Grupper,
problems, the day's flags), `reports` (the to-do list, the weekly counts), `letters` (every
template checked and previewed; trainings in letters to a newcomer) and `routines` (the run's
report). None of them keeps a list of kinds of its own.

The built-in kinds are `BUILT_IN`. `registered` adds more for as long as a `with` block lasts
(an extension, a test): their stamp columns are added to their tab (`schema.add_column`), and
everything above sees them. A kind's due rule lives in `steps/` (see `steps.rules`); docs/design.md
walks through adding a letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from medlemsrutiner.sheet import schema
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Column
from medlemsrutiner.wording import Noun

Recipient = Literal["newcomer", "group", "coordinator", "training_coordinator"]
"""Whom a letter goes to: a newcomer (such letters carry the upcoming trainings, each as a
calendar invitation), a group's contact person, the coordinator or the training coordinator."""

STAMP_TABS: tuple[str, ...] = ("newcomers", "followups", "groups")
"""The tabs whose rows the routine reads stamp cells of (`steps.recovery`, `steps.rules`): a
stamp column lives in one of them."""

About = Literal["newcomer", "group", "alternative", "summary", "trainings"]
"""What a letter shows besides the district's texts: the newcomer, a group, the chosen
alternative, the weekly summary, the training coordinator's summary. The preview invents
exactly these for each kind."""


@dataclass(frozen=True)
class Words:
    """The same words in Swedish and English."""

    sv: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language == "en" else self.sv


@dataclass(frozen=True)
class StampColumn:
    """The column whose cell guards a delivery, and how a coordinator is told about it.

    `letter` is what Status calls the letter ("Återvärvningsbrev skickat …"); blank, the header
    itself ("Välkomstbrev skickat …"). `sent` agrees with it (`skickad` for `Påminnelse`).
    `after_sent` follows the day it went out; `refused` replaces the general words for a letter
    the server refused (`{header}` is filled in). `sent_in_status`: Status of a row of
    Intresserade or Uppföljning says the day the letter went out (an introduction does not: the
    row is finished then).
    """

    tab: str
    column: str
    letter_en: str
    letter: str = ""
    sent: Words = Words("skickat", "sent")
    after_sent: Words = Words("", "")
    refused: Words | None = None
    sent_in_status: bool = True
    adds: Column | None = None
    """For a kind registered from outside: the column its tab gains (`column` is its name)."""

    @property
    def header(self) -> str:
        """The column's Swedish header, from the schema."""
        return TABS_BY_KEY[self.tab].column(self.column).header

    @property
    def letter_words(self) -> Words:
        return Words(self.letter or self.header, self.letter_en)


@dataclass(frozen=True)
class DeliveryKind:
    """The letters one stamp cell guards: sent together, stamped together, at most once."""

    name: str
    """`plan.Delivery.kind` and the send journal's word for it."""
    stamp: StampColumn
    logged: str
    """Logg's action word for it (`välkomstbrev skickat`): later runs find events by it, so it
    never changes."""
    noun: Noun
    """What a coordinator calls it, after a count (`1 introduktion`, `3 introductions`): the
    run's report, the weekly summary, and Logg's Detalj (`välkomstbrev, engelska`)."""
    counted: bool = False
    """The weekly summary counts the ones that went out in the week."""
    logged_common: bool = False
    """`logged` is an en-word: the outcome agrees with it (`introduktion skickad`)."""


@dataclass(frozen=True)
class LetterKind:
    """One template, and what the code around it needs to know of it."""

    name: str
    """The template's folder (`templates/<language>/<name>/`), also in every letter's label."""
    recipient: Recipient
    about: tuple[About, ...]
    preview: str
    """The heading of the letter in the preview (Swedish)."""
    delivery: DeliveryKind | None = None
    """None for the weekly letters, which Logg guards instead of a stamp cell."""
    part: str = ""
    """In a delivery of more than one letter: how a partial stamp names the recipient."""

    @property
    def carries_trainings(self) -> bool:
        """Letters to a newcomer show the upcoming trainings, each as a calendar invitation."""
        return self.recipient == "newcomer"


# --- The built-in kinds -----------------------------------------------------------------------

WELCOME_STAMP = StampColumn("newcomers", "welcome", "Welcome letter")
INTRODUCTION_STAMP = StampColumn("newcomers", "introduction", "Introduction", sent_in_status=False)
REENGAGEMENT_STAMP = StampColumn(
    "followups", "reengagement", "Re-engagement letter", letter="Återvärvningsbrev"
)
REMINDER_STAMP = StampColumn(
    "groups",
    "reminder",
    "Reminder",
    sent=Words("skickad", "sent"),
    after_sent=Words(
        ": skriv datumet i Bekräftad när gruppen svarat",
        ": write the date in Bekräftad once the group has replied",
    ),
    refused=Words(
        "Påminnelsen studsade (se {header}): rätta adressen och töm {header}.",
        "The reminder bounced (see {header}): correct the address and clear {header}.",
    ),
)

WELCOME = DeliveryKind(
    "welcome",
    WELCOME_STAMP,
    "välkomstbrev",
    Noun("välkomstbrev", "välkomstbrev", "welcome letter", "welcome letters", neuter=True),
    counted=True,
)
INTRODUCTION = DeliveryKind(
    "introduction",
    INTRODUCTION_STAMP,
    "introduktion",
    Noun("introduktion", "introduktioner", "introduction", "introductions"),
    counted=True,
    logged_common=True,
)
ALTERNATIVES = DeliveryKind(
    "alternatives",
    INTRODUCTION_STAMP,
    "alternativ",
    Noun(
        "brev med alternativen",
        "brev med alternativen",
        "letter with the alternatives",
        "letters with the alternatives",
        neuter=True,
    ),
    counted=True,
)
REENGAGEMENT = DeliveryKind(
    "reengagement",
    REENGAGEMENT_STAMP,
    "återvärvning",
    Noun(
        "återvärvningsbrev",
        "återvärvningsbrev",
        "re-engagement letter",
        "re-engagement letters",
        neuter=True,
    ),
    counted=True,
    logged_common=True,
)
GROUP_REMINDER = DeliveryKind(
    "group_reminder",
    REMINDER_STAMP,
    "påminnelse till grupp",
    Noun("påminnelse till grupp", "påminnelser till grupper", "group reminder", "group reminders"),
    logged_common=True,
)

BUILT_IN: tuple[LetterKind, ...] = (
    LetterKind("welcome", "newcomer", ("newcomer",), "Välkomstbrev", WELCOME),
    LetterKind(
        "introduction_newcomer",
        "newcomer",
        ("newcomer", "group"),
        "Introduktion, till den intresserade",
        INTRODUCTION,
        part="den intresserade",
    ),
    LetterKind(
        "introduction_group",
        "group",
        ("newcomer", "group"),
        "Introduktion, till gruppens kontaktperson",
        INTRODUCTION,
        part="gruppens kontaktperson",
    ),
    LetterKind(
        "alternatives", "newcomer", ("newcomer", "alternative"), "Alternativen", ALTERNATIVES
    ),
    LetterKind(
        "reengagement",
        "newcomer",
        ("newcomer", "group"),
        "Återvärvning, efter uppföljningen",
        REENGAGEMENT,
    ),
    LetterKind(
        "group_reminder",
        "group",
        ("group",),
        "Påminnelse till en grupp: stämmer uppgifterna?",
        GROUP_REMINDER,
    ),
    LetterKind(
        "weekly_summary",
        "coordinator",
        ("summary",),
        "Veckans sammanfattning, till medlemsansvarig",
    ),
    LetterKind(
        "training_summary",
        "training_coordinator",
        ("trainings",),
        "Veckobrev till utbildningsansvarig",
    ),
)
"""Every letter the scripts write, in the order the preview shows them."""

_kinds: list[LetterKind] = list(BUILT_IN)


# --- Reading the registry ---------------------------------------------------------------------


def letter_kinds() -> tuple[LetterKind, ...]:
    """Every letter kind: the built-in ones, then those registered, in order."""
    return tuple(_kinds)


def letter_kind(name: str) -> LetterKind | None:
    """The letter kind called `name`, if there is one."""
    return next((kind for kind in _kinds if kind.name == name), None)


def delivery_kinds() -> tuple[DeliveryKind, ...]:
    """Every delivery kind, in the order of their first letter."""
    found: dict[str, DeliveryKind] = {}
    for kind in _kinds:
        if kind.delivery is not None:
            found.setdefault(kind.delivery.name, kind.delivery)
    return tuple(found.values())


def delivery_kind(name: str) -> DeliveryKind | None:
    """The delivery kind called `name`, if there is one."""
    return next((kind for kind in delivery_kinds() if kind.name == name), None)


def stamp_columns(tab: str | None = None) -> tuple[StampColumn, ...]:
    """Every stamp column (of `tab`, when given), each once, in registry order."""
    found: dict[tuple[str, str], StampColumn] = {}
    for delivery in delivery_kinds():
        column = delivery.stamp
        if tab is None or column.tab == tab:
            found.setdefault((column.tab, column.column), column)
    return tuple(found.values())


def part_words() -> dict[str, str]:
    """How a partial stamp names the recipient of each letter kind that can be left over."""
    return {kind.name: kind.part for kind in _kinds if kind.part}


# --- Adding kinds -----------------------------------------------------------------------------


@contextmanager
def registered(*kinds: LetterKind) -> Iterator[None]:
    """The registry with `kinds` added, until the block ends: their stamp columns (`adds`) join
    their tabs, and every reader of the registry sees them. Raises ValueError for a kind that
    clashes with one already there (a name, a delivery's name, a partial stamp's words, a
    column)."""
    added: list[StampColumn] = []
    before = list(_kinds)
    try:
        for kind in kinds:
            _check(kind)
            delivery = kind.delivery
            if delivery is not None and delivery_kind(delivery.name) is None:
                column = delivery.stamp
                if column.adds is not None and all(
                    (c.tab, c.column) != (column.tab, column.column) for c in added
                ):
                    schema.add_column(column.tab, column.adds)
                    added.append(column)
                TABS_BY_KEY[column.tab].column(column.column)  # KeyError: no such column
            _kinds.append(kind)
        yield
    finally:
        _kinds[:] = before
        for column in added:
            schema.remove_column(column.tab, column.column)


def _check(kind: LetterKind) -> None:
    if letter_kind(kind.name) is not None:
        raise ValueError(f"a letter kind {kind.name} is registered already")
    delivery = kind.delivery
    if delivery is not None:
        known = delivery_kind(delivery.name)
        if known is not None and known != delivery:
            raise ValueError(f"another delivery kind is called {delivery.name}")
        column = delivery.stamp
        taken = {(c.tab, c.column) for c in stamp_columns()}
        if known is None and (column.tab, column.column) in taken:
            # One cell guarding two deliveries that two rules plan independently could send
            # both, or stamp one with the other's date.
            raise ValueError(f"the stamp column {column.column} guards another delivery")
        if column.tab not in STAMP_TABS:
            raise ValueError(f"the stamp column {column.column} is not in {STAMP_TABS}")
        if column.adds is not None and column.adds.name != column.column:
            raise ValueError(f"the stamp column {column.column} adds {column.adds.name}")
    if kind.part and kind.part in part_words().values():
        raise ValueError(f"a partial stamp names another letter '{kind.part}'")
