"""smsapp users create --role coordinator|facilitator --email E --name N --organisation NAME
[--password-stdin] [--phone +1...]"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp import commands
from smsapp.models import Organisation, User
from smsapp.models.users import Role
from smsapp.runtime import Runtime
from smsapp.services.domain import staff


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("users", help="console accounts")
    sub = parser.add_subparsers(dest="users_command", required=True)
    create = sub.add_parser("create", help="make an account (and the organisation, if new)")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--organisation", required=True, help="organisation name")
    create.add_argument("--phone", default="", help="for escalation texts (E.164)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    create.set_defaults(func=_create)


def create_user(
    runtime: Runtime,
    *,
    role: str,
    email: str,
    name: str,
    organisation: str,
    password: str,
    phone: str = "",
) -> User:
    """Create and commit an account; the organisation is created when none has that name."""
    with runtime.session() as session:
        now = runtime.now()
        org = _organisation(session, organisation.strip(), now)
        try:
            user = staff.add_staff(
                session, org, role=role, email=email, name=name, password=password,
                phone=phone, now=now,
            )  # fmt: skip
        except staff.StaffError as exc:
            raise ValueError(f"--{exc.field}: {exc}" if exc.field else str(exc)) from None
        session.commit()
        return user


def _organisation(session: Session, name: str, now: object) -> Organisation:
    if not name:
        raise ValueError("--organisation: the organisation name is required")
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, program_name=name, help_contact="", created_at=now)
        session.add(org)
        session.flush()
    return org


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12+ characters): ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the passwords differ")
    return first


def _create(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    user = create_user(
        commands.make_runtime(),
        role=args.role,
        email=args.email,
        name=args.name,
        organisation=args.organisation,
        password=password,
        phone=args.phone,
    )
    print(f"created {user.role} {user.email} (id {user.id})")
    return 0
