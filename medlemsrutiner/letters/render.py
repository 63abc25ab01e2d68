"""Letters rendered from templates into proper MIME messages. Reads template files; no network.

Templates live in `<templates>/<language>/<letter>/{subject.txt, body.txt, body.html}` and are
rendered in a sandbox with StrictUndefined (a misspelt variable is an error, not a blank) and
autoescaping for HTML only. Each letter becomes a stdlib EmailMessage: a hand-written plain-text
part and an HTML alternative, a unique Message-ID, a Date in the coordinator's time zone, From
with a display name, and Reply-To. `OutgoingEmail.data` holds exactly the bytes SMTP sends and
the outbox writes.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import idna
import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from medlemsrutiner.config import Config
from medlemsrutiner.errors import TemplateError
from medlemsrutiner.letterfile import LetterRecord
from medlemsrutiner.letters import calendar
from medlemsrutiner.letters.language import (
    clock,
    group_in,
    long_date,
    past_day,
    period,
    training_in,
    weeks_between,
)
from medlemsrutiner.plan import Letter, Shared, Training
from medlemsrutiner.sheet.letter_kinds import letter_kind, letter_kinds
from medlemsrutiner.sheet.words import (
    LANGUAGE_NEUTRAL_TEXT_KEYS,
    LANGUAGES,
    TEXT_KEYS,
    Alternative,
)
from medlemsrutiner.wording import count, date_range, word

PARTS = ("subject.txt", "body.txt", "body.html")

_LINK = re.compile(
    r"^(?:https?://[^\s<>\"'\x00-\x1f]+|mailto:[^\s<>\"'\x00-\x1f]+@[^\s<>\"'\x00-\x1f]+)$"
)


def is_link(value: object) -> bool:
    """Whether a text from the workbook may become a clickable link: http(s) and mailto only.
    Anything else (`javascript:…`, `data:…`) is shown as text, never made live."""
    return isinstance(value, str) and bool(_LINK.match(value.strip()))


@dataclass(frozen=True)
class OutgoingEmail:
    """A rendered letter ready for a transport."""

    message: EmailMessage
    data: bytes
    sender: str
    recipient: str
    label: str
    """Names the letter in the send journal and logs without personal data: `ID17-welcome`."""
    record: LetterRecord
    """What the letter's file records if it is kept as one (the outbox transport)."""


class Renderer:
    """Renders letters with one sandboxed jinja2 environment per template folder."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.environment = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(templates)),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html",), default_for_string=False, default=False
            ),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.filters["long_date"] = long_date
        self.environment.filters["past_day"] = past_day
        self.environment.filters["clock"] = clock
        self.environment.filters["period"] = period
        self.environment.filters["weeks_between"] = weeks_between
        # `{{ n|counted("row", "sv") }}` is `1 rad` / `3 rader`; `noun` gives the word alone.
        self.environment.filters["counted"] = count
        self.environment.filters["noun"] = word
        self.environment.filters["date_range"] = date_range
        self.environment.filters["paragraphs"] = paragraphs
        self.environment.filters["br"] = line_breaks
        self.environment.filters["one_line"] = one_line
        self.environment.tests["link"] = is_link

    def render_part(self, language: str, kind: str, part: str, context: Mapping[str, Any]) -> str:
        name = f"{language}/{kind}/{part}"
        try:
            return self.environment.get_template(name).render(context)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"Mallen {self.templates / name} saknas.") from None
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"Mallen {name} har ett syntaxfel på rad {error.lineno}: {error.message}"
            ) from None
        except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as error:
            raise TemplateError(f"Mallen {name} går inte att fylla i: {error}") from None

    def check(self, sample: Mapping[str, Any]) -> None:
        """Render every template of every language with `sample`; TemplateError if one fails."""
        for language in LANGUAGES:
            for kind in letter_kinds():
                for part in PARTS:
                    self.render_part(language, kind.name, part, sample)


def ascii_address(address: str) -> str:
    """`address` with its domain in IDNA form (`kim@åre.example` -> `kim@xn--re-xia.example`).

    SMTP envelopes and address headers carry ASCII domains only. Raises ValueError when the
    domain is not a valid internationalised domain name.
    """
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        # idna's message quotes the domain: personal data, so it stays out of cells and Logg.
        raise ValueError("domänen är inte ett giltigt internationellt domännamn") from None


def _header_address(address: str) -> str:
    # Without this the email package writes a non-ASCII domain as an encoded word, which no
    # mail program reads as an address. An unencodable one is left as it is: the SMTP
    # transport refuses that letter on its own, and the run goes on.
    try:
        return ascii_address(address)
    except ValueError:
        return address


def texts_for(language: str, shared: Shared) -> dict[str, str]:
    """The Texter texts a letter in `language` shows: Swedish letters `Text`, English letters
    `Text (en)` — empty when there is none, so the paragraph is left out, never shown in
    Swedish. Only the keys that read the same in every language (a link) fall back to `Text`."""
    swedish = dict.fromkeys(TEXT_KEYS, "") | dict(shared.texts)
    if language == "sv":
        return swedish
    english = dict.fromkeys(TEXT_KEYS, "") | dict(shared.texts_en)
    for key in LANGUAGE_NEUTRAL_TEXT_KEYS:
        english[key] = english[key] or swedish[key]
    return english


def paragraphs(text: str) -> Markup:
    """A text typed with line breaks as HTML: a paragraph per blank-line-separated block, a
    `<br>` at each other break (the plain-text part keeps the text as typed)."""
    blocks = [block for block in str(text).split("\n\n") if block.strip()]
    return Markup("\n").join(Markup("<p>%s</p>") % line_breaks(block) for block in blocks)


def one_line(text: str) -> str:
    """A text typed on several lines, said on one where a line break cannot stand (inside
    parentheses): its lines joined by `, `, or by a space after a line that ends in a mark of
    its own (`.`, `,`, `;`, `:`, `!`, `?`, `–`)."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    joined = lines[:1]
    for line in lines[1:]:
        joined.append((" " if joined[-1].endswith(tuple(".,;:!?–-")) else ", ") + line)
    return "".join(joined)


