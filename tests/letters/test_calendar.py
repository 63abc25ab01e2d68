"""Calendar invitations for trainings: one .ics part per training, parseable, in local time."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from medlemsrutiner.letters.calendar import times, uid
from medlemsrutiner.letters.render import Renderer, build
from medlemsrutiner.plan import Group, Letter, Person, Shared, Training
from tests.support import NOW, REPO, make_config

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _training(day: dt.date, time: str = "18.00–20.00", title: str = "Grundutbildning") -> Training:
    return Training(day, time, title, "Folkets hus", "https://example.org/anmalan", "Om Amnesty")


def _letter(tmp_path: Path, trainings: tuple[Training, ...], kind: str = "welcome") -> EmailMessage:
    config = make_config(tmp_path)
    person = Person("Testa Person", "person@example.se", "", "", "", "sv")
    group = Group("Centrumgruppen", "Rut", "centrum@example.org", "", "", "", True, 2)
    letter = Letter(kind, "sv", person.email, person.name, person, group)
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


def test_times_are_read_as_people_type_them() -> None:
    assert times("18.00–20.00") == (dt.time(18), dt.time(20))
    assert times("kl. 9:30") == (dt.time(9, 30), None)
    assert times("18-17") == (dt.time(18), None)  # an end before the start
    assert times("") is None


def test_letters_to_group_contacts_carry_no_invitations(tmp_path: Path) -> None:
    message = _letter(tmp_path, (_training(dt.date(2026, 12, 12)),), kind="introduction_group")
    assert _events(message) == []
