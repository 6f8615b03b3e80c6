"""smsapp groups create --organisation NAME --name NAME --code CODE --timezone TZ
[--facilitator EMAIL …]
smsapp groups policy --organisation NAME --group CODE --level facilitators --level on-call
[--level person=EMAIL …] [--urgent-minutes 5] [--normal-minutes 60] [--repeats 1]"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp import commands
from smsapp.models import User
from smsapp.models.escalations import LevelTarget
from smsapp.models.users import Role
from smsapp.services.domain import groups, organisations
from smsapp.services.domain.escalation.policy import LevelSpec


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
    policy = sub.add_parser(
        "policy", help="set who a group's cases reach, level by level (replaces the policy)"
    )
    policy.add_argument("--organisation", required=True, help="organisation name")
    policy.add_argument("--group", required=True, help="the group's code")
    policy.add_argument(
        "--level", action="append", default=[], required=True,
        help='"facilitators", "on-call" or "person=EMAIL", in order (at least two)',
    )  # fmt: skip
    policy.add_argument("--urgent-minutes", type=int, default=5, help="wait before going up")
    policy.add_argument("--normal-minutes", type=int, default=60, help="the same, normal cases")
    policy.add_argument("--repeats", type=int, default=1, help="texts per level before going up")
    policy.set_defaults(func=_policy)


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


def _policy(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        group = groups.group_by_code(session, org.id, args.group)
        levels = [_level(session, org.id, text, args) for text in args.level]
        groups.set_escalation(session, group, levels, runtime.now())
        session.commit()
        print(f"escalation policy of {group.code} set: {len(levels)} levels")
    return 0


def _level(
    session: Session, organisation_id: int, text: str, args: argparse.Namespace
) -> LevelSpec:
    target, _, email = text.strip().partition("=")
    timing = {
        "urgent_timeout_minutes": args.urgent_minutes,
        "normal_timeout_minutes": args.normal_minutes,
        "repeats": args.repeats,
    }
    if target in ("facilitators", "group_facilitators"):
        return LevelSpec(LevelTarget.GROUP_FACILITATORS, **timing)
    if target in ("on-call", "on_call"):
        return LevelSpec(LevelTarget.ON_CALL, **timing)
    if target == "person" and email:
        return LevelSpec(LevelTarget.USER, _user_id(session, organisation_id, email), **timing)
    raise ValueError(f'--level: {text!r}: write "facilitators", "on-call" or "person=EMAIL"')


def _user_id(session: Session, organisation_id: int, email: str) -> int:
    user = session.scalar(
        select(User).where(
            User.email == email.strip().lower(), User.organisation_id == organisation_id
        )
    )
    if user is None:
        raise ValueError(f"--level: no account {email.strip()!r} in this organisation")
    return user.id


def _facilitator_id(session: Session, organisation_id: int, email: str) -> int:
    user = session.scalar(
        select(User).where(
            User.email == email.strip().lower(), User.organisation_id == organisation_id
        )
    )
    if user is None:
        raise groups.GroupError(f"no account {email.strip()!r} in this organisation", "facilitator")
    if user.role != Role.FACILITATOR:
        raise groups.GroupError(f"{email.strip()} is not a facilitator", "facilitator")
    return user.id


OPTIONS = {
    "organisation": "--organisation",
    "name": "--name",
    "code": "--code",
    "tz": "--timezone",
    "facilitator": "--facilitator",
    "facilitator_ids": "--facilitator",
    "group": "--group",
}
