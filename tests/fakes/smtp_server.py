"""A real SMTP server on 127.0.0.1 for the tests and the benchmark (aiosmtpd in a thread), and
a stand-in for Google's OAuth2 token endpoint. Network I/O on localhost only.

`LocalSmtpServer` records every message it accepts (envelope and the exact bytes received),
counts connections and logins, and can be told to misbehave the ways real servers do: refuse
a recipient, answer one transaction with a given reply, drop the connection before a
transaction, or take a whole message and drop the connection before answering it.
"""

from __future__ import annotations

import base64
import email
import email.policy
import http.server
import json
import logging
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# aiosmtpd's own AUTH code trips its own deprecation notice ("Session.login_data is
# deprecated") on every login; it says nothing about the code under test.
logging.getLogger("mail.log").setLevel(logging.ERROR)

USERNAME = "medlemsansvarig@example.org"
PASSWORD = "abcdefghijklmnop"
ACCESS_TOKEN = "ya29.exempel-nyckel"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    """The message exactly as it arrived (dot-unstuffed, as the DATA command carries it)."""
    peer: tuple[str, int]

    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Script:
    """How the server misbehaves. Transactions are numbered from 0 in the order of MAIL FROM
    over the server's life (a refused or dropped one counts too)."""

    refuse: dict[str, str] = field(default_factory=dict)
    """Recipient address -> the reply to its RCPT TO (e.g. `550 5.1.1 …`)."""
    mail_replies: dict[int, str] = field(default_factory=dict)
    """Transaction -> the reply to its MAIL FROM (e.g. `421 4.7.0 …`)."""
    data_replies: dict[int, str] = field(default_factory=dict)
    """Transaction -> the reply to its message, which is then not recorded."""
    drop_at_mail: set[int] = field(default_factory=set)
    """Transactions whose MAIL FROM is answered by closing the connection."""
    drop_after_data: set[int] = field(default_factory=set)
    """Transactions whose message is taken (and recorded) but never answered: the connection
    closes instead of the `250`."""


class Handler:
    """aiosmtpd hooks: record, count and follow the script."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.received: list[Received] = []
        self.transactions = 0
        self.logins: list[str] = []
        self.lock = threading.Lock()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            number = self.transactions
            self.transactions += 1
        session.transaction = number  # type: ignore[attr-defined]
        if number in self.script.drop_at_mail:
            _drop(server)
        if number in self.script.mail_replies:
            return self.script.mail_replies[number]
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.script.refuse:
            return self.script.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        number: int = session.transaction  # type: ignore[attr-defined]
        if number in self.script.data_replies:
            return self.script.data_replies[number]
        assert isinstance(envelope.original_content, bytes)
        assert envelope.mail_from is not None and session.peer is not None
        peer = (str(session.peer[0]), int(session.peer[1]))
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content, peer
                )
            )
        if number in self.script.drop_after_data:
            _drop(server)
        return "250 2.0.0 OK: queued"

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """Google's XOAUTH2: `user=…^Aauth=Bearer <token>^A^A`; a refusal is a JSON challenge."""
        blob = base64.b64decode(args[1]) if len(args) > 1 else b""
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        if fields.get("auth") == f"Bearer {ACCESS_TOKEN}" and fields.get("user") == USERNAME:
            self.logins.append(fields["user"])
            return AuthResult(success=True)
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "Bearer"}))
        return AuthResult(success=False, handled=False, message="535 5.7.8 Bad credentials")


def _drop(server: SMTP) -> None:
    # abort() closes at once; whatever the hook returns is then never written.
    assert server.transport is not None
    server.transport.abort()  # type: ignore[attr-defined]


class _Controller(Controller):
    """Counts connections: aiosmtpd builds one SMTP protocol object per connection."""

    connections = 0

    def factory(self) -> SMTP:
        self.connections += 1
        return super().factory()  # type: ignore[no-untyped-call,no-any-return]


class LocalSmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port, with or without AUTH (plain text, localhost)."""

    def __init__(
        self, script: Script | None = None, *, auth: bool = False, username: str = USERNAME
    ) -> None:
        self.script = script or Script()
        self.handler = Handler(self.script)
        self.auth = auth
        self.username = username
        """The account that may log in (with PASSWORD)."""
        self.port = _free_port()
        parameters: dict[str, Any] = {}
        if auth:
            parameters = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,  # plain AUTH over localhost: no certificate needed
            }
        self.controller = _Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **parameters
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.username
            and data.password.decode() == PASSWORD
        )
        if ok:
            self.handler.logins.append(self.username)
        # handled=False: aiosmtpd then answers the refusal itself (535).
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> LocalSmtpServer:
        self.controller.start()
        # start() opened one connection of its own to check the server answers.
        self.controller.connections = 0
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    @property
    def connections(self) -> int:
        return int(self.controller.connections)

    @property
    def logins(self) -> list[str]:
        return list(self.handler.logins)

    def recipients(self) -> list[str]:
        return [to for message in self.received for to in message.rcpt_tos]

    def smtp_settings(self, **overrides: Any) -> dict[str, Any]:
        """The `[mail.smtp]` table of a config that talks to this server."""
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": "none",
            "username": self.username if self.auth else "",
            "timeout_seconds": 5,
        }
        settings.update(overrides)
        return settings


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[LocalSmtpServer]:
    """A server that takes mail without a login."""
    with LocalSmtpServer() as server:
        yield server


@pytest.fixture
def smtp_server_with_auth() -> Iterator[LocalSmtpServer]:
    """A server that requires AUTH (USERNAME / PASSWORD)."""
    with LocalSmtpServer(auth=True) as server:
        yield server


# --- Google's token endpoint ---------------------------------------------------------------------


class LocalTokenServer:
    """Answers `POST /o/oauth2/token` like Google: an access token for the one refresh token
    it knows, `400 invalid_grant` for any other. Serves 127.0.0.1 only."""

    def __init__(self, refresh_token: str) -> None:
        known = refresh_token

        class TokenHandler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                if self.path == "/o/oauth2/token" and form.get("refresh_token") == [known]:
                    status, body = 200, {"access_token": ACCESS_TOKEN, "expires_in": 3599}
                else:
                    status, body = 400, {"error": "invalid_grant"}
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenHandler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalTokenServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
