"""Staff invitations by email, when SMTP is set up (the link is still shown to copy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smsapp.config import Settings
from tests.console.test_console_staff import _invite, _link
from tests.smtp_stand_in import mailing_through, serve_smtp


@pytest.fixture
def smtp() -> Iterator[Any]:
    with serve_smtp() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, smtp: Any) -> Settings:
    return mailing_through(settings, smtp)


def test_with_mail_set_up_the_invitation_is_mailed_too(browser: Any, world: Any, smtp: Any) -> None:
    carol = browser("carol")
    page = carol.get(_invite(carol, world).headers["Location"]).data.decode()
    assert "We emailed this link to erin@example.org" in page
    (mail,) = smtp.received
    assert mail["To"] == "erin@example.org" and "invited" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert _link(page) in body and "Carol" in body
