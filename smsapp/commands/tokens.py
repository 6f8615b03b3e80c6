"""smsapp tokens create --email E --name N | list --email E | revoke --email E --id N"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp import commands
from smsapp.models import User
from smsapp.runtime import Runtime
from smsapp.services.domain import api_tokens


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("tokens", help="JSON API bearer tokens")
    sub = parser.add_subparsers(dest="tokens_command", required=True)
    create = sub.add_parser("create", help="make a token (printed once)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="what the token is for")
    create.set_defaults(func=_create)
    listing = sub.add_parser("list", help="a user's tokens")
    listing.add_argument("--email", required=True)
    listing.set_defaults(func=_list)
    revoke = sub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("--email", required=True)
    revoke.add_argument("--id", type=int, required=True)
    revoke.set_defaults(func=_revoke)


def create_for_email(runtime: Runtime, email: str, name: str) -> str:
    """Create and commit a token for the user with `email`; returns the plain token."""
    with runtime.session() as session:
        created = api_tokens.create_token(session, _user(session, email), name, runtime.now())
        session.commit()
        return created.token


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise LookupError(f"no user with email {email!r}")
    return user


def _create(args: argparse.Namespace) -> int:
    token = create_for_email(commands.make_runtime(), args.email, args.name)
    print(token)
    print("Store this token now: it is not shown again.")
    return 0


def _list(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session:
        for row in api_tokens.tokens_of(session, _user(session, args.email)):
            state = "revoked" if row.revoked else "active"
            used = row.last_used_at.isoformat() if row.last_used_at else "never"
            print(f"{row.id}\t{state}\t{row.name}\tcreated {row.created_at:%Y-%m-%d}\tused {used}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session:
        if not api_tokens.revoke_token(session, _user(session, args.email), args.id):
            raise LookupError(f"no token {args.id} for {args.email}")
        session.commit()
    print(f"token {args.id} revoked")
    return 0
