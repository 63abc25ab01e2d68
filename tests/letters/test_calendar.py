"""Calendar invitations for trainings: one .ics part per training, parseable, in local time."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from medlemsrutiner.letters.calendar import uid
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Group, Letter, Person, Shared, Training
from tests.support import NOW, REPO, make_config

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _training(day: dt.date, time: str = "18.00–20.00", title: str = "Grundutbildning") -> Training:
    return Training(day, time, title, "Folkets hus", "https://example.org/anmalan", "Om Amnesty")


def _letter(
    tmp_path: Path, trainings: tuple[Training, ...], kind: str = "welcome", language: str = "sv"
) -> EmailMessage:
    config = make_config(tmp_path)
    person = Person("Testa Person", "person@example.se", "", "", "", language)
    group = Group("Centrumgruppen", "Rut", "centrum@example.org", "", "", "", True, 2)
    letter = Letter(kind, language, person.email, person.name, person, group)
    built = build(Renderer(REPO / "templates"), letter, Shared({}, trainings), config, NOW, "x")
    message = email.message_from_bytes(built.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _events(message: EmailMessage) -> list[icalendar.Component]:
    found: list[icalendar.Component] = []
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            assert part.get_param("method") == "PUBLISH"
            assert str(part.get_filename()).endswith(".ics")
            calendar = icalendar.Calendar.from_ical(part.get_content())
            found.extend(calendar.walk("VEVENT"))
    return found


def test_each_training_comes_as_a_calendar_invitation_in_local_time_across_summer_time(
    tmp_path: Path,
) -> None:
    winter = _training(dt.date(2027, 3, 27))  # Saturday before the change to summer time
    summer = _training(dt.date(2027, 3, 29))  # Monday after it
    message = _letter(tmp_path, (winter, summer))
    assert message.get_content_type() == "multipart/mixed"
    first, second = _events(message)
    start, end = first.decoded("dtstart"), first.decoded("dtend")
    assert start == dt.datetime(2027, 3, 27, 18, 0, tzinfo=STOCKHOLM)
    assert end == dt.datetime(2027, 3, 27, 20, 0, tzinfo=STOCKHOLM)
    assert first["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert start.astimezone(dt.UTC).hour == 17  # CET, UTC+1
    assert second.decoded("dtstart").astimezone(dt.UTC).hour == 16  # CEST, UTC+2
    assert str(first["summary"]) == "Grundutbildning" and str(first["location"]) == "Folkets hus"


def test_the_uid_is_stable_so_a_second_letter_updates_the_same_event(tmp_path: Path) -> None:
    training = _training(dt.date(2026, 12, 12))
    (one,) = _events(_letter(tmp_path, (training,)))
    (two,) = _events(_letter(tmp_path, (training,), kind="alternatives"))
    assert str(one["uid"]) == str(two["uid"]) == uid(training)
    assert uid(_training(dt.date(2026, 12, 13))) != uid(training)


def test_a_time_that_cannot_be_read_makes_an_all_day_event(tmp_path: Path) -> None:
    (event,) = _events(_letter(tmp_path, (_training(dt.date(2026, 12, 12), "eftermiddag"),)))
    assert event.decoded("dtstart") == dt.date(2026, 12, 12)
    assert event.decoded("dtend") == dt.date(2026, 12, 13)


def _files(message: EmailMessage) -> list[tuple[str, str]]:
    """(file name, PRODID) of each calendar part."""
    return [
        (str(part.get_filename()), str(icalendar.Calendar.from_ical(part.get_content())["prodid"]))
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def test_the_same_training_has_the_same_uid_in_a_swedish_and_an_english_letter(
    tmp_path: Path,
) -> None:
    training = _training(dt.date(2026, 12, 12), "kl 18-20")
    (swedish,) = _events(_letter(tmp_path, (training,)))
    (english,) = _events(_letter(tmp_path, (training,), language="en"))
    assert str(swedish["uid"]) == str(english["uid"]) == uid(training)
    assert english.decoded("dtstart") == dt.datetime(2026, 12, 12, 18, tzinfo=STOCKHOLM)
    assert english.decoded("dtend") == dt.datetime(2026, 12, 12, 20, tzinfo=STOCKHOLM)


def test_each_invitation_has_a_file_name_of_its_own_in_the_letters_language(
    tmp_path: Path,
) -> None:
    day, other = dt.date(2027, 1, 14), dt.date(2027, 1, 21)
    trainings = (_training(day, "10-12"), _training(day, "18-20", "Fördjupning"), _training(other))
    assert _files(_letter(tmp_path, trainings)) == [
        ("utbildning-2027-01-14-1.ics", "-//medlemsrutiner//Amnesty//SV"),
        ("utbildning-2027-01-14-2.ics", "-//medlemsrutiner//Amnesty//SV"),
        ("utbildning-2027-01-21.ics", "-//medlemsrutiner//Amnesty//SV"),
    ]
    assert _files(_letter(tmp_path, trainings, language="en")) == [
        ("training-2027-01-14-1.ics", "-//medlemsrutiner//Amnesty//EN"),
        ("training-2027-01-14-2.ics", "-//medlemsrutiner//Amnesty//EN"),
        ("training-2027-01-21.ics", "-//medlemsrutiner//Amnesty//EN"),
    ]


def test_letters_to_group_contacts_carry_no_invitations(tmp_path: Path) -> None:
    message = _letter(tmp_path, (_training(dt.date(2026, 12, 12)),), kind="introduction_group")
    assert _events(message) == []
