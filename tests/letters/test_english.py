"""English letters are entirely English: built from a workbook's Texter and Utbildningar, an
English letter shows the English texts and leaves out a paragraph that has none."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html as html_lib
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar

from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Letter
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import demo_rows
from tests.fakes.transports import RecordingTransport
from tests.support import (
    NOW,
    REPO,
    TODAY,
    deliveries_of,
    make_config,
    memory_workbook,
    newcomer,
    plan_of,
)

SWEDISH_TEXTS = {
    "lokal_information": "Vi är ett tjugotal aktiva som träffas varje månad på Exempelgatan 1.",
    "aktuell_aktion": "Just nu samlar vi namn för en fängslad journalist. Skriv under!",
    "aktuell_aktion_länk": "https://example.org/aktion",
    "signatur": "Kim Exempelsson\nMedlemsansvarig, Amnesty Exempelstad",
}
ENGLISH_TEXTS = {
    "lokal_information": "About twenty of us are active and meet every month at Exempelgatan 1.",
    "aktuell_aktion": "Right now we are collecting names for a jailed journalist. Sign!",
    "signatur": "Kim Exempelsson\nMembership coordinator, Amnesty Exempelstad",
}
TITLE = "Grundutbildning för nya"
DESCRIPTION = "Amnestys historia, arbetssätt och hur du kommer igång."
TRAINING: dict[str, Any] = {
    "date": TODAY + dt.timedelta(days=9),
    "time": "18.00–20.00",
    "title": TITLE,
    "place": "Exempelgatan 1",
    "signup": "kurs@example.org",
    "description": DESCRIPTION,
}
TRAINING_EN = {
    "title_en": "Basic training for newcomers",
    "description_en": "Amnesty's history, how we work and how to get started.",
}


def texts_rows(english: bool) -> list[dict[str, Any]]:
    return [
        {"key": key, "text": text, **({"text_en": ENGLISH_TEXTS.get(key)} if english else {})}
        for key, text in SWEDISH_TEXTS.items()
    ]


def welcome_letter(config: Config, *, english_texts: bool) -> tuple[str, str]:
    """The welcome letter to an English-speaking newcomer, plain text and HTML."""
    plan = plan_of(
        config,
        newcomers=[newcomer(1, language="en")],
        texts=texts_rows(english_texts),
        trainings=[{**TRAINING, **(TRAINING_EN if english_texts else {})}],
    )
    [delivery] = deliveries_of(plan, "welcome")
    [letter] = delivery.letters
    assert isinstance(letter, Letter) and letter.language == "en"
    data = build(Renderer(REPO / "templates"), letter, plan.shared, config, NOW, "ID1").data
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def swedish_words(text: str) -> list[str]:
    """Words with å, ä or ö: none of them is English."""
    return re.findall(r"\w*[åäöÅÄÖ]\w*", text)


def test_an_english_welcome_letter_uses_the_english_texts_and_no_swedish_paragraph(
    config: Config,
) -> None:
    text, html = welcome_letter(config, english_texts=True)
    for body in (text, html.replace("&#39;", "'")):
        for english in (*ENGLISH_TEXTS.values(), *TRAINING_EN.values()):
            assert english.split("\n")[0] in body
        for swedish in (*SWEDISH_TEXTS.values(), TRAINING["title"], TRAINING["description"]):
            if swedish != SWEDISH_TEXTS["aktuell_aktion_länk"]:
                assert swedish.split("\n")[-1] not in body
        assert "https://example.org/aktion" in body  # a link reads the same in English
        assert swedish_words(body) == []
        assert "Medlemsansvarig" not in body and "Varma hälsningar" not in body


def test_without_english_texts_an_english_letter_leaves_those_paragraphs_out(
    config: Config,
) -> None:
    text, html = welcome_letter(config, english_texts=False)
    for body in (text, html):
        for swedish in (*SWEDISH_TEXTS.values(), DESCRIPTION):
            assert swedish.split("\n")[-1] not in body
        assert "Would you like to do something right away?" not in body
        assert "Membership coordinator, Amnesty Exempelstad" in body  # the default signature
        # A training without an English title gets a neutral one, never the Swedish title.
        assert "Grundutbildning" not in body and "Training for new members" in body
        assert "18:00–20:00" in body and "18.00" not in body
        assert swedish_words(body) == []


def test_a_swedish_letter_keeps_the_swedish_texts(config: Config) -> None:
    plan = plan_of(
        config,
        newcomers=[newcomer(1)],
        texts=texts_rows(english=True),
        trainings=[{**TRAINING, **TRAINING_EN}],
    )
    [delivery] = deliveries_of(plan, "welcome")
    data = build(
        Renderer(REPO / "templates"), delivery.letters[0], plan.shared, config, NOW, "ID1"
    ).data
    body = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(body, EmailMessage)
    plain = body.get_body(("plain",))
    assert plain is not None
    content = plain.get_content()
    assert SWEDISH_TEXTS["lokal_information"] in content and DESCRIPTION in content
    assert ENGLISH_TEXTS["lokal_information"] not in content


# --- Every English letter of the demo ---------------------------------------------------------

SWEDISH_WORDS = {
    # What the routine once wrote itself in English letters.
    "Anmälan", "kl", "Träffas", "Arbetar", "Medlemsansvarig", "Hej", "Tack", "hälsningar",
    # The demo's Swedish texts in Grupper, Utbildningar and Texter.
    "Tisdagar", "Måndagar", "Onsdagar", "Torsdagar", "Fredagar", "Varannan", "Första", "Sista",
    "månaden", "Grundutbildning", "Kampanjer", "Kampanjverkstad", "manifestationer", "insamling",
    "Föreläsningar", "Asylrätt", "Brevskrivning", "Filmvisningar", "Vilande", "våras", "brevkväll",
    "Amnestys", "historia", "arbetssätt", "igång", "anmälan", "behövs", "aktiva", "grupper",
    "träffas", "veckan", "fikar", "tillsammans", "samlar", "namn", "fängslats", "Skriv", "under",
    # Swedish words the English sentences would never hold.
    "och", "med", "för", "till", "på", "är", "vi", "du", "nya", "utbildning", "gruppen",
    # Swedish month and day names (those spelt like English ones, in Swedish lower case).
    "januari", "februari", "mars", "maj", "juni", "juli", "augusti", "oktober",
    "april", "september", "november", "december",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
}  # fmt: skip
PROGRAMMES = ("(Blixtaktioner)", "(På egen hand)", "(Webbaktioner)")
"""Amnesty Sweden's own names of the alternatives, given beside the English ones."""
PLACES = ("Folkets hus", "Storgatan", "Studenthuset", "Biblioteket", "Café Exemplet")
"""Places named in the demo's English texts: names, the same in every language."""
CASE_SENSITIVE = {"april", "september", "november", "december"}


