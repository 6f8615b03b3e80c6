"""API tokens page: a coordinator creates and revokes their own bearer tokens.

A new token is shown once, on the page that created it; only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for

from smsapp.services.domain import api_tokens
from smsapp.web.console.core import (
    console_bp,
    coordinator_required,
    db,
    db_user,
    render_page,
)
from smsapp.web.runtime import runtime


def _page(new_token: str | None = None) -> str:
    tokens = api_tokens.tokens_of(db(), db_user())
    return render_page("console/tokens.html", tokens=tokens, new_token=new_token)


@console_bp.get("/tokens")
@coordinator_required
def tokens() -> str:
    """The account's tokens: name, created, last used, revoked."""
    return _page()


@console_bp.post("/tokens")
@coordinator_required
def token_create() -> str:
    """Make a token and show it this once."""
    name = (request.form.get("name") or "").strip() or "API token"
    created = api_tokens.create_token(db(), db_user(), name, runtime().now())
    db().commit()
    return _page(new_token=created.token)


@console_bp.post("/tokens/<int:token_id>/revoke")
@coordinator_required
def token_revoke(token_id: int) -> Any:
    """Revoke one of the account's own tokens (anyone else's id answers 404)."""
    user = db_user()
    if token_id not in {t.id for t in api_tokens.tokens_of(db(), user)}:
        abort(404)
    api_tokens.revoke_token(db(), user, token_id)
    db().commit()
    flash("Token revoked: it no longer works.", "success")
    return redirect(url_for("console.tokens"))
