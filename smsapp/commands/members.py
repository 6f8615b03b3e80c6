"""smsapp members add --organisation NAME --group CODE --phone E164 --name NAME
[--language en|es] [--timezone TZ]"""

from __future__ import annotations

import argparse

from smsapp import commands
from smsapp.services.domain import groups, members, organisations


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("members", help="members of groups")
    sub = parser.add_subparsers(dest="members_command", required=True)
    add = sub.add_parser("add", help="add an active member who has agreed to the texts")
    add.add_argument("--organisation", required=True, help="organisation name")
    add.add_argument("--group", required=True, help="the group's code")
    add.add_argument("--phone", required=True, help="E.164, e.g. +12025550123")
    add.add_argument("--name", required=True)
    add.add_argument("--language", default="en", choices=members.LANGUAGES)
    add.add_argument("--timezone", default="", help="IANA zone if not the group's")
    add.set_defaults(func=_add)


def _add(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        group = groups.group_coded(session, org, args.group)
        if not args.name.strip():  # the console may leave it for later; an operator names
            raise members.MemberError("the name is missing", "name")
        data = members.MemberInput(
            args.name, args.phone, group, args.language, org.country, args.timezone
        )
        member = members.add_by_operator(session, data, runtime.now())
        session.commit()
        print(f"added member {member.id} to {group.code} in {org.name}")
    return 0


OPTIONS = {
    "organisation": "--organisation",
    "group": "--group",
    "group_id": "--group",
    "tz": "--timezone",
}