def _visible(message: EmailMessage) -> str:
    """Everything a reader can see: subject, both parts (HTML without tags) and every
    invitation's title, description and place."""
    seen = [str(message["Subject"])]
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain":
            seen.append(part.get_content())
        elif kind == "text/html":
            seen.append(html_lib.unescape(re.sub(r"<[^>]+>", " ", part.get_content())))
        elif kind == "text/calendar":
            for event in icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT"):
                seen += [str(event.get(key, "")) for key in ("summary", "description", "location")]
    return "\n".join(seen)


def _names_typed(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """What the coordinator or the newcomer typed as a name: groups, contact persons, people
    and their towns and interests (shown to a group), training places, the organisation."""
    names = [str(g[key]) for g in rows["groups"] for key in ("group", "contact")]
    names += [
        str(row[key])
        for row in rows["newcomers"] + rows["followups"]
        for key in ("name", "town", "interests", "referred_to")
        if row.get(key)
    ]
    names += [str(t["place"]) for t in rows["trainings"]]
    return [*sorted(names, key=len, reverse=True), *PLACES, *PROGRAMMES, "Amnesty Exempelstad"]


def swedish_in(text: str, names: list[str]) -> list[str]:
    """The Swedish words in `text` once names, links and addresses are taken out."""
    text = re.sub(r"(?:https?://|mailto:)\S+|\S+@\S+", " ", text)
    for name in names:
        text = text.replace(name, " ")
    return sorted(
        {
            word
            for word in re.findall(r"\w+", text)
            if (word if word in CASE_SENSITIVE else word.capitalize()) in _SWEDISH_KEYS
            or re.search(r"[åäöÅÄÖ]", word)
        }
    )


_SWEDISH_KEYS = {w if w in CASE_SENSITIVE else w.capitalize() for w in SWEDISH_WORDS}


def test_the_word_list_finds_the_swedish_english_letters_used_to_carry() -> None:
    names = ["Centrumgruppen"]
    assert swedish_in("Meets: Tisdagar 18.30, Centrumgruppen", names) == ["Tisdagar"]
    assert swedish_in("Anmälan: https://example.org/anmälan", names) == ["Anmälan"]
    assert swedish_in("tisdag 1 december 2026", names) == ["december", "tisdag"]
    assert swedish_in("Tuesday 1 December 2026 at 18:00, Centrumgruppen", names) == []


def test_no_english_letter_built_from_the_demo_holds_a_swedish_word(tmp_path: Path) -> None:
    """The demo in English: every newcomer writes in English, and the district too (so the
    letters to groups are English). Every letter the daily run sends is read as a person sees
    it; only names typed in the workbook may be Swedish."""
    config = make_config(tmp_path, language="en", routine={"reengage_unreached": True})
    rows: dict[str, list[dict[str, Any]]] = demo_rows(TODAY)
    for row in rows["newcomers"] + rows["followups"]:
        row["language"] = "en"
    transport = RecordingTransport()
    workbook = memory_workbook(**rows)
    with workbook:
        run_daily(workbook, transport, Renderer(REPO / "templates"), config, TODAY, NOW)
    kinds = {letter.label.rpartition("-")[2] for letter in transport.sent}
    assert kinds >= {
        "welcome",
        "introduction_newcomer",
        "introduction_group",
        "alternatives",
        "reengagement",
        "group_reminder",
    }
    names = _names_typed(rows)
    found = {
        letter.label: swedish_in(_visible(parse(letter.data)), names) for letter in transport.sent
    }
    assert {label: words for label, words in found.items() if words} == {}
    everything = "\n".join(_visible(parse(letter.data)) for letter in transport.sent)
    assert "18:00–20:00" in everything and "18.00" not in everything
    assert "Training for new members" not in everything  # the demo's trainings have English


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message
