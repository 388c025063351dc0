"""E-mail through the configured SMTP server (stdlib smtplib; blocking: run it in a thread)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from collector.config import SmtpSettings
from collector.domain.digest import Digest


class MailError(Exception):
    """The server refused the message or could not be reached; the message says why."""


def digest_message(
    digest: Digest, sender: str, recipients: Sequence[str], now: datetime
) -> EmailMessage:
    """The digest as a plain-text message with an HTML alternative."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    return message


class SmtpMailer:
    """Sends one message per connection (digests are few: one per site per interval)."""

    def __init__(self, settings: SmtpSettings, timeout: float = 30.0) -> None:
        self.settings = settings
        self._timeout = timeout

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to the server; MailError when it is not accepted."""
        smtp = self.settings
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=self._timeout) as client:
                if smtp.starttls:
                    client.starttls(context=ssl.create_default_context())
                if smtp.user and smtp.password:
                    client.login(smtp.user, smtp.password)
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
