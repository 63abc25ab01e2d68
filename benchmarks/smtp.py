"""How fast the SMTP transport sends, and over how many connections: 500 letters to a local
SMTP server.

Renders 500 welcome letters to invented people, then sends them through the real
`SmtpTransport` (login included) to aiosmtpd on 127.0.0.1 (tests/smtp_server.py), which
counts the connections it accepts. Once with the plain smtplib login, once with the Gmail
login through yagmail. Prints a markdown table. Run from the repository root:

    .venv/bin/python benchmarks/smtp.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from medlemsrutiner.adapters.smtp import open_smtp_transport
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import OutgoingEmail, Renderer, build
from medlemsrutiner.plan import Letter, Person, Sent, Shared
from tests.fakes.smtp_server import PASSWORD, LocalSmtpServer
from tests.support import REPO, make_config

EMAILS = 500
NOW = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def letters(config: Config) -> list[OutgoingEmail]:
    """EMAILS welcome letters to invented people, rendered as a run renders them."""
    renderer = Renderer(REPO / "templates")
    shared = Shared(texts={}, trainings=())
    emails = []
    for number in range(EMAILS):
        person = Person(
            name=f"Testa Påhittad{number}",
            email=f"person{number}@example.se",
            phone="070-174 06 50",
            town="Exempelby",
            interests="",
            language="sv",
        )
        letter = Letter("welcome", "sv", person.email, person.name, person)
        emails.append(build(renderer, letter, shared, config, NOW, label=f"ID{number}-welcome"))
    return emails


def measure(gmail: bool) -> tuple[int, int, float]:
    """(emails the server received, connections it accepted, seconds) for one run."""
    with tempfile.TemporaryDirectory() as folder, LocalSmtpServer(auth=True) as server:
        config = make_config(
            Path(folder),
            mail={"transport": "smtp", "smtp": server.smtp_settings(gmail=gmail)},
        )
        emails = letters(config)
        transport = open_smtp_transport(config, {"MEDLEMSRUTINER_SMTP_PASSWORD": PASSWORD})
        started = time.perf_counter()
        with transport:
            outcomes = [transport.send(email) for email in emails]
        seconds = time.perf_counter() - started
        if not all(isinstance(outcome, Sent) for outcome in outcomes):
            raise SystemExit(f"not every letter was sent: {set(map(repr, outcomes))}")
        return len(server.received), server.connections, seconds


def main() -> None:
    print("| emails | connections | seconds | emails/s | login |")
    print("|---:|---:|---:|---:|:---|")
    for gmail, login in ((False, "smtplib"), (True, "Gmail (yagmail)")):
        received, connections, seconds = measure(gmail)
        print(
            f"| {received} | {connections} | {seconds:.2f} | {received / seconds:.0f} | {login} |"
        )


if __name__ == "__main__":
    main()
