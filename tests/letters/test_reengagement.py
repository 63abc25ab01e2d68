"""The re-engagement letter speaks of the follow-up call by its real distance (a result may be
typed in weeks after the call), and never thanks for a talk that did not happen (`Ej nådd`)."""

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
from tests.support import NOW, REPO, TODAY, deliveries_of, make_config, plan_of

DAY = dt.timedelta(days=1)


def _letter_text(
    config: Config,
    language: str = "sv",
    groups: list[dict[str, Any]] | None = None,
    **cells: Any,
) -> tuple[str, str]:
    """The re-engagement letter to a person whose follow-up row has `cells` (in a district with
    `groups`, or the usual two): text and HTML."""
    row = {
        "id": 5,
        "name": "Testa Person5",
        "email": "person5@example.se",
        "phone": "070-174 06 15",
        "language": language,
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 100 * DAY,
        "follow_up_from": TODAY - 44 * DAY,
        "follow_up_by": TODAY - 30 * DAY,
        "result": "Inte aktiv",
        "consent": TODAY - 60 * DAY,  # kept, so the letter goes however long ago the call was
        **cells,
    }
    plan = plan_of(config, followups=[row], groups=groups)
    (delivery,) = deliveries_of(plan, "reengagement")
    (letter,) = delivery.letters
    data = build(Renderer(REPO / "templates"), letter, plan.shared, config, NOW, "ID5").data
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


@pytest.mark.parametrize(
    ("days_ago", "swedish", "english"),
    [
        (0, "prata med mig i dag.", "talk with me today."),
        (1, "prata med mig i går.", "talk with me yesterday."),
        (3, "prata med mig för 3 dagar sedan.", "talk with me 3 days ago."),
        (49, "prata med mig den 6 oktober.", "talk with me on 6 October."),
    ],
)
def test_the_follow_up_call_is_dated_by_its_real_distance(
    tmp_path: Path, days_ago: int, swedish: str, english: str
) -> None:
    config = make_config(tmp_path)
    for language, said in (("sv", swedish), ("en", english)):
        text, html = _letter_text(config, language, followed_up=TODAY - days_ago * DAY)
        for part in (text, html):
            assert said in part
            assert "häromdagen" not in part and "the other day" not in part
        assert re.search(r"(?:med dig|with us)\.\r?\n\r?\n", text)  # a paragraph of its own


def test_a_person_never_reached_is_not_thanked_for_a_talk(tmp_path: Path) -> None:
    config = make_config(tmp_path, routine={"reengage_unreached": True})
    for language, tried, thanks in (
        ("sv", "Jag har försökt ringa dig för 3 dagar sedan", "Tack för att du tog dig tid"),
        ("en", "I tried to call you 3 days ago", "Thank you for taking the time"),
    ):
        text, html = _letter_text(config, language, followed_up=TODAY - 3 * DAY, result="Ej nådd")
        for part in (text, html):
            assert tried in part and "Centrumgruppen" in part
            assert thanks not in part


@pytest.mark.parametrize(
    ("language", "new_group", "flash"),
    [("sv", "Starta en ny Amnestygrupp", "Blixtaktioner"), ("en", "Start a new Amnesty group",
                                                             "Flash actions")],
)  # fmt: skip
def test_an_alternative_that_did_not_work_out_is_not_offered_again(
    tmp_path: Path, language: str, new_group: str, flash: str
) -> None:
    config = make_config(tmp_path)
    for text in _letter_text(config, language, referred_to="Ny grupp"):
        assert new_group not in text and flash in text
    for text in _letter_text(config, language):  # referred to a group: every alternative
        assert new_group in text and flash in text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_meeting_place_typed_on_two_lines_stays_on_one_line_inside_its_parentheses(
    tmp_path: Path, language: str
) -> None:
    config = make_config(tmp_path)
    meets = "Tisdagar 18.30\nFolkets hus, Storgatan 1"
    groups = [
        {"group": "Centrumgruppen", "email": "centrum@example.org", "active": "ja"},
        {"group": "Skrivargruppen", "email": "brev@example.org", "active": "ja",
         "works_on": "Brevskrivning", "works_on_en": "Brevskrivning", "meets": meets,
         "meets_en": meets},
    ]  # fmt: skip
    text, html = _letter_text(config, language, groups)
    line = "Skrivargruppen: Brevskrivning (Tisdagar 18.30, Folkets hus, Storgatan 1)"
    assert f"- {line}" in text.splitlines()
    assert (
        "<strong>Skrivargruppen</strong>: Brevskrivning (Tisdagar 18.30, Folkets hus, "
        "Storgatan 1)" in html
    )
