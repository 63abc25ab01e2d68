"""English letters are entirely English: built from a workbook's Texter and Utbildningar, an
English letter shows the English texts and leaves out a paragraph that has none."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Letter
from tests.support import NOW, REPO, TODAY, deliveries_of, make_config, newcomer, plan_of

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


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


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
