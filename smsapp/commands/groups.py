"""smsapp groups create --organisation NAME --name NAME --code CODE --timezone TZ
[--facilitator EMAIL …]"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp import commands
from smsapp.models import User
from smsapp.services.domain import groups, organisations


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("groups", help="peer support groups")
    sub = parser.add_subparsers(dest="groups_command", required=True)
    create = sub.add_parser("create", help="make a group members join with JOIN CODE")
    create.add_argument("--organisation", required=True, help="organisation name")
    create.add_argument("--name", required=True)
    create.add_argument("--code", default="", help="6–20 letters or digits (generated if empty)")
    create.add_argument("--timezone", default="", help="IANA zone (the organisation's if empty)")
    create.add_argument(
        "--facilitator", action="append", default=[], help="a facilitator's email (repeatable)"
    )
    create.add_argument(
        "--approval", action="store_true", help="a coordinator approves who joins by text"
    )
    create.set_defaults(func=_create)


def _create(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        data = groups.GroupInput(
            code=args.code or groups.generate_code(session),
            name=args.name,
            tz=args.timezone or org.tz,
            facilitator_ids=tuple(_facilitator_id(session, org.id, e) for e in args.facilitator),
            requires_approval=args.approval,
        )
        group = groups.create_group(session, org.id, data, runtime.now())
        session.commit()
        print(f"created group {group.name} (code {group.code}, id {group.id}) in {org.name}")
    return 0


def _facilitator_id(session: Session, organisation_id: int, email: str) -> int:
    user = session.scalar(
        select(User).where(
            User.email == email.strip().lower(), User.organisation_id == organisation_id
        )
    )
    if user is None:
        raise groups.GroupError(f"no account {email.strip()!r} in this organisation", "facilitator")
    if user.role != "facilitator":
        raise groups.GroupError(f"{email.strip()} is not a facilitator", "facilitator")
    return user.id


OPTIONS = {
    "organisation": "--organisation",
    "name": "--name",
    "code": "--code",
    "tz": "--timezone",
    "facilitator": "--facilitator",
    "facilitator_ids": "--facilitator",
}
