"""Every word a coordinator may type where the scripts read a word, and what it means. Pure.

The vocabularies of `Hänvisad till` (groups aside: the alternatives, and the outcomes that end
an intake), `Resultat`, `Språk`, and the keys of Texter that the letters use. What people type
is compared after `cells.normalise_word` (case, surrounding spaces and a final full stop do not
matter); each map below lists the spellings people really use.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

TEXT_EXPLANATIONS: Mapping[str, str] = {
    "lokal_information": "Ett stycke om vad som händer lokalt. Visas i välkomstbrevet.",
    "aktuell_aktion": "En aktuell aktion att delta i direkt. Visas i välkomstbrevet.",
    "aktuell_aktion_länk": "Länken till den aktuella aktionen. Visas under aktionen i "
    "välkomstbrevet.",
    "signatur": "Ersätter underskriften (namn, uppdrag, e-post, telefon) i alla brev. Tom = "
    "uppgifterna från konfigurationen.",
}
"""Every key of the Texter tab that the templates use, with where it appears (Swedish, written
into Texter's Förklaring column by init_workbook). A key that is missing renders as empty and
its paragraph is left out."""

TEXT_KEYS: tuple[str, ...] = tuple(TEXT_EXPLANATIONS)

LANGUAGE_NEUTRAL_TEXT_KEYS: tuple[str, ...] = ("aktuell_aktion_länk",)
"""Texter keys that read the same in every language (a link): an English letter uses `Text`
when `Text (en)` is empty. Every other key is left out of an English letter without English."""


class Alternative(enum.Enum):
    """The ways in besides an existing group, with the link each letter gives."""

    NEW_GROUP = "Ny grupp"
    FLASH_ACTIONS = "Blixtaktioner"
    ON_YOUR_OWN = "På egen hand"
    WEB_ACTIONS = "Webbaktioner"


ALTERNATIVE_LINKS: Mapping[Alternative, str] = {
    Alternative.NEW_GROUP: "https://aktivism.amnesty.se/grupper-och-distrikt/starta-en-ny-grupp/",
    Alternative.FLASH_ACTIONS: "https://aktivism.amnesty.se/arbetsformer/blixtaktioner/",
    Alternative.ON_YOUR_OWN: "https://aktivism.amnesty.se/arbetsformer/agera-pa-egen-hand/",
    Alternative.WEB_ACTIONS: "https://www.amnesty.se/engagera-dig/agera/aktioner/",
}


class Outcome(enum.Enum):
    """`Hänvisad till` words that end the intake without a referral."""

    DECLINED = "Avböjt"
    NOT_REACHED = "Ej nådd"


class Result(enum.Enum):
    """`Resultat` of the follow-up call; the scripts write `Ej uppföljd` when no call was made
    in time."""

    ACTIVE = "Aktiv"
    NOT_ACTIVE = "Inte aktiv"
    NOT_REACHED = "Ej nådd"
    NOT_FOLLOWED_UP = "Ej uppföljd"

    @property
    def followed_up(self) -> bool:
        """A follow-up call was made (whatever its result)."""
        return self is not Result.NOT_FOLLOWED_UP


LANGUAGES: tuple[str, ...] = ("sv", "en")
LANGUAGE_NAMES: Mapping[str, str] = {"sv": "svenska", "en": "engelska"}
"""Each language as a coordinator reads it (Logg's Detalj)."""

# What people type, normalised (see cells.normalise_word), to the canonical word.
_ALTERNATIVE_WORDS: Mapping[str, Alternative] = {
    "ny grupp": Alternative.NEW_GROUP,
    "starta ny grupp": Alternative.NEW_GROUP,
    "bilda ny grupp": Alternative.NEW_GROUP,
    "blixtaktioner": Alternative.FLASH_ACTIONS,
    "blixtaktion": Alternative.FLASH_ACTIONS,
    "på egen hand": Alternative.ON_YOUR_OWN,
    "pa egen hand": Alternative.ON_YOUR_OWN,
    "amnesty på egen hand": Alternative.ON_YOUR_OWN,
    "egen hand": Alternative.ON_YOUR_OWN,
    "webbaktioner": Alternative.WEB_ACTIONS,
    "webbaktion": Alternative.WEB_ACTIONS,
}
_OUTCOME_WORDS: Mapping[str, Outcome] = {
    "avböjt": Outcome.DECLINED,
    "avbojt": Outcome.DECLINED,
    "avböjde": Outcome.DECLINED,
    "ej nådd": Outcome.NOT_REACHED,
    "ej nadd": Outcome.NOT_REACHED,
    "inte nådd": Outcome.NOT_REACHED,
}
_RESULT_WORDS: Mapping[str, Result] = {
    "aktiv": Result.ACTIVE,
    "inte aktiv": Result.NOT_ACTIVE,
    "ej aktiv": Result.NOT_ACTIVE,
    "inaktiv": Result.NOT_ACTIVE,
    "ej nådd": Result.NOT_REACHED,
    "ej nadd": Result.NOT_REACHED,
    "inte nådd": Result.NOT_REACHED,
    "ej uppföljd": Result.NOT_FOLLOWED_UP,
    "ej uppfoljd": Result.NOT_FOLLOWED_UP,
    "inte uppföljd": Result.NOT_FOLLOWED_UP,
}


def alternative_words() -> Mapping[str, Alternative]:
    return _ALTERNATIVE_WORDS


def outcome_words() -> Mapping[str, Outcome]:
    return _OUTCOME_WORDS


def result_words() -> Mapping[str, Result]:
    return _RESULT_WORDS


LANGUAGE_WORDS: Mapping[str, str] = {
    "sv": "sv", "svenska": "sv", "swedish": "sv", "se": "sv",
    "en": "en", "engelska": "en", "english": "en",
}  # fmt: skip
"""What people type in `Språk`, to a language code of LANGUAGES."""
