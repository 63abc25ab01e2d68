"""Words that fit: a count with its noun in the singular or the plural, and dates and date
ranges as a person writes them, in Swedish and English. Pure: no I/O, and it imports nothing of
the package, so every layer may use it (Status in `steps`, Logg in `plan`, the run's report in
`routines`, the letters' templates through `letters.render`).

**One helper for every count.** Wherever a number meets a noun — the run's output, Status,
Grupper's Status, the weekly summary, check_setup, the reports — the words come from `count`:
`count(1, "row")` is `1 rad`, `count(3, "row")` is `3 rader`, `count(1, "row", "en")` is
`1 row`. The nouns it knows are `NOUNS` (a test says each of them after 0, 1, 2 and 5); a
letter kind brings its own `Noun` (`letter_kinds.DeliveryKind.noun`). A noun may be a phrase
that agrees with the count as a whole (`1 uppföljning gjord`, `3 uppföljningar gjorda`), and a
`Participle` after it agrees with its gender (`1 välkomstbrev skickat`, `1 introduktion
skickad`, `3 introduktioner skickade`).

**Dates.** `date_range` writes a window as `7–21 dec 2026`, `28 nov–5 dec 2026` or
`28 dec 2026–3 jan 2027` (`7–21 Dec 2026` in English); `letters.language` writes a letter's
dates with the month names here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

MONTHS: Mapping[str, tuple[str, ...]] = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
SHORT_MONTHS: Mapping[str, tuple[str, ...]] = {
    # Swedish writes a month of up to four letters in full and shortens the rest, without a dot
    # in a date range (`7–21 dec 2026`).
    "sv": ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def language_of(language: str) -> str:
    """`language` if the routine writes it, else Swedish."""
    return language if language in MONTHS else "sv"


# --- Counts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Noun:
    """A noun, or the words that follow a count, after 1 (`one`) and after any other number
    (`many`), in Swedish and English. `neuter`: a Swedish ett-word (`ett brev`), which a
    participle after it agrees with (`1 brev skickat`, not `skickad`)."""

    one: str
    many: str
    one_en: str
    many_en: str
    neuter: bool = False

    def __call__(self, n: int, language: str = "sv") -> str:
        """The word after the number `n`: the singular after 1 (and -1), else the plural —
        `0 rader`, `0 rows`, as both languages say it."""
        if language_of(language) == "en":
            return self.one_en if abs(n) == 1 else self.many_en
        return self.one if abs(n) == 1 else self.many


@dataclass(frozen=True)
class Participle:
    """What was done to what a count counts, agreeing with it: Swedish `skickad` (an en-word),
    `skickat` (an ett-word), `skickade` (any other number than 1); English `sent`."""

    common: str
    neuter: str
    many: str
    en: str

    @classmethod
    def same(cls, sv: str, en: str) -> Participle:
        """Words that agree with nothing (`fanns redan`, `skulle skickas`)."""
        return cls(sv, sv, sv, en)

    def after(self, n: int, noun: Noun, language: str = "sv") -> str:
        """The form that agrees with `n` of `noun`."""
        if language_of(language) == "en":
            return self.en
        if abs(n) != 1:
            return self.many
        return self.neuter if noun.neuter else self.common


SENT = Participle("skickad", "skickat", "skickade", "sent")
WOULD_BE_SENT = Participle.same("skulle skickas", "would be sent")
ERASED = Participle("raderad", "raderat", "raderade", "erased")
WOULD_BE_ERASED = Participle.same("skulle raderas", "would be erased")


NOUNS: Mapping[str, Noun] = {
    # Things
    "row": Noun("rad", "rader", "row", "rows"),
    "new_row": Noun("ny rad", "nya rader", "new row", "new rows"),
    "person": Noun("person", "personer", "person", "people"),
    "letter": Noun("brev", "brev", "letter", "letters", neuter=True),
    "delivery": Noun("utskick", "utskick", "mailing", "mailings", neuter=True),
    "day": Noun("dag", "dagar", "day", "days"),
    "week": Noun("vecka", "veckor", "week", "weeks"),
    "run": Noun("körning", "körningar", "run", "runs"),
    "district": Noun("distrikt", "distrikt", "district", "districts", neuter=True),
    "period": Noun("period", "perioder", "period", "periods"),
    "group": Noun("grupp", "grupper", "group", "groups"),
    "problem_group": Noun("problemgrupp", "problemgrupper", "problem group", "problem groups"),
    "form_answer": Noun("formulärsvar", "formulärsvar", "form answer", "form answers", True),
    "email_address": Noun("e-postadress", "e-postadresser", "email address", "email addresses"),
    "text": Noun("text", "texter", "text", "texts"),
    "training": Noun("utbildning", "utbildningar", "training", "trainings"),
    "upcoming_training": Noun(
        "kommande utbildning", "kommande utbildningar", "upcoming training", "upcoming trainings"
    ),
    "followup": Noun("uppföljning", "uppföljningar", "follow-up", "follow-ups"),
    # People, and what became of them
    "newcomer": Noun("intresserad", "intresserade", "newcomer", "newcomers"),
    "new_person": Noun("ny intresserad", "nya intresserade", "new person", "new people"),
    "newcomer_has": Noun("ny har", "nya har", "newcomer has", "newcomers have"),
    "registered": Noun("registrerad", "registrerade", "registered", "registered"),
    "referred": Noun("hänvisad", "hänvisade", "referred", "referred"),
    "referred_here": Noun(
        "intresserad är hänvisad hit",
        "intresserade är hänvisade hit",
        "newcomer is referred here",
        "newcomers are referred here",
    ),
    "followed_up": Noun("uppföljd", "uppföljda", "followed up", "followed up"),
    "active": Noun("aktiv", "aktiva", "active", "active"),
    "not_active": Noun("inte aktiv", "inte aktiva", "not active", "not active"),
    "not_reached": Noun("ej nådd", "ej nådda", "not reached", "not reached"),
    "not_followed_up": Noun("ej uppföljd", "ej uppföljda", "not followed up", "not followed up"),
    "erased": Noun("raderad", "raderade", "erased", "erased"),
    "followup_done": Noun(
        "uppföljning gjord", "uppföljningar gjorda", "follow-up done", "follow-ups done"
    ),
    # Letters, and what became of them
    "letter_sent": Noun("brev skickat", "brev skickade", "letter sent", "letters sent", True),
    "failed": Noun("misslyckat", "misslyckade", "failed", "failed", neuter=True),
    "uncertain": Noun("osäkert", "osäkra", "uncertain", "uncertain", neuter=True),
    "interrupted_delivery": Noun(
        "avbrutet utskick", "avbrutna utskick", "interrupted mailing", "interrupted mailings", True
    ),
}
"""Every noun `count` knows by name (a letter kind's is `DeliveryKind.noun`)."""


def noun_of(noun: str | Noun) -> Noun:
    """`noun` itself, or the noun of `NOUNS` it names (KeyError for a name it does not know)."""
    return noun if isinstance(noun, Noun) else NOUNS[noun]


def word(n: int, noun: str | Noun, language: str = "sv") -> str:
    """The word after the number `n`: `rad` after 1, `rader` after 0, 2, 5."""
    return noun_of(noun)(n, language)


def count(
    n: int, noun: str | Noun, language: str = "sv", participle: Participle | None = None
) -> str:
    """`n` and its noun: `1 rad`, `3 rader`; with a participle, agreeing with both:
    `1 välkomstbrev skickat`, `1 introduktion skickad`, `3 introduktioner skickade`."""
    found = noun_of(noun)
    text = f"{n} {found(n, language)}"
    return text if participle is None else f"{text} {participle.after(n, found, language)}"


# --- Dates ------------------------------------------------------------------------------------


def day_month(day: dt.date, language: str = "sv") -> str:
    """`7 dec` / `7 Dec`."""
    return f"{day.day} {SHORT_MONTHS[language_of(language)][day.month - 1]}"


def short_date(day: dt.date, language: str = "sv") -> str:
    """`7 dec 2026` / `7 Dec 2026`."""
    return f"{day_month(day, language)} {day.year}"


def date_range(first: dt.date, last: dt.date, language: str = "sv") -> str:
    """A window of days as a person writes it, saying each month and year once:
    `7–21 dec 2026`, `28 nov–5 dec 2026`, `28 dec 2026–3 jan 2027` (English: `7–21 Dec 2026`);
    one day when they agree (`7 dec 2026`)."""
    if first == last:
        return short_date(first, language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{short_date(last, language)}"
    if first.year == last.year:
        return f"{day_month(first, language)}–{short_date(last, language)}"
    return f"{short_date(first, language)}–{short_date(last, language)}"
