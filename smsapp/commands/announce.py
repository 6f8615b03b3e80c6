"""smsapp announce --organisation NAME --group CODE [--at "YYYY-MM-DD HH:MM"] TEXT"""

from __future__ import annotations

import argparse

from smsapp import commands
from smsapp.services.domain import announcements, groups, organisations
from smsapp.services.domain.schedule import format_local


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "announce", help="text every member of a group once, now or at a local time"
    )
    parser.add_argument("--organisation", required=True, help="organisation name")
    parser.add_argument("--group", required=True, help="the group's code")
    parser.add_argument(
        "--at", default="", help='"YYYY-MM-DD HH:MM" in the group\'s time zone (default: now)'
    )
    parser.add_argument("text", help="the text members get")
    parser.set_defaults(func=_announce)


def _announce(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        group = groups.group_coded(session, org, args.group)
        at_local = announcements.parse_local(args.at) if args.at.strip() else None
        now = runtime.now()
        checked = announcements.preview(session, group, args.text, at_local, now)
        item = announcements.announce(session, group, args.text, at_local, now, user_id=None)
        session.commit()
        info = checked.info
        when = "now" if at_local is None else f"at {format_local(item.send_at, group.tz)}"
        print(
            f"announcement {item.id} to {group.code}: {checked.recipients} members {when} "
            f"({info.segments} segment{'s' if info.segments != 1 else ''}, {info.encoding}); "
            f"{checked.after_quiet_hours} after their quiet hours, "
            f"{checked.left_out} left out (paused, opted out or not joined)"
        )
    return 0


OPTIONS = {"text": "TEXT", "send_at": "--at", "group": "--group", "organisation": "--organisation"}
