"""Email delivery over SMTP. The only module that talks SMTP (smtplib, and yagmail for the
Gmail login); it does network I/O.

`open_smtp_transport` checks the settings and the secret without touching the network (and
never asks on the terminal: yagmail would fall back to the keyring or a password prompt).
Entering the returned `SmtpTransport` opens ONE connection for the whole run and logs in; any
failure there raises MailError (exit 2) before the daily run writes a marker. `send` hands
each letter's exact bytes (`OutgoingEmail.data`, never re-serialised) to the server with
`sendmail`, one recipient per transaction, and reports the server's answer as an outcome that
`plan.settle` turns into the stamp cell. It never raises for one letter:

| the server ...                                   | outcome                    | the letter   |
|--------------------------------------------------|----------------------------|--------------|
| accepted it (250)                                | Sent                       | stamped      |
| refused the recipient (5xx to RCPT)              | Failed                     | `Fel …` text |
| refused the message (5xx to DATA)                | Failed                     | `Fel …` text |
| answered 4xx (greylisting, mailbox full)         | Failed(retry)              | due again    |
| refused the sender / session (4xx, 5xx to MAIL)  | Failed(retry, stop)        | due again    |
| says the account's quota is used up (X.4.5)      | Failed(retry, stop)        | due again    |
| closed the connection (421), or it dropped       | Failed(retry, stop)        | due again    |
| dropped it after the whole message was handed in | Failed(maybe_sent, stop)   | `Skickar…`   |

`stop` makes the daily run send nothing more. A message that was handed over whole but
never answered may have been delivered: it keeps its sending marker for a person to check,
because at most once outranks "sent at all".
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
import urllib.error
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Literal

import yagmail
import yagmail.oauth2

from medlemsrutiner.adapters.smtp_credentials import (
    Credentials,
    OAuth2,
    Password,
    credentials,
)
from medlemsrutiner.config import Config, SmtpConfig
from medlemsrutiner.errors import MailError
from medlemsrutiner.letterfile import KeptLetters
from medlemsrutiner.letters.render import OutgoingEmail, ascii_address
from medlemsrutiner.plan import Failed, LetterOutcome, Sent
from medlemsrutiner.sheet import cells

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

Stage = Literal["mail", "rcpt", "data", "session"]
"""Which step of the SMTP transaction a reply answered."""

_REPLY_LIMIT = 200
"""Characters of a server reply kept in a stamp cell or a log line."""


# --- Opening ---------------------------------------------------------------------------------


def open_smtp_transport(config: Config, env: Mapping[str, str]) -> SmtpTransport:
    """The SMTP transport of `config`, not yet connected.

    Raises MailError when a setting or the secret is missing, so that nothing is done and
    nothing ever prompts (scheduled runs have no terminal).
    """
    smtp = config.mail.smtp
    if smtp is None:
        raise MailError(f'{config.path}: mail.transport = "smtp" behöver tabellen [mail.smtp].')
    try:
        sender = ascii_address(config.mail.from_address)
    except ValueError as error:
        problem = f"{config.path}: mail.from_address går inte att använda: {error}."
        raise MailError(problem) from None
    return SmtpTransport(smtp, sender, credentials(smtp, env, config.path))


# --- The connection --------------------------------------------------------------------------


class Connection(smtplib.SMTP):
    """smtplib.SMTP that notes when a message has been handed over whole.

    Once the final `.` has left, the server may deliver the message even if its answer never
    arrives; `handed_over` tells a drop before that point (nothing delivered) from one after
    it (unknown).
    """

    handed_over = False

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        # smtplib sends the message and its terminating dot in one call; commands are str.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class SslConnection(Connection, smtplib.SMTP_SSL):
    """The same over implicit TLS (port 465)."""


class _GmailClient(yagmail.Client):  # type: ignore[misc]  # yagmail has no type hints
    """yagmail's client, connecting with our `Connection` classes.

    Only its login is used: its composer rewrites letters (newlines to <br>, the text part a
    copy of the HTML, reused Message-IDs) and its send retries after a dropped connection,
    which could deliver a letter twice.
    """

    @property
    def connection(self) -> type[Connection]:
        return SslConnection if self.ssl else Connection


class SmtpTransport:
    """One SMTP connection per run; see the module docstring for what each answer means."""

    def __init__(self, smtp: SmtpConfig, sender: str, credentials: Credentials) -> None:
        self.smtp = smtp
        self.sender = sender
        self.credentials = credentials
        self._connection: Connection | None = None

    def describe(self) -> str:
        kind = "Gmail" if self.smtp.gmail else "SMTP"
        return f"{kind}: {self.smtp.host}:{self.smtp.port} ({self.smtp.security})"

    def kept(self, message_ids: Collection[str]) -> KeptLetters | None:
        """Nothing: what the server took cannot be looked up afterwards."""
        return None

    def __enter__(self) -> SmtpTransport:
        try:
            self._connection = self._open()
        except MailError:
            raise
        except Exception as error:  # every way a login can fail ends the run the same way
            raise MailError(self._login_problem(error)) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()

    # --- Sending ---------------------------------------------------------------------------

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        """Hand `email.data` to the server for `email.recipient`; never raises for a letter."""
        connection = self._connection
        if connection is None or connection.sock is None:
            return Failed("förbindelsen till e-postservern är stängd", retry=True, stop=True)
        try:
            recipient = ascii_address(email.recipient)
        except ValueError as error:
            return Failed(f"adressen går inte att skicka till: {error}")
        connection.handed_over = False
        try:
            connection.sendmail(self.sender, [recipient], email.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            return self._answered(classify(code, reply, "rcpt"))
        except smtplib.SMTPSenderRefused as error:
            return self._answered(classify(error.smtp_code, error.smtp_error, "mail"))
        except smtplib.SMTPDataError as error:
            return self._answered(classify(error.smtp_code, error.smtp_error, "data"))
        except smtplib.SMTPResponseException as error:  # e.g. 421 to EHLO or RSET
            return self._answered(classify(error.smtp_code, error.smtp_error, "session"))
        except smtplib.SMTPServerDisconnected as error:
            return self._dropped(connection, error)
        except smtplib.SMTPException as error:
            self._close()
            what = _error_text(error)
            return Failed(f"fel i förbindelsen till e-postservern ({what})", retry=True, stop=True)
        except OSError as error:  # timeouts, resets, TLS errors mid-run
            return self._dropped(connection, error)
        return Sent()

    def _answered(self, outcome: Failed) -> Failed:
        if outcome.stop:
            self._close()
        return outcome

    def _dropped(self, connection: Connection, error: BaseException) -> Failed:
        self._close()
        what = _error_text(error)
        if connection.handed_over:
            return Failed(
                f"förbindelsen bröts innan servern svarade på det färdiga brevet ({what})",
                stop=True,
                maybe_sent=True,
            )
        return Failed(f"förbindelsen till e-postservern bröts ({what})", retry=True, stop=True)

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        # QUIT is a courtesy; after a drop or a 421 it fails, and the letters are settled.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()
        connection.close()

    # --- Logging in ------------------------------------------------------------------------

    def _open(self) -> Connection:
        smtp, credentials = self.smtp, self.credentials
        if smtp.gmail and isinstance(credentials, Password):
            return self._open_with_yagmail(credentials)
        connection = self._connect()
        try:
            if isinstance(credentials, OAuth2):
                self._login_oauth2(connection, credentials)
            elif isinstance(credentials, Password):
                connection.login(smtp.username, credentials.secret)
        except BaseException:
            connection.close()
            raise
        return connection

    def _connect(self) -> Connection:
        smtp = self.smtp
        # smtplib verifies no certificate unless given a context; always verify.
        context = ssl.create_default_context()
        if smtp.security == "ssl":
            return SslConnection(
                smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=context
            )
        connection = Connection(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        if smtp.security == "starttls":
            try:
                connection.starttls(context=context)
                connection.ehlo()
            except BaseException:
                connection.close()
                raise
        return connection

    def _open_with_yagmail(self, password: Password) -> Connection:
        smtp = self.smtp
        context = ssl.create_default_context()
        client = _GmailClient(
            user=smtp.username,
            # Never None: yagmail would then read the keyring or prompt for a password.
            password=password.secret,
            host=smtp.host,
            port=smtp.port,
            smtp_ssl=smtp.security == "ssl",
            smtp_starttls={"context": context} if smtp.security == "starttls" else False,
            soft_email_validation=False,
            timeout=smtp.timeout_seconds,
            **({"context": context} if smtp.security == "ssl" else {}),
        )
        try:
            client.login()
        except BaseException:
            if isinstance(client.smtp, smtplib.SMTP):
                client.smtp.close()
            raise
        finally:
            # The transport owns the connection now: yagmail's __del__ must not QUIT it.
            client.is_closed = True
        connection = client.smtp
        assert isinstance(connection, Connection)
        return connection

    def _login_oauth2(self, connection: Connection, credentials: OAuth2) -> None:
        user = self.smtp.username or credentials.email_address
        # yagmail's own OAuth2 login neither checks the server's answer nor verifies TLS, so
        # only its token refresh is used; the XOAUTH2 exchange is smtplib's, whose auth()
        # raises SMTPAuthenticationError on a refusal.
        try:
            access_token, _ = yagmail.oauth2.refresh_authorization(
                credentials.client_id, credentials.client_secret, credentials.refresh_token
            )
        except urllib.error.HTTPError as error:
            raise MailError(
                f"Google förnyade inte OAuth2-nyckeln (HTTP {error.code}): nyckeln kan vara "
                "återkallad eller för gammal. Skapa OAuth2-filen på nytt (se README)."
            ) from None
        except (OSError, ValueError, KeyError) as error:
            raise MailError(
                f"Kunde inte förnya OAuth2-nyckeln hos Google ({_error_text(error)})."
            ) from None
        token = yagmail.oauth2.generate_oauth2_string(user, access_token, as_base64=False)

        def answer(challenge: bytes | None = None, /) -> str:
            # The first call gives the token; a challenge means refusal (Google sends an error
            # as JSON) and is answered with an empty line, after which the server says 535.
            return token if challenge is None else ""

        connection.ehlo_or_helo_if_needed()
        connection.auth("XOAUTH2", answer, initial_response_ok=True)

    def _login_problem(self, error: BaseException) -> str:
        smtp = self.smtp
        where = f"e-postservern {smtp.host}:{smtp.port}"
        server = f"E-postservern {smtp.host}:{smtp.port}"
        secret = (
            f"OAuth2-filen {smtp.oauth2_file}"
            if isinstance(self.credentials, OAuth2)
            else f"lösenordet i {smtp.password_env}"
        )
        gmail = (
            " För Gmail behövs ett applösenord (se guiden: Applösenord för Gmail)."
            if smtp.gmail and isinstance(self.credentials, Password)
            else ""
        )
        if isinstance(error, smtplib.SMTPAuthenticationError):
            reply = cells.redact(_reply_text(error.smtp_code, error.smtp_error))
            return (
                f"Inloggningen till {where} misslyckades ({reply}). Kontrollera "
                f"användarnamnet och {secret}.{gmail} Inget har ändrats."
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            if "starttls" in str(error).casefold():
                return (
                    f'{server} erbjuder inte STARTTLS. Sätt security = "ssl" '
                    '(port 465), eller "none" bara för en server på den egna datorn.'
                )
            return (
                f'{server} erbjuder ingen inloggning (AUTH). Sätt username = "" '
                "om servern tar emot brev utan inloggning."
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return (
                f"Certifikatet från {where} kunde inte verifieras ({error.verify_message}). "
                "Kontrollera host."
            )
        if isinstance(error, ssl.SSLError):
            return (
                f"TLS-fel mot {where} ({error.reason}): kontrollera port och security "
                "(587 med starttls, 465 med ssl)."
            )
        if isinstance(error, smtplib.SMTPResponseException):
            reply = cells.redact(_reply_text(error.smtp_code, error.smtp_error))
            return f"{server} svarade {reply}."
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return f"{server} stängde förbindelsen under inloggningen ({_error_text(error)})."
        if isinstance(error, socket.gaierror):
            return f"Hittar inte {where} ({error.strerror}). Kontrollera host."
        if isinstance(error, OSError):
            return (
                f"Kan inte ansluta till {where} ({_error_text(error)}). Kontrollera host och "
                "port, och att datorn når internet."
            )
        return f"Kan inte logga in på {where} ({type(error).__name__}: {_error_text(error)})."


# --- What the server said --------------------------------------------------------------------

_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_QUOTA_WORDS = re.compile(r"sending (quota|limit)|daily\b.*\blimit|quota exceeded", re.IGNORECASE)


def classify(code: int, reply: bytes | str, stage: Stage) -> Failed:
    """What a refusal means for the letter and for the rest of the run (see the module table)."""
    text = _reply_text(code, reply)
    if is_quota(code, text):
        return Failed(f"kontots gräns för utskick är nådd ({text})", retry=True, stop=True)
    if code == 421:
        return Failed(f"e-postservern stängde förbindelsen ({text})", retry=True, stop=True)
    if 400 <= code < 500:
        # A 4xx to the recipient or the message is about that letter (greylisting, a full
        # mailbox); to the sender or the session it is about the account, so stop for now.
        return Failed(
            f"tillfälligt fel hos e-postservern ({text})",
            retry=True,
            stop=stage in ("mail", "session"),
        )
    if 500 <= code < 600 and stage == "rcpt":
        return Failed(f"mottagarens server avvisade adressen ({text})")
    if 500 <= code < 600 and stage == "data":
        return Failed(f"e-postservern avvisade brevet ({text})")
    if 500 <= code < 600:
        # The sender or the account is refused: the same for every letter, and not this row's
        # fault, so nothing is stamped as failed; a person must fix the account or from_address.
        return Failed(
            f"e-postservern avvisade avsändaren ({text}); kontrollera kontot och from_address",
            retry=True,
            stop=True,
        )
    return Failed(f"oväntat svar från e-postservern ({text})", retry=True, stop=True)


def is_quota(code: int, text: str) -> bool:
    """The account may not send more now: Gmail's `550 5.4.5 Daily user sending quota exceeded`.

    X.4.5 and 4.5.3 (too many recipients, which with one recipient per letter means too many
    letters) and a 452 without an enhanced code; not X.2.2, a recipient's full mailbox, which
    Gmail words as `452 4.2.2 … over quota`.
    """
    enhanced = _ENHANCED.search(text)
    if enhanced is not None:
        subject, detail = enhanced.group(2), enhanced.group(3)
        if subject == "2":
            return False
        if (subject, detail) in (("4", "5"), ("5", "3")):
            return True
    elif code == 452:
        return True
    return bool(_QUOTA_WORDS.search(text))


def _reply_text(code: int, reply: bytes | str) -> str:
    """`550 5.1.1 The email account …` on one line, shortened; redacted later by settle."""
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if lines:
        # Multi-line replies repeat the enhanced code on every line.
        first = _ENHANCED.match(lines[0])
        if first is not None:
            lines[1:] = [line.removeprefix(first.group(0)).strip() for line in lines[1:]]
    text = " ".join(f"{code} {' '.join(lines)}".split())
    return text if len(text) <= _REPLY_LIMIT else text[: _REPLY_LIMIT - 1] + "…"


def _error_text(error: BaseException) -> str:
    """A short, redacted description of an exception (never a secret: none is in there)."""
    if isinstance(error, TimeoutError):
        return "inget svar inom tidsgränsen"
    text = str(error) or type(error).__name__
    return cells.redact(" ".join(text.split()))[:_REPLY_LIMIT]