def line_breaks(text: str) -> Markup:
    """A text typed with line breaks as HTML inside one element: a `<br>` at each break."""
    return Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))


def context(letter: Letter, shared: Shared, config: Config, today: dt.date) -> dict[str, Any]:
    """What a template may use. Letter-specific values plus the run's shared ones, the
    routine's periods (`routine`) and the letter's day (`today`), with the coordinator's texts
    as a letter in its language shows them (`language.group_in`, `language.training_in`)."""
    chosen = letter.chosen
    language = letter.language
    return {
        "language": language,
        "today": today,
        "routine": config.routine,
        "organisation": config.coordinator.organisation,
        "coordinator": config.coordinator,
        "texts": texts_for(language, shared),
        "trainings": [training_in(language, t) for t in trainings_for(letter, shared)],
        "newcomer": letter.newcomer,
        "group": group_in(language, letter.group) if letter.group is not None else None,
        "recipient_name": letter.to_name,
        "chosen": {
            "key": chosen.name,
            "name": chosen.value,
            "link": dict(shared.alternatives)[chosen],
        }
        if chosen
        else None,
        "alternatives": [
            {
                "key": alternative.name,
                "name": alternative.value,
                "link": link,
                "chosen": alternative is chosen,
            }
            for alternative, link in _chosen_first(shared.alternatives, chosen)
        ],
        "other_groups": [
            group_in(language, group)
            for group in shared.groups
            if letter.group is None or group.name != letter.group.name
        ],
        **dict(letter.extra),
    }


def trainings_for(letter: Letter, shared: Shared) -> tuple[Training, ...]:
    """The upcoming trainings a letter lists (and attaches as invitations): none to a person
    who has attended one (`Person.trained`: `Utbildning` filled in Intresserade, or in
    Uppföljning once they were referred) — they no longer need one."""
    if letter.newcomer is not None and letter.newcomer.trained is not None:
        return ()
    return shared.trainings


def _chosen_first(
    alternatives: tuple[tuple[Alternative, str], ...], chosen: Alternative | None
) -> list[tuple[Alternative, str]]:
    return sorted(alternatives, key=lambda pair: pair[0] is not chosen)


DISPLAY_NAME_LIMIT = 64
SUBJECT_LIMIT = 150
"""Where a cell's text goes into a header it is shortened to this many characters: the email
package folds a long non-ASCII header in time that grows faster than its length (a 2 000-letter
name took seconds per letter), and no mail program shows more anyway. The body keeps it whole."""


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with `…` where it was cut."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def build(
    renderer: Renderer,
    letter: Letter,
    shared: Shared,
    config: Config,
    now: dt.datetime,
    label: str,
    record: LetterRecord | None = None,
) -> OutgoingEmail:
    """Render `letter` into an EmailMessage dated `now` (an aware datetime). `record`: what its
    file records (by default its kind and the IDs it names)."""
    values = context(letter, shared, config, now.astimezone(config.zone).date())
    subject = shorten(
        renderer.render_part(letter.language, letter.kind, "subject.txt", values), SUBJECT_LIMIT
    )
    text = renderer.render_part(letter.language, letter.kind, "body.txt", values)
    html = renderer.render_part(letter.language, letter.kind, "body.html", values)

    mail = config.mail
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["From"] = Address(
        display_name=shorten(mail.from_name, DISPLAY_NAME_LIMIT),
        addr_spec=_header_address(mail.from_address),
    )
    message["To"] = Address(
        display_name=shorten(letter.to_name, DISPLAY_NAME_LIMIT),
        addr_spec=_header_address(letter.to_address),
    )
    message["Reply-To"] = Address(
        display_name=shorten(config.coordinator.name, DISPLAY_NAME_LIMIT),
        addr_spec=_header_address(mail.reply_to),
    )
    message["Date"] = format_datetime(now.astimezone(config.zone))
    message["Message-ID"] = make_msgid(
        domain=_header_address(mail.from_address).rpartition("@")[2] or None
    )
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if letter.images:
        html_part = message.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        for name, png in letter.images:
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{name}>")
    registered = letter_kind(letter.kind)
    if registered is not None and registered.carries_trainings:
        listed = trainings_for(letter, shared)
        names = calendar.file_names(listed, letter.language)
        for training, name in zip(listed, names, strict=True):
            shown = training_in(letter.language, training)  # the time as typed: the UID's
            message.add_attachment(
                calendar.training_ics(shown, config.zone, now, mail.reply_to, letter.language),
                subtype="calendar",
                charset="utf-8",
                cte="quoted-printable",
                filename=name,
                params={"method": "PUBLISH"},
            )
    # After the content: set_content() removes every Content-* header set before it.
    message["Content-Language"] = letter.language
    return OutgoingEmail(
        message=message,
        data=message.as_bytes(policy=email.policy.SMTP),
        sender=mail.from_address,
        recipient=letter.to_address,
        label=label,
        record=record or LetterRecord(letter.kind, names=letter.names),
    )
