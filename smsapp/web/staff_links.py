"""Delivering a staff member's one-time password link (an invitation or a reset): its URL,
and the mail that carries it. The console's staff pages and the API's staff operations
both use this, after smsapp.services.domain.staff_access has issued the link.
"""

from __future__ import annotations

from flask import request, url_for

from smsapp.models import Organisation, User
from smsapp.models.users import LinkPurpose
from smsapp.services.domain.staff_access import IssuedLink
from smsapp.transport.mail import send_mail
from smsapp.web.runtime import runtime


def deliver(issued: IssuedLink, org: Organisation, by: User) -> tuple[str, bool]:
    """The link's URL, and whether it was mailed to its owner (only when mail is set up)."""
    url = link_url(issued.token)
    mailed = send_mail(
        runtime().settings, issued.user.email, _subject(issued, org), _body(issued, org, by, url)
    )
    return url, mailed


def link_url(token: str) -> str:
    """Where the link's owner sets their password (the console's welcome page)."""
    base = runtime().settings.public_base_url or request.url_root
    return base.rstrip("/") + url_for("console.welcome", token=token)


def _subject(issued: IssuedLink, org: Organisation) -> str:
    if issued.purpose == LinkPurpose.INVITE:
        return f"You are invited to {org.name} on smsapp"
    return "Set a new smsapp password"


def _body(issued: IssuedLink, org: Organisation, by: User, url: str) -> str:
    opening = (
        f"{by.name} invited you to work with {org.name} as a {issued.user.role}."
        if issued.purpose == LinkPurpose.INVITE
        else f"{by.name} sent you a link to set a new password."
    )
    until = issued.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Hello {issued.user.name},\n\n{opening}\n\nOpen this link to set your password "
        f"(it works once, until {until}):\n{url}\n\nIf you did not expect this, ignore it.\n"
    )
