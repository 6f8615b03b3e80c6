"""API tokens page: a coordinator creates and revokes their own bearer tokens.

A new token is shown once, on the page the creating POST redirects to (a reload shows it
no more and makes no second token); only its hash is stored. Revoking asks first.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from smsapp.models import ApiToken
from smsapp.services.domain import api_tokens
from smsapp.web.console import reveal
from smsapp.web.console.core import (
    console_bp,
    coordinator_required,
    db,
    db_user,
    render_page,
)
from smsapp.web.runtime import runtime


def _own_token(token_id: int) -> ApiToken:
    """One of the account's own tokens (anyone else's id answers 404)."""
    for token in api_tokens.tokens_of(db(), db_user()):
        if token.id == token_id:
            return token
    abort(404)


@console_bp.get("/tokens")
@coordinator_required
def tokens() -> str:
    """The account's tokens: name, created, last used, revoked; a new one shown once."""
    return render_page(
        "console/tokens.html",
        tokens=api_tokens.tokens_of(db(), db_user()),
        new_token=reveal.take("api-token"),
    )


@console_bp.post("/tokens")
@coordinator_required
def token_create() -> Response:
    """Make a token; the page it redirects to shows it this once."""
    name = (request.form.get("name") or "").strip() or "API token"
    created = api_tokens.create_token(db(), db_user(), name, runtime().now())
    db().commit()
    reveal.stash("api-token", created.token)
    return redirect(url_for("console.tokens"), 303)


@console_bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@coordinator_required
def token_revoke(token_id: int) -> Any:
    """Asks first (scripts using the token stop working at once), then revokes."""
    token = _own_token(token_id)
    if request.method == "GET":
        return render_page("console/token_revoke.html", token=token)
    api_tokens.revoke_token(db(), db_user(), token.id)
    db().commit()
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for("console.tokens"))
