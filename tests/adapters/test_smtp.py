"""Real email delivery over SMTP, against a real SMTP server on 127.0.0.1 (aiosmtpd).

The daily routine runs end to end (an in-memory workbook, and once a real .xlsx file) and the
tests look at what the server received and what the workbook holds afterwards.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import ssl
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yagmail.oauth2

from medlemsrutiner.adapters.smtp import classify, open_smtp_transport
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import MailError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from tests.fakes.memory_workbook import Grids, MemoryWorkbook
from tests.fakes.smtp_server import (
    PASSWORD,
    USERNAME,
    LocalSmtpServer,
    LocalTokenServer,
    Script,
)
from tests.fakes.transports import Crash, CrashingTransport
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    memory_workbook,
    newcomer,
    workbook_grids,
)

DAY = dt.timedelta(days=1)
ENV = {"MEDLEMSRUTINER_SMTP_PASSWORD": PASSWORD}
RENDERER = Renderer(REPO / "templates")


def smtp_config(folder: Path, server: LocalSmtpServer, **smtp: Any) -> Config:
    mail: dict[str, Any] = {"transport": "smtp", "outbox": "outbox"}
    mail.update(smtp.pop("mail", {}))
    mail["smtp"] = server.smtp_settings(**smtp)
    return make_config(folder, mail=mail)


def run(
    workbook: MemoryWorkbook | XlsxWorkbook,
    config: Config,
    env: dict[str, str] = ENV,
    today: dt.date = TODAY,
    transport: Any = None,
) -> DailyReport:
    now = dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
    with workbook:
        return run_daily(
            workbook,
            transport or open_smtp_transport(config, env),
            RENDERER,
            config,
            today,
            now,
        )


def by_id(workbook: MemoryWorkbook, tab: str = "Intresserade") -> dict[Any, dict[str, Any]]:
    return {row["ID"]: row for row in workbook.tab(tab)}


def four_newcomers() -> MemoryWorkbook:
    """Four people due a welcome letter, registered on four days (ID 1 the oldest)."""
    return memory_workbook(
        newcomers=[newcomer(i, registered=TODAY - (5 - i) * DAY) for i in (1, 2, 3, 4)]
    )


# --- What arrives --------------------------------------------------------------------------------


def test_a_welcome_letter_arrives_with_its_swedish_text_intact(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    server = smtp_server_with_auth
    config = make_config(
        tmp_path,
        coordinator={
            "name": "Kim Exempelsson",
            "email": USERNAME,
            "phone": "070-174 06 99",
            "organisation": "Amnesty Västerås-Örebro",
        },
        mail={"transport": "smtp", "smtp": server.smtp_settings()},
    )
    workbook = memory_workbook(newcomers=[newcomer(1, name="Åsa Öberg-Ärlig")])
    report = run(workbook, config)

    [received] = server.received
    message = received.message()
    assert message["Subject"] == "Välkommen till Amnesty Västerås-Örebro!"
    assert message["To"].addresses[0].display_name == "Åsa Öberg-Ärlig"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    body = text.get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Hej Åsa!\n\nTack för att du vill engagera dig i Amnesty Västerås-Örebro!"
    )
    assert "<p>Hej Åsa!</p>" in html.get_content() and "<br>\n<br>" not in html.get_content()
    assert received.rcpt_tos == ("person1@example.se",) and received.mail_from == USERNAME
    assert report.sent == {"welcome": [1]} and by_id(workbook)[1]["Välkomstbrev"] == TODAY


def test_the_server_receives_exactly_the_bytes_the_outbox_would_write(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    config = smtp_config(tmp_path, smtp_server)
    report = run(memory_workbook(newcomers=[newcomer(1), newcomer(2)]), config)
    assert [r.data for r in smtp_server.received] == [email.data for email in report.emails]


def test_a_whole_run_uses_one_connection_and_one_login_and_gives_every_letter_its_own_id(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    server = smtp_server_with_auth
    rows = [newcomer(i) for i in range(1, 6)]
    rows.append(newcomer(6, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="Centrumgruppen"))
    run(memory_workbook(newcomers=rows), smtp_config(tmp_path, server))
    assert len(server.received) == 7
    assert server.connections == 1 and server.logins == [USERNAME]
    ids = [received.message()["Message-ID"] for received in server.received]
    assert len(set(ids)) == 7 and all(i.endswith("@example.org>") for i in ids)


def test_an_english_newcomer_receives_the_english_letter(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(1, name="Sam Example", language="en"), newcomer(2, name="Bo Exempel")]
    )
    run(workbook, smtp_config(tmp_path, smtp_server))
    letters = {r.rcpt_tos[0]: r.message() for r in smtp_server.received}
    english, swedish = letters["person1@example.se"], letters["person2@example.se"]
    assert english["Subject"] == "Welcome to Amnesty Exempelstad!"
    assert english["Content-Language"] == "en"
    assert english.get_body(("plain",)).get_content().startswith("Hi Sam,")  # type: ignore[union-attr]
    assert swedish["Subject"] == "Välkommen till Amnesty Exempelstad!"


def test_an_address_with_a_non_ascii_domain_is_sent_to_its_idna_form(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1, email="kim@exämpel.se")])
    run(workbook, smtp_config(tmp_path, smtp_server))
    [received] = smtp_server.received
    assert received.rcpt_tos == ("kim@xn--exmpel-cua.se",)
    assert received.message()["To"].addresses[0].addr_spec == "kim@xn--exmpel-cua.se"
    assert by_id(workbook)[1]["Välkomstbrev"] == TODAY


# --- What each failure leaves behind -------------------------------------------------------------


def test_a_refused_recipient_gets_a_swedish_error_in_its_stamp_cell_and_is_not_retried(
    tmp_path: Path,
) -> None:
    refusal = (
        "550 5.1.1 <person2@example.se>: The email account that you tried to reach does not exist"
    )
    with LocalSmtpServer(Script(refuse={"person2@example.se": refusal})) as server:
        config = smtp_config(tmp_path, server)
        workbook = four_newcomers()
        report = run(workbook, config)
        assert sorted(server.recipients()) == [f"person{i}@example.se" for i in (1, 3, 4)]
        assert by_id(workbook)[2]["Välkomstbrev"] == (
            "Fel 2026-11-24: mottagarens server avvisade adressen (550 5.1.1 <<adress>>: "
            "The email account that you tried to reach does not exist)"
        )
        assert "Välkomstbrev ej skickat: se cellen." in by_id(workbook)[2]["Status"]
        assert report.failed == {"welcome": [2]} and report.exit_code == 1

        again = run(workbook, config, today=TODAY + DAY)
        assert again.sent == {} and len(server.received) == 3
    logged = repr(workbook.tab("Logg")) + "\n".join(report.lines())
    assert "person2@" not in logged and "example.se" not in logged


def test_a_421_in_the_middle_of_a_run_stops_it_and_the_rest_goes_next_run(tmp_path: Path) -> None:
    script = Script(mail_replies={1: "421 4.7.0 Try again later, closing connection."})
    with LocalSmtpServer(script) as server:
        config = smtp_config(tmp_path, server)
        workbook = four_newcomers()
        report = run(workbook, config)
        assert server.recipients() == ["person1@example.se"]
        assert [by_id(workbook)[i]["Välkomstbrev"] for i in (1, 2, 3, 4)] == [
            TODAY,
            None,
            None,
            None,
        ]
        assert report.waiting == {"welcome": [2, 3, 4]} and report.exit_code == 1
        assert report.stopped is not None and report.stopped.startswith(
            "e-postservern stängde förbindelsen (421 4.7.0"
        )
        run(workbook, config, today=TODAY + DAY)
    assert sorted(server.recipients()) == [f"person{i}@example.se" for i in (1, 2, 3, 4)]
    assert all(by_id(workbook)[i]["Välkomstbrev"] in (TODAY, TODAY + DAY) for i in (1, 2, 3, 4))


def test_a_connection_dropped_between_letters_stops_the_run_and_leaves_the_rest_due(
    tmp_path: Path,
) -> None:
    with LocalSmtpServer(Script(drop_at_mail={2})) as server:
        config = smtp_config(tmp_path, server)
        workbook = four_newcomers()
        report = run(workbook, config)
        assert server.recipients() == ["person1@example.se", "person2@example.se"]
        assert [by_id(workbook)[i]["Välkomstbrev"] for i in (3, 4)] == [None, None]
        assert (
            report.stopped is not None and "förbindelsen till e-postservern bröts" in report.stopped
        )
        run(workbook, config, today=TODAY + DAY)
    assert collections.Counter(server.recipients()) == {
        f"person{i}@example.se": 1 for i in (1, 2, 3, 4)
    }
    assert server.connections == 2


def test_a_quota_error_stops_sending_and_everything_unsent_stays_due(tmp_path: Path) -> None:
    quota = "550 5.4.5 Daily user sending quota exceeded. https://support.google.com/mail/?p=x"
    with LocalSmtpServer(Script(data_replies={2: quota})) as server:
        config = smtp_config(tmp_path, server)
        workbook = four_newcomers()
        report = run(workbook, config)
        assert server.recipients() == ["person1@example.se", "person2@example.se"]
        assert [by_id(workbook)[i]["Välkomstbrev"] for i in (1, 2, 3, 4)] == [
            TODAY,
            TODAY,
            None,
            None,
        ]
        assert report.waiting == {"welcome": [3, 4]} and report.failed == {}
        assert (
            report.stopped is not None and "gräns för utskick är nådd (550 5.4.5" in report.stopped
        )
        assert any("utskicket stoppades" in line for line in report.lines())
        waiting = [e for e in workbook.tab("Logg") if e["Åtgärd"] == "välkomstbrev väntar"]
        assert [e["ID"] for e in waiting] == [3, 4]
        run(workbook, config, today=TODAY + DAY)
    assert sorted(server.recipients()) == [f"person{i}@example.se" for i in (1, 2, 3, 4)]


def test_a_wrong_password_stops_the_run_before_anything_is_written(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    config = smtp_config(tmp_path, smtp_server_with_auth)
    workbook = memory_workbook(newcomers=[newcomer(1), newcomer(None, registered=None)])
    with pytest.raises(MailError, match=r"Inloggningen till e-postservern .* misslyckades \(535"):
        run(workbook, config, env={"MEDLEMSRUTINER_SMTP_PASSWORD": "fel-losenord"})
    assert workbook.writes == [] and smtp_server_with_auth.received == []


def test_a_password_with_swedish_letters_is_refused_before_any_connection(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    config = smtp_config(tmp_path, smtp_server_with_auth)
    with pytest.raises(MailError, match="innehåller tecken som å, ä eller ö"):
        open_smtp_transport(config, {"MEDLEMSRUTINER_SMTP_PASSWORD": "hemlig-lösenord"})
    assert smtp_server_with_auth.connections == 0


def test_a_missing_password_is_a_swedish_error_before_any_connection(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    for gmail in (False, True):
        config = smtp_config(tmp_path, smtp_server_with_auth, gmail=gmail)
        with pytest.raises(MailError, match="sätt miljövariabeln MEDLEMSRUTINER_SMTP_PASSWORD"):
            open_smtp_transport(config, {"MEDLEMSRUTINER_SMTP_PASSWORD": "  "})
    assert smtp_server_with_auth.connections == 0


def test_a_letter_handed_over_whole_but_never_answered_is_kept_for_a_person_to_check(
    tmp_path: Path,
) -> None:
    with LocalSmtpServer(Script(drop_after_data={1})) as server:
        config = smtp_config(tmp_path, server)
        workbook = four_newcomers()
        report = run(workbook, config)
        second = by_id(workbook)[2]
        assert second["Välkomstbrev"].startswith(
            "Skickar… 2026-11-24: okänt om brevet kom fram (förbindelsen bröts innan servern"
        )
        assert [by_id(workbook)[i]["Välkomstbrev"] for i in (3, 4)] == [None, None]
        assert report.failed == {"welcome": [2]} and report.exit_code == 1

        run(workbook, config, today=TODAY + DAY)
        assert "KONTROLLERA Välkomstbrev" in by_id(workbook)[2]["Status"]
    # The server did get it: sending it again would have been the second copy.
    assert collections.Counter(server.recipients()) == {
        f"person{i}@example.se": 1 for i in (1, 2, 3, 4)
    }


def test_a_refusal_and_a_421_through_a_real_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    _write_xlsx(path, workbook_grids(newcomers=[newcomer(i) for i in (1, 2, 3, 4)]))
    script = Script(
        refuse={"person2@example.se": "550 5.1.1 User unknown"},
        mail_replies={2: "421 4.3.2 Service not available, closing connection"},
    )
    with LocalSmtpServer(script) as server:
        config = smtp_config(tmp_path, server)
        report = run(XlsxWorkbook(path, TAB_NAMES), config)
        stamps = _xlsx_column(path, "Välkomstbrev")
        assert stamps[1] == TODAY and stamps[3] is None and stamps[4] is None
        assert (
            stamps[2]
            == "Fel 2026-11-24: mottagarens server avvisade adressen (550 5.1.1 User unknown)"
        )
        assert report.exit_code == 1
        run(XlsxWorkbook(path, TAB_NAMES), config, today=TODAY + DAY)
        stamps = _xlsx_column(path, "Välkomstbrev")
    assert stamps[3] == stamps[4] == TODAY + DAY and stamps[2].startswith("Fel 2026-11-24")
    assert sorted(server.recipients()) == [f"person{i}@example.se" for i in (1, 3, 4)]


def _write_xlsx(path: Path, grids: dict[str, list[list[Any]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in grids.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _xlsx_column(path: Path, header: str) -> dict[int, Any]:
    """ID -> the cell under `header` in Intresserade, dates as dates."""
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        grid = workbook.read()["Intresserade"]
    headers = list(grid[0])
    values = {}
    for row in grid[1:]:
        value = row[headers.index(header)]
        values[int(row[headers.index("ID")])] = (
            value.date() if isinstance(value, dt.datetime) else value
        )
    return values


# --- Crash safety --------------------------------------------------------------------------------


def _crash_on_write(number: int) -> Callable[[Grids], None]:
    calls = {"n": 0}

    def hook(grids: Grids) -> None:
        calls["n"] += 1
        if calls["n"] == number:
            raise Crash()

    return hook


LETTERS = 5  # three welcome letters and an introduction (to the newcomer and to the group)
GUARDED_BY = {
    "person1@example.se": (1, "Välkomstbrev"),
    "person2@example.se": (2, "Välkomstbrev"),
    "person3@example.se": (3, "Välkomstbrev"),
    "person4@example.se": (4, "Introduktion"),
    "centrum@example.org": (4, "Introduktion"),
}


@pytest.mark.parametrize(
    "crash",
    ["while writing the markers"]
    + [f"before send {n}" for n in range(LETTERS)]
    + ["after the last send, while writing the stamps"],
)
def test_a_run_killed_at_any_point_never_sends_a_letter_twice_and_loses_none(
    tmp_path: Path, smtp_server: LocalSmtpServer, crash: str
) -> None:
    rows = [newcomer(i) for i in (1, 2, 3)]
    rows.append(
        newcomer(4, welcome=TODAY - 4 * DAY, call=TODAY - DAY, referred_to="Centrumgruppen")
    )
    workbook = memory_workbook(newcomers=rows)
    config = smtp_config(tmp_path, smtp_server)
    transport: Any = open_smtp_transport(config, ENV)
    if crash == "while writing the markers":
        workbook.before_write = _crash_on_write(1)
    elif crash.startswith("before send"):
        transport = CrashingTransport(transport, int(crash.rsplit(" ", 1)[1]))
    else:
        workbook.before_write = _crash_on_write(2)
    with pytest.raises(Crash):
        run(workbook, config, transport=transport)
    workbook.before_write = None

    for day in (TODAY, TODAY + DAY, TODAY + 2 * DAY):
        run(workbook, config, today=day)

    received = collections.Counter(smtp_server.recipients())
    assert all(count == 1 for count in received.values()), received
    rows_now = by_id(workbook)
    for recipient, (row_id, stamp) in GUARDED_BY.items():
        if recipient in received:
            continue
        row = rows_now[row_id]
        assert str(row[stamp]).startswith("Skickar…"), (recipient, row[stamp])
        assert f"KONTROLLERA {stamp}" in row["Status"]
    if crash == "while writing the markers":
        assert sorted(received) == sorted(GUARDED_BY)  # nothing was marked: all went next run


# --- The rolling 24-hour limit -------------------------------------------------------------------


def test_letters_over_the_rolling_daily_limit_wait_oldest_first(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    config = smtp_config(tmp_path, smtp_server, mail={"daily_limit": 5})
    log = [
        _logged("2026-11-23 06:59", "välkomstbrev skickat", 90, "sv/welcome", 1),
        _logged("2026-11-23 08:00", "introduktion skickat", 91, "sv/introduction_newcomer", 2),
        _logged("2026-11-24 05:00", "välkomstbrev skickat", 92, "sv/welcome", 1),
        _logged("2026-11-24 06:00", "välkomstbrev väntar", 93, "421 försök igen", 0),
    ]
    workbook = memory_workbook(
        newcomers=[newcomer(i, registered=TODAY - (5 - i) * DAY) for i in (1, 2, 3, 4)], log=log
    )
    report = run(workbook, config)
    assert report.sent_last_24h == 3
    assert report.sent == {"welcome": [1, 2]} and report.waiting == {"welcome": [3, 4]}
    assert [by_id(workbook)[i]["Välkomstbrev"] for i in (3, 4)] == [None, None]
    assert any(line.startswith("  dygnsgräns: 3 av högst 5") for line in report.lines())
    assert report.exit_code == 0
    logged = [(e["Detalj"], e["Brev"]) for e in workbook.tab("Logg") if e["ID"] in (1, 2)]
    assert logged == [("välkomstbrev, svenska", 1), ("välkomstbrev, svenska", 1)]

    later = run(workbook, config)  # the same day: the limit is used up
    assert later.sent == {} and later.waiting == {"welcome": [3, 4]}
    run(workbook, config, today=TODAY + DAY)
    assert sorted(smtp_server.recipients()) == [f"person{i}@example.se" for i in (1, 2, 3, 4)]


def _logged(time: str, action: str, row_id: int, detail: str, letters: int) -> dict[str, Any]:
    return {"time": time, "action": action, "id": row_id, "detail": detail, "letters": letters}


# --- Gmail ---------------------------------------------------------------------------------------


def test_gmail_logs_in_through_yagmail_with_an_app_password_pasted_with_spaces(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    server = smtp_server_with_auth
    config = smtp_config(tmp_path, server, gmail=True)
    spaced = " ".join(PASSWORD[i : i + 4] for i in range(0, 16, 4))
    workbook = memory_workbook(newcomers=[newcomer(1), newcomer(2)])
    report = run(workbook, config, env={"MEDLEMSRUTINER_SMTP_PASSWORD": spaced})
    assert report.sent == {"welcome": [1, 2]}
    assert server.logins == [USERNAME] and server.connections == 1
    assert [r.data for r in server.received] == [email.data for email in report.emails]
    due = memory_workbook(newcomers=[newcomer(3)])
    with pytest.raises(MailError, match="För Gmail behövs ett applösenord"):
        run(due, config, env={"MEDLEMSRUTINER_SMTP_PASSWORD": "fel"})


def test_gmail_with_an_oauth2_file_logs_in_with_xoauth2(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server = smtp_server_with_auth
    file = tmp_path / "gmail-oauth2.json"
    file.write_text(
        json.dumps(
            {
                "email_address": USERNAME,
                "google_client_id": "123-exempel.apps.googleusercontent.com",
                "google_client_secret": "hemlig-klient",
                "google_refresh_token": "1//exempel-fornyelse",
            }
        ),
        encoding="utf-8",
    )
    config = smtp_config(
        tmp_path, smtp_server, gmail=True, username=USERNAME, oauth2_file=str(file)
    )
    with LocalTokenServer("1//exempel-fornyelse") as google:
        monkeypatch.setattr(yagmail.oauth2, "GOOGLE_ACCOUNTS_BASE_URL", google.url)
        report = run(memory_workbook(newcomers=[newcomer(1)]), config, env={})
        assert report.sent == {"welcome": [1]} and smtp_server.logins == [USERNAME]

        file.write_text(file.read_text().replace("fornyelse", "aterkallad"), encoding="utf-8")
        revoked = smtp_config(
            tmp_path, smtp_server, gmail=True, username=USERNAME, oauth2_file=str(file)
        )
        with pytest.raises(MailError, match=r"Google förnyade inte OAuth2-nyckeln \(HTTP 400\)"):
            run(memory_workbook(newcomers=[newcomer(1)]), revoked, env={})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "finns inte"),
        ('{"installed": {"client_id": "x", "client_secret": "y"}}', "är inte yagmails OAuth2-fil"),
        ('{"google_client_id": "x"}', "saknar google_client_secret, google_refresh_token"),
        ("inte json", "går inte att läsa som JSON"),
    ],
)
def test_an_unusable_oauth2_file_is_refused_instead_of_yagmail_asking_on_the_terminal(
    tmp_path: Path, smtp_server: LocalSmtpServer, content: str | None, problem: str
) -> None:
    file = tmp_path / "gmail-oauth2.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    config = smtp_config(tmp_path, smtp_server, gmail=True, oauth2_file=str(file))
    with pytest.raises(MailError, match=problem):
        open_smtp_transport(config, {})


# --- TLS -----------------------------------------------------------------------------------------


def test_starttls_verifies_the_servers_certificate(tmp_path: Path) -> None:
    certificate, key = _self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    server = LocalSmtpServer()
    server.controller.SMTP_kwargs["tls_context"] = context
    with server:
        config = smtp_config(tmp_path, server, security="starttls")
        with pytest.raises(
            MailError, match=r"Certifikatet från e-postservern .* kunde inte verifieras"
        ):
            run(memory_workbook(newcomers=[newcomer(1)]), config)
        assert server.received == []


def test_starttls_against_a_server_without_it_is_a_clear_error(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    config = smtp_config(tmp_path, smtp_server, security="starttls")
    with pytest.raises(MailError, match="erbjuder inte STARTTLS"):
        run(memory_workbook(newcomers=[newcomer(1)]), config)


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "server.pem", folder / "server.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_path, key_path


# --- Reading the server's answers ----------------------------------------------------------------


REFUSED = "mottagarens server avvisade adressen"
REJECTED = "e-postservern avvisade brevet"
PASSING = "tillfälligt fel hos e-postservern"
CLOSED = "e-postservern stängde förbindelsen"
QUOTA = "kontots gräns för utskick är nådd"
SENDER = "e-postservern avvisade avsändaren"
ANSWERS = [
    # code, reply, stage, retry, stop, the reason starts with
    (550, "5.1.1 The email account that you tried to reach does not exist.", "rcpt", 0, 0, REFUSED),
    (554, "5.7.1 Message rejected as spam", "data", 0, 0, REJECTED),
    (552, "5.2.3 Message size limit exceeded", "data", 0, 0, REJECTED),
    (450, "4.2.1 Try again later", "rcpt", 1, 0, PASSING),
    (452, "4.2.2 The email account that you tried to reach is over quota.", "rcpt", 1, 0, PASSING),
    (451, "4.7.1 Rate limited", "mail", 1, 1, PASSING),
    (421, "4.7.0 Try again later, closing connection.", "mail", 1, 1, CLOSED),
    (550, "5.4.5 Daily user sending quota exceeded.", "mail", 1, 1, QUOTA),
    (550, "5.4.5 Daily sending quota exceeded.", "data", 1, 1, QUOTA),
    (452, "4.5.3 Your message has too many recipients.", "rcpt", 1, 1, QUOTA),
    (550, "5.7.1 Daily SMTP relay limit exceeded for user.", "rcpt", 1, 1, QUOTA),
    (553, "5.7.1 Sender address rejected: not owned by user", "mail", 1, 1, SENDER),
]


@pytest.mark.parametrize(("code", "reply", "stage", "retry", "stop", "starts"), ANSWERS)
def test_each_server_answer_means_what_the_table_in_smtp_py_says(
    code: int, reply: str, stage: Any, retry: int, stop: int, starts: str
) -> None:
    outcome = classify(code, reply.encode(), stage)
    assert (outcome.retry, outcome.stop, outcome.maybe_sent) == (bool(retry), bool(stop), False)
    assert outcome.reason.startswith(f"{starts} ({code} {reply[:5]}"), outcome.reason


def test_a_multiline_reply_becomes_one_short_line() -> None:
    reply = (
        b"5.1.1 The email account that you tried to reach does not exist. Please try\n"
        b"5.1.1 double-checking the recipient's email address for typos or\n"
        b"5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1-2 - gsmtp"
    )
    reason = classify(550, reply, "rcpt").reason
    assert reason.startswith(
        "mottagarens server avvisade adressen (550 5.1.1 The email account that you tried to "
        "reach does not exist. Please try double-checking the recipient's"
    )
    assert "\n" not in reason and len(reason) < 260


# --- What Logg and the stamp cells make of it ----------------------------------------------------


def test_an_introduction_whose_second_letter_may_have_gone_is_held_and_not_moved(
    tmp_path: Path,
) -> None:
    row = newcomer(1, welcome=TODAY - 4 * DAY, call=TODAY - DAY, referred_to="Centrumgruppen")
    with LocalSmtpServer(Script(drop_after_data={1})) as server:
        workbook = memory_workbook(newcomers=[row])
        run(workbook, smtp_config(tmp_path, server))
    stamp = by_id(workbook)[1]["Introduktion"]
    assert stamp.startswith("Skickar… 2026-11-24: okänt om brevet kom fram (")
    assert stamp.endswith("; skickat till den intresserade")
    assert by_id(workbook)[1]["E-post"] == "person1@example.se"  # not moved: a person checks
    assert workbook.tab("Uppföljning") == []
    [entry] = [e for e in workbook.tab("Logg") if e["Åtgärd"] == "introduktion osäker"]
    assert entry["Brev"] == 2  # both count against the daily limit
    assert server.recipients() == ["person1@example.se", "centrum@example.org"]


def test_an_address_whose_domain_cannot_be_used_is_flagged_and_the_run_goes_on(
    tmp_path: Path, smtp_server: LocalSmtpServer
) -> None:
    workbook = memory_workbook(newcomers=[newcomer(1, email="kim@ex_ämpel.se"), newcomer(2)])
    report = run(workbook, smtp_config(tmp_path, smtp_server))
    assert by_id(workbook)[1]["Välkomstbrev"] is None  # due again once the address is fixed
    assert by_id(workbook)[1]["Status"].startswith("Rätta E-post: e-postadressen är inte giltig.")
    assert smtp_server.recipients() == ["person2@example.se"] and report.exit_code == 1
    assert "ämpel" not in repr(workbook.tab("Logg"))


def test_a_domain_that_is_not_a_valid_idna_name_is_refused_before_sending() -> None:
    from medlemsrutiner.letters.render import ascii_address

    assert ascii_address("kim@åre.example") == "kim@xn--re-xia.example"
    with pytest.raises(ValueError, match="inte ett giltigt internationellt domännamn") as raised:
        ascii_address("kim@ex_ämpel.se")
    assert "ämpel" not in str(raised.value)


# --- From the command line ------------------------------------------------------------------------


def test_run_daily_over_smtp_exits_2_on_a_wrong_password_and_0_once_it_is_right(
    tmp_path: Path, smtp_server_with_auth: LocalSmtpServer
) -> None:
    server = smtp_server_with_auth
    (tmp_path / "config.toml").write_text(
        f"""\
