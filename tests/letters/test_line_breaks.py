"""A coordinator's text typed on several lines (Alt+Enter in a cell) keeps its lines in a letter:
as typed in the plain-text part, as paragraphs and `<br>` in the HTML part — Texter's texts, a
group's Träffas and Arbetar med, a training's description and the signature."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Plan
from tests.support import (
    NOW,
    REPO,
    TODAY,
    default_groups,
    deliveries_of,
    newcomer,
    plan_of,
)

LOCAL = "Vi är ett tjugotal aktiva.  \r\nVi träffas på Exempelgatan 1.\n\n\n  Alla är välkomna!  "
LOCAL_AS_READ = "Vi är ett tjugotal aktiva.\nVi träffas på Exempelgatan 1.\n\nAlla är välkomna!"
SIGNATURE = "Kim Exempelsson\nMedlemsansvarig\n070-174 06 99"
MEETS = "Tisdagar 18.30\nFolkets hus, Storgatan 1"
DESCRIPTION = "Om Amnesty.\nTa med <fika>!"


def _plan(config: Config, **row: Any) -> Plan:
    groups = default_groups()
    groups[0] = {**groups[0], "meets": MEETS, "works_on": "Kampanjer\nInsamling"}
    return plan_of(
        config,
        newcomers=[newcomer(1, **row)],
        groups=groups,
        texts=[
            {"key": "lokal_information", "text": LOCAL},
            {"key": "signatur", "text": SIGNATURE},
        ],
        trainings=[
            {
                "date": TODAY + dt.timedelta(days=9),
                "time": "18.00",
                "title": "Grundutbildning",
                "description": DESCRIPTION,
            }
        ],
    )


def _parts(config: Config, plan: Plan, kind: str) -> tuple[str, str]:
    letter = next(
        letter for delivery in plan.deliveries for letter in delivery.letters if letter.kind == kind
    )
    data = build(Renderer(REPO / "templates"), letter, plan.shared, config, NOW, "ID1").data
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return (
        str(text.get_content()).replace("\r\n", "\n"),
        str(html.get_content()).replace("\r\n", "\n"),
    )


def test_a_local_text_on_several_lines_keeps_them_in_text_and_becomes_paragraphs_in_html(
    config: Config,
) -> None:
    text, html = _parts(config, _plan(config), "welcome")
    assert f"\n\n{LOCAL_AS_READ}\n\n" in text
    assert (
        "<p>Vi är ett tjugotal aktiva.<br>\nVi träffas på Exempelgatan 1.</p>\n"
        "<p>Alla är välkomna!</p>"
    ) in html


def test_a_training_description_and_the_signature_keep_their_lines(config: Config) -> None:
    text, html = _parts(config, _plan(config), "welcome")
    assert "  Om Amnesty.\n  Ta med <fika>!\n" in text
    assert "<br>Om Amnesty.<br>\nTa med &lt;fika&gt;!" in html  # still escaped
    assert SIGNATURE in text
    assert "Kim Exempelsson<br>\nMedlemsansvarig<br>\n070-174 06 99" in html


def test_a_groups_meeting_time_and_work_keep_their_lines_in_the_introduction(
    config: Config,
) -> None:
    plan = _plan(config, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen")
    assert deliveries_of(plan, "introduction")
    text, html = _parts(config, plan, "introduction_newcomer")
    assert "  Gruppen träffas: Tisdagar 18.30\n    Folkets hus, Storgatan 1\n" in text
    assert "  Gruppen arbetar med: Kampanjer\n    Insamling\n" in text
    assert "<td>Tisdagar 18.30<br>\nFolkets hus, Storgatan 1</td>" in html
    assert "<td>Kampanjer<br>\nInsamling</td>" in html
