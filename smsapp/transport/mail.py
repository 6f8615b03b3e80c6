"""Email, for the few things the console mails: staff invitations and password links.

Optional: without SMSAPP_SMTP_HOST nothing is mailed and the console shows the link to copy.
A mail that cannot be sent is reported to the caller, never retried: the person who asked
for it is looking at the page and can copy the link instead.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from smsapp.config import Settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send_mail(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Send one plain-text mail; True if the server accepted it."""
    if not mail_configured(settings):
        return False
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail.failed", extra={"error": type(exc).__name__})
        return False
    log.info("mail.sent", extra={"count": 1})
    return True