timezone = "Europe/Stockholm"
start_date = 2026-01-01
[coordinator]
name = "Kim Exempelsson"
email = "{USERNAME}"
[workbook]
backend = "xlsx"
path = "arbetsbok.xlsx"
[mail]
transport = "smtp"
[mail.smtp]
host = "127.0.0.1"
port = {server.port}
security = "none"
""",
        encoding="utf-8",
    )
    _write_xlsx(tmp_path / "arbetsbok.xlsx", workbook_grids(newcomers=[newcomer(1)]))
    before = (tmp_path / "arbetsbok.xlsx").read_bytes()

    def run_daily_script(password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO / "scripts" / "run_daily.py"), "--config", "config.toml"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "MEDLEMSRUTINER_SMTP_PASSWORD": password},
        )

    wrong = run_daily_script("fel-losenord")
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert wrong.stderr.startswith("Fel: Inloggningen till e-postservern 127.0.0.1:")
    assert len(wrong.stderr.splitlines()) == 1
    assert (tmp_path / "arbetsbok.xlsx").read_bytes() == before

    right = run_daily_script(PASSWORD)
    assert right.returncode == 0, right.stderr
    assert "1 välkomstbrev skickat (ID 1)" in right.stdout
    assert "person1@" not in right.stdout + right.stderr
    assert server.recipients() == ["person1@example.se"] and server.connections == 2  # one a run


def test_an_introduction_half_sent_before_a_passing_error_sends_only_the_rest_next_run(
    tmp_path: Path,
) -> None:
    row = newcomer(1, welcome=TODAY - 4 * DAY, call=TODAY - DAY, referred_to="Centrumgruppen")
    greylisted = {"centrum@example.org": "450 4.2.0 Greylisted, try again in 5 minutes"}
    workbook = memory_workbook(newcomers=[row])
    with LocalSmtpServer(Script(refuse=greylisted)) as server:
        config = smtp_config(tmp_path, server)
        report = run(workbook, config)
        assert server.recipients() == ["person1@example.se"]
    assert by_id(workbook)[1]["Introduktion"] == (
        "Delvis skickat 2026-11-24: kvar till gruppens kontaktperson"
    )
    assert report.waiting == {"introduction": [1]} and report.failed == {}
    assert "resten skickas vid nästa körning" in by_id(workbook)[1]["Status"]
    with LocalSmtpServer() as server:
        config = smtp_config(tmp_path, server)
        second = run(workbook, config, today=TODAY + DAY)
        assert server.recipients() == ["centrum@example.org"]  # only the rest, never twice
    assert second.sent == {"introduction": [1]}
    assert by_id(workbook)[1]["Introduktion"] == TODAY + DAY
    assert by_id(workbook, "Uppföljning")[1]["E-post"] == "person1@example.se"


def test_an_introduction_half_sent_before_a_refusal_is_held_for_a_person(tmp_path: Path) -> None:
    row = newcomer(1, welcome=TODAY - 4 * DAY, call=TODAY - DAY, referred_to="Centrumgruppen")
    refused = {"centrum@example.org": "550 5.1.1 <centrum@example.org>: no such user"}
    workbook = memory_workbook(newcomers=[row])
    with LocalSmtpServer(Script(refuse=refused)) as server:
        report = run(workbook, smtp_config(tmp_path, server))
        again = run(workbook, smtp_config(tmp_path, server), today=TODAY + DAY)
        assert server.recipients() == ["person1@example.se"]
    stamp = by_id(workbook)[1]["Introduktion"]
    assert stamp.startswith("Delvis skickat 2026-11-24: kvar till gruppens kontaktperson – fel:")
    assert "centrum@example.org" not in stamp
    assert report.failed == {"introduction": [1]} and report.exit_code == 1
    assert again.sent == {} and "Töm den inte" in by_id(workbook)[1]["Status"]


def test_security_ssl_defaults_to_port_465_and_starttls_to_587(tmp_path: Path) -> None:
    def port(**smtp: Any) -> int:
        config = make_config(tmp_path, mail={"transport": "smtp", "smtp": {"gmail": True, **smtp}})
        assert config.mail.smtp is not None
        return config.mail.smtp.port

    assert (port(security="ssl"), port(), port(security="ssl", port=2465)) == (465, 587, 2465)


# --- Days without letters, and check_setup -------------------------------------------------------


def test_a_day_without_letters_does_not_need_the_mail_server(tmp_path: Path) -> None:
    with LocalSmtpServer(auth=True) as server:
        config = smtp_config(tmp_path, server)
    # The server is gone and the password wrong, but nothing is due: IDs and Status still land.
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=TODAY - 40 * DAY, welcome=TODAY - 39 * DAY)]
    )
    report = run(workbook, config, env={"MEDLEMSRUTINER_SMTP_PASSWORD": "fel"})
    assert report.sent == {} and report.new_ids == [1]
    assert "FÖRSENAT: ring" in by_id(workbook)[1]["Status"]


def test_check_setup_logs_in_to_the_mail_server_and_reports_a_refused_login(tmp_path: Path) -> None:
    from medlemsrutiner.routines.setup import check_setup

    with LocalSmtpServer(auth=True) as server:
        config = smtp_config(tmp_path, server)
        assert config.workbook.path is not None
        write_demo_free_workbook(config.workbook.path)

        def open_workbook() -> XlsxWorkbook:
            assert config.workbook.path is not None
            return XlsxWorkbook(config.workbook.path, config.workbook.tab_names)

        good = check_setup(config, open_workbook, ENV, TODAY)
        bad = check_setup(config, open_workbook, {"MEDLEMSRUTINER_SMTP_PASSWORD": "fel"}, TODAY)
        assert server.logins == [USERNAME]  # the good login; the wrong password was refused
        assert server.received == []
    assert any(
        check.ok and "Inloggningen till e-postservern lyckades" in check.text for check in good
    )
    assert any(not check.ok for check in bad)


def write_demo_free_workbook(path: Path) -> None:
    """An empty workbook with every tab and header."""
    from medlemsrutiner.sheet.schema import TABS

    with XlsxWorkbook(path, {tab.key: tab.default_name for tab in TABS}) as workbook:
        workbook.ensure_tabs({tab.default_name: tab.headers for tab in TABS})
