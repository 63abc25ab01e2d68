"""Letters as real MIME messages, rendered from the shipped templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.header
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.config import Config
from medlemsrutiner.errors import TemplateError
from medlemsrutiner.letterfile import LetterRecord
from medlemsrutiner.letters.preview import sample_letters, sample_shared
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Letter, Person, Shared, Training
from medlemsrutiner.sheet.words import Alternative
from tests.support import NOW, TODAY, followup_of, make_config, plan_of

DAY = dt.timedelta(days=1)


def sample(config: Config, kind: str, language: str = "sv") -> tuple[Letter, Shared]:
    """The sample letter of `kind` in `language`."""
    for letter in sample_letters(language):
        if letter.kind == kind:
            return letter, sample_shared(TODAY)
    raise AssertionError(kind)


def every_sample() -> list[tuple[Letter, Shared]]:
    return [
        (letter, sample_shared(TODAY))
        for language in ("sv", "en")
        for letter in sample_letters(language)
    ]


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _alternative(message: EmailMessage) -> EmailMessage:
    """The multipart/alternative of a letter: the message itself, or its first part when the
    letter carries attachments (calendar invitations)."""
    if message.get_content_type() == "multipart/mixed":
        first = next(iter(message.iter_parts()))
        assert isinstance(first, EmailMessage)
        return first
    return message


def test_every_letter_in_both_languages_is_multipart_alternative_with_text_first(
    config: Config, renderer: Renderer
) -> None:
    for letter, shared in every_sample():
        message = parse(build(renderer, letter, shared, config, NOW, "ID1-x").data)
        alternative = _alternative(message)
        assert alternative.get_content_type() == "multipart/alternative"
        kinds = [part.get_content_type() for part in alternative.iter_parts()]
        assert kinds in (["text/plain", "text/html"], ["text/plain", "multipart/related"])
        assert all(
            part.get_content_charset() == "utf-8"
            for part in alternative.walk()
            if part.get_content_maintype() == "text"
        )
        text, html = parts(message)
        assert "<" not in text and html.lstrip().startswith("<!DOCTYPE html>")
        assert text.strip() and "{{" not in text and "{%" not in text


def test_headers_name_the_sender_reply_to_date_and_a_unique_message_id(
    config: Config, renderer: Renderer
) -> None:
    letter, shared = every_sample()[0]
    first = parse(build(renderer, letter, shared, config, NOW, "a").data)
    second = parse(build(renderer, letter, shared, config, NOW, "b").data)
    assert str(first["From"]) == "Kim Exempelsson <medlemsansvarig@example.org>"
    assert first["Reply-To"].addresses[0].addr_spec == "medlemsansvarig@example.org"
    assert first["Date"] == "Tue, 24 Nov 2026 07:00:00 +0100"
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Message-ID"].endswith("@example.org>")


def test_swedish_letters_keep_a_with_ring_and_umlauts_everywhere(
    config: Config, renderer: Renderer
) -> None:
    person = Person("Åsa Öberg-Ängström", "asa@example.se", "", "Västerås", "", "sv")
    letter = Letter("welcome", "sv", person.email, person.name, person)
    message = parse(build(renderer, letter, Shared({}, ()), config, NOW, "x").data)
    text, html = parts(message)
    assert message["Subject"] == "Välkommen till Amnesty Exempelstad!"
    assert str(message["To"]) == "Åsa Öberg-Ängström <asa@example.se>"
    assert "Hej Åsa!" in text and "Hej Åsa!" in html and "Tack för att du vill engagera dig" in text


def test_subjects_never_carry_personal_data(config: Config, renderer: Renderer) -> None:
    for letter, shared in every_sample():
        subject = parse(build(renderer, letter, shared, config, NOW, "x").data)["Subject"]
        for private in ("Exempel Påhittadsson", "exempel.pahittadsson@example.se", "070-174 06 42"):
            assert private not in subject


def test_html_escapes_what_people_typed_and_text_keeps_it_as_typed(
    config: Config, renderer: Renderer
) -> None:
    person = Person('<script>alert("x")</script> & Co', "a@example.se", "", "", "", "sv")
    letter = Letter("welcome", "sv", person.email, person.name, person)
    text, html = parts(parse(build(renderer, letter, Shared({}, ()), config, NOW, "x").data))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Hej <script>alert" in text


def test_texts_and_upcoming_trainings_appear_in_the_letters(
    config: Config, renderer: Renderer
) -> None:
    letter, shared = sample(config, "welcome")
    text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    assert "Vi är ett tjugotal aktiva i Exempelstad" in text
    assert "https://example.org/aktion" in text and 'href="https://example.org/aktion"' in html
    assert (
        "Grundutbildning för nya medlemmar (exempel) – söndag 6 december 2026 kl. 18.00–20.00, "
        "Exempelgatan 1, Exempelstad" in text
    )


def test_the_alternatives_letter_gives_every_link_with_the_chosen_one_first(
    config: Config, renderer: Renderer
) -> None:
    letter, shared = sample(config, "alternatives")
    assert letter.chosen is Alternative.FLASH_ACTIONS
    text, _ = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    links = [line for line in text.splitlines() if line.startswith("http")]
    assert links == [
        "https://aktivism.amnesty.se/arbetsformer/blixtaktioner/",
        "https://aktivism.amnesty.se/grupper-och-distrikt/starta-en-ny-grupp/",
        "https://aktivism.amnesty.se/arbetsformer/agera-pa-egen-hand/",
        "https://www.amnesty.se/engagera-dig/agera/aktioner/",
    ]
    assert "Det vi pratade om – Blixtaktioner" in text


def test_the_group_letter_carries_the_newcomers_details_and_the_newcomer_the_groups(
    config: Config, renderer: Renderer
) -> None:
    letters = {
        kind: sample(config, kind) for kind in ("introduction_group", "introduction_newcomer")
    }
    to_group, _ = parts(
        parse(build(renderer, *letters["introduction_group"], config, NOW, "x").data)
    )
    to_newcomer, _ = parts(
        parse(build(renderer, *letters["introduction_newcomer"], config, NOW, "x").data)
    )
    assert "exempel.pahittadsson@example.se" in to_group and "070-174 06 42" in to_group
    assert "exempelgruppen@example.org" in to_newcomer
    assert "Tisdagar 18.30, Exempelgatan 1" in to_newcomer


def test_english_letters_come_from_the_english_templates(
    config: Config, renderer: Renderer
) -> None:
    letter, shared = sample(config, "welcome", "en")
    message = parse(build(renderer, letter, shared, config, NOW, "x").data)
    assert message["Subject"] == "Welcome to Amnesty Exempelstad!"
    assert message["Content-Language"] == "en"


def test_a_misspelt_variable_is_an_error_not_a_blank(config: Config, tmp_path: Path) -> None:
    folder = tmp_path / "sv" / "welcome"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Hej {{ nykomling.namn }}", encoding="utf-8")
    letter, shared = every_sample()[0]
    with pytest.raises(TemplateError, match=r"sv/welcome/subject\.txt går inte att fylla i"):
        build(Renderer(tmp_path), letter, shared, config, NOW, "x")


def test_templates_run_in_a_sandbox(config: Config, tmp_path: Path) -> None:
    folder = tmp_path / "sv" / "welcome"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text(
        "{{ newcomer.__class__.__init__.__globals__ }}", encoding="utf-8"
    )
    letter, shared = every_sample()[0]
    with pytest.raises(TemplateError):
        build(Renderer(tmp_path), letter, shared, config, NOW, "x")


def test_the_outbox_file_holds_exactly_the_bytes_smtp_would_send(
    config: Config, renderer: Renderer, tmp_path: Path
) -> None:
    letter, shared = every_sample()[0]
    outgoing = build(renderer, letter, shared, config, NOW, "x", LetterRecord("welcome", 4))
    outbox = Outbox(tmp_path / "ut", NOW)
    with outbox:
        outbox.send(outgoing)
    (path,) = outbox.written
    assert path.read_bytes() == outgoing.data
    assert path.name == "20261124T070000-0001-ID4-welcome.eml"  # nothing recorded beside it
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert b"\r\n" in outgoing.data and b"\n\n" not in outgoing.data.replace(b"\r\n", b"")


def test_every_link_to_the_alternatives_is_https(config: Config, renderer: Renderer) -> None:
    letter, shared = sample(config, "alternatives")
    text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    assert all(link.startswith("https://") for _, link in shared.alternatives)
    assert "http://" not in text and "http://" not in html


def test_a_training_whose_title_has_a_colon_gives_one_colon_per_line_in_plain_text(
    config: Config, renderer: Renderer
) -> None:
    letter, shared = sample(config, "welcome")
    training = Training(
        date=TODAY + dt.timedelta(days=3),
        time="18.00–19.30",
        title="Skriv för frihet: brevkväll",
        place="Café Exemplet",
        signup="",
        description="",
    )
    shared = dataclasses.replace(shared, trainings=(training,))
    text, _ = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    [line] = [line for line in text.splitlines() if "brevkväll" in line]
    assert (
        line
        == "- Skriv för frihet: brevkväll – fredag 27 november 2026 kl. 18.00–19.30, Café Exemplet"
    )
    assert "::" not in text and line.count(":") == 1


def test_a_group_without_a_contact_name_is_never_called_its_own_contact_person(
    config: Config, renderer: Renderer
) -> None:
    for language in ("sv", "en"):
        letter, shared = sample(config, "introduction_newcomer", language)
        assert letter.group is not None
        nameless = dataclasses.replace(letter, group=dataclasses.replace(letter.group, contact=""))
        text, html = parts(parse(build(renderer, nameless, shared, config, NOW, "x").data))
        for body in (text, html):
            assert "kontaktperson är gruppens kontaktperson" not in body
            assert "contact person is the group's contact person" not in body
        heading = (
            "Gruppens kontaktuppgifter:" if language == "sv" else "The group's contact details:"
        )
        assert heading in text.splitlines()
        named, _ = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
        contact = f"{letter.group.contact}:"
        [line] = [line for line in named.splitlines() if line.endswith(contact)]
        assert named.splitlines()[named.splitlines().index(line) + 1].startswith("  ")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]
)
def test_a_link_that_is_not_http_or_mailto_is_shown_as_text_never_made_clickable(
    config: Config, renderer: Renderer, link: str
) -> None:
    letter, shared = sample(config, "welcome")
    training = dataclasses.replace(shared.trainings[0], signup=link)
    texts = {**shared.texts, "aktuell_aktion_länk": link}
    shared = dataclasses.replace(shared, texts=texts, trainings=(training,))
    text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    assert "href" not in html.replace('href="https://', "").replace('href="mailto:', "")
    assert link.strip() in text


def test_https_and_mailto_links_stay_clickable(config: Config, renderer: Renderer) -> None:
    letter, shared = sample(config, "welcome")
    training = dataclasses.replace(shared.trainings[0], signup="mailto:kurs@example.org")
    shared = dataclasses.replace(shared, trainings=(training,))
    _, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    assert 'href="mailto:kurs@example.org"' in html
    assert 'href="https://example.org/aktion"' in html


def test_a_very_long_name_is_shortened_in_the_headers_only(
    config: Config, renderer: Renderer
) -> None:
    name = "Åsa-Öllegård Ärlighetsdóttir " * 200
    person = Person(name, "asa@example.se", "", "", "", "sv")
    letter = Letter("welcome", "sv", person.email, person.name, person)
    message = parse(build(renderer, letter, Shared({}, ()), config, NOW, "x").data)
    # Decoded by RFC 2047 (the email package's own parser puts a space where a header folds
    # between two encoded words).
    raw = email.message_from_bytes(build(renderer, letter, Shared({}, ()), config, NOW, "x").data)
    display = str(email.header.make_header(email.header.decode_header(raw["To"])))
    assert display.endswith("<asa@example.se>")
    shown = display.removesuffix(" <asa@example.se>")
    assert len(shown) <= 64 and shown.endswith("…")
    assert shown.startswith("Åsa-Öllegård Ärlighetsdóttir Åsa-Öllegård")
    text, _ = parts(message)
    assert text.startswith("Hej Åsa-Öllegård!")


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("contact", ["called", "introduction", "alternatives", "not_reached"])
def test_a_welcome_never_promises_a_call_that_already_happened_or_was_tried(
    config: Config, renderer: Renderer, language: str, contact: str
) -> None:
    letter, shared = sample(config, "welcome", language)
    letter = dataclasses.replace(
        letter, extra=(("contact", contact), ("group_name", "Centrumgruppen"))
    )
    text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
    for part in (text, html):
        assert "ringer jag dig" not in part and "I will give you a call" not in part
        assert ("Centrumgruppen" in part) is (contact == "introduction")


@pytest.mark.parametrize(
    ("days", "swedish", "english"),
    [
        (3, "Inom 3 dagar ringer jag dig", "Within 3 days I will give you a call"),
        (7, "Inom en vecka ringer jag dig", "Within a week I will give you a call"),
        (10, "Inom 10 dagar ringer jag dig", "Within 10 days I will give you a call"),
    ],
)
def test_a_welcome_before_the_call_promises_it_within_the_configured_days(
    tmp_path: Path, renderer: Renderer, days: int, swedish: str, english: str
) -> None:
    config = make_config(tmp_path, routine={"call_within_days": days})
    for language, promise in (("sv", swedish), ("en", english)):
        letter, shared = sample(config, "welcome", language)
        letter = dataclasses.replace(letter, extra=(("contact", "none"), ("group_name", "")))
        text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
        assert promise in text and promise in html


@pytest.mark.parametrize("kind", ["alternatives", "introduction_newcomer", "introduction_group"])
def test_the_follow_up_call_is_announced_in_the_configured_weeks(
    tmp_path: Path, renderer: Renderer, kind: str
) -> None:
    config = make_config(tmp_path, routine={"follow_up_from_weeks": 5, "follow_up_by_weeks": 7})
    for language, window in (
        ("sv", "Om 5–7 veckor ringer jag"),
        ("en", "In 5–7 weeks I will call"),
    ):
        letter, shared = sample(config, kind, language)
        text, html = parts(parse(build(renderer, letter, shared, config, NOW, "x").data))
        for part in (text, html):
            assert window in part
            assert not re.search(r"\b(?:8–10|åtta|eight|tio|ten)\b", part)


@pytest.mark.parametrize(
    ("language", "days", "said"),
    [
        ("sv", 7, "Hör gärna av dig inom 7 dagar"),
        ("sv", 3, "Hör gärna av dig inom 3 dagar"),
        ("sv", 1, "Hör gärna av dig inom 1 dag "),
        ("en", 7, "Do get in touch within 7 days"),
        ("en", 1, "Do get in touch within 1 day "),
    ],
)
def test_the_reengagement_letter_says_how_long_the_person_has_to_answer(
    tmp_path: Path, renderer: Renderer, language: str, days: int, said: str
) -> None:
    config = make_config(tmp_path, routine={"erase_after_result_days": days})
    row = {
        **followup_of(1, TODAY - 9 * 7 * DAY),
        "followed_up": TODAY,
        "result": "Inte aktiv",
        "language": language,
    }
    for consent, erased in ((None, True), (TODAY - 30 * DAY, False)):
        plan = plan_of(config, followups=[{**row, "consent": consent}])
        (delivery,) = plan.deliveries
        (letter,) = delivery.letters
        built = build(renderer, letter, plan.shared, config, NOW, "x")
        for part in parts(parse(built.data)):
            flat = " ".join(part.split())
            assert (said in flat) is erased, flat
            words = "raderar vi dina kontaktuppgifter" if language == "sv" else "we erase your"
            assert (words in flat) is erased  # a consent keeps the details: no such promise
