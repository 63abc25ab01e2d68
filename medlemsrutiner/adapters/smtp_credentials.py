"""The SMTP login's secret: a password (for Gmail an app password) from the environment, or
yagmail's OAuth2 file. Reads the environment and that file; no network.

Everything is checked before any connection, and nothing ever prompts on the terminal
(scheduled runs have none; yagmail would fall back to the keyring or a password prompt).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from medlemsrutiner.config import SmtpConfig
from medlemsrutiner.errors import MailError


@dataclass(frozen=True)
class Password:
    """A password (for Gmail: an app password) read from the environment."""

    secret: str = field(repr=False)


@dataclass(frozen=True)
class OAuth2:
    """yagmail's OAuth2 file for Gmail: a client and a long-lived refresh token."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    email_address: str


Credentials = Password | OAuth2 | None
"""None: the server takes mail without a login (a relay on the same machine or network)."""


def credentials(smtp: SmtpConfig, env: Mapping[str, str], path: Path) -> Credentials:
    if smtp.oauth2_file is not None:
        if not smtp.gmail:
            raise MailError(f"{path}: mail.smtp.oauth2_file fungerar bara med gmail = true.")
        return read_oauth2_file(smtp.oauth2_file)
    if not smtp.username:
        if smtp.gmail:
            raise MailError(f"{path}: mail.smtp.username behövs för Gmail (kontots adress).")
        return None
    secret = env.get(smtp.password_env, "").strip()
    if smtp.gmail:
        # Google shows an app password in groups of four ("abcd efgh ijkl mnop"); people
        # paste it with the spaces, the password itself has none.
        secret = secret.replace(" ", "")
    if not secret:
        hint = (
            " (för Gmail: ett applösenord, se guiden: Applösenord för Gmail)" if smtp.gmail else ""
        )
        raise MailError(
            f"Lösenordet till e-postkontot saknas: sätt miljövariabeln {smtp.password_env}"
            f"{hint}. Inget har ändrats."
        )
    if not (secret.isascii() and smtp.username.isascii()):
        # smtplib sends AUTH PLAIN/LOGIN as ASCII and would fail with a UnicodeEncodeError.
        raise MailError(
            f"Lösenordet i {smtp.password_env} eller mail.smtp.username innehåller tecken som "
            "å, ä eller ö, som inte kan skickas vid inloggning över SMTP. Välj ett lösenord "
            "utan sådana tecken. Inget har ändrats."
        )
    return Password(secret)


def read_oauth2_file(path: Path) -> OAuth2:
    """yagmail's OAuth2 file, checked so that yagmail never has to ask for anything.

    yagmail starts an interactive set-up (input() on the terminal) when the file is missing or
    is still Google's downloaded client file; both are refused here with a Swedish MailError.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MailError(
            f"OAuth2-filen {path} finns inte. Skapa den en gång med yagmail på en dator med "
            "webbläsare (se README), eller använd ett applösenord."
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise MailError(f"OAuth2-filen {path} går inte att läsa som JSON ({error}).") from None
    if not isinstance(data, dict) or "installed" in data:
        raise MailError(
            f"OAuth2-filen {path} är inte yagmails OAuth2-fil (den ska innehålla "
            "google_client_id, google_client_secret och google_refresh_token). Skapa den en "
            "gång med yagmail på en dator med webbläsare (se README)."
        )
    keys = ("google_client_id", "google_client_secret", "google_refresh_token")
    missing = [key for key in keys if not isinstance(data.get(key), str) or not data[key].strip()]
    if missing:
        raise MailError(f"OAuth2-filen {path} saknar {', '.join(missing)}.")
    email_address = data.get("email_address")
    return OAuth2(
        client_id=data["google_client_id"].strip(),
        client_secret=data["google_client_secret"].strip(),
        refresh_token=data["google_refresh_token"].strip(),
        email_address=email_address if isinstance(email_address, str) else "",
    )
