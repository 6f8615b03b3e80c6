"""smsapp oncall set|show|override --organisation NAME …: the on-call rota.

  smsapp oncall set --organisation NAME --shift EMAIL "mon-fri 18:00-08:00" [--shift …]
  smsapp oncall show --organisation NAME
  smsapp oncall override --organisation NAME --email EMAIL
                         --from "YYYY-MM-DD HH:MM" --to "YYYY-MM-DD HH:MM"
  smsapp oncall override --organisation NAME --cancel ID

Times are the organisation's local times; `set` replaces the whole weekly rota.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp import commands
from smsapp.models import Organisation
from smsapp.services.domain import oncall, organisations, staff
from smsapp.services.domain.escalation import rota_changes
from smsapp.services.domain.oncall.view import board
from smsapp.services.domain.schedule.plain import zone_label

OPTIONS = {
    "organisation": "--organisation",
    "user": "--shift/--email",
    "days": "--shift",
    "time": "--shift",
    "shift": "--shift",
    "starts": "--from",
    "ends": "--to",
    "override": "--cancel",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("oncall", help="the on-call rota escalations reach")
    sub = parser.add_subparsers(dest="oncall_command", required=True)
    set_ = sub.add_parser("set", help="replace the weekly rota (local times)")
    set_.add_argument("--organisation", required=True, help="organisation name")
    set_.add_argument(
        "--shift", nargs=2, action="append", default=[], metavar=("EMAIL", "WHEN"),
        help='who and when, e.g. ann@example.org "mon-fri 18:00-08:00" (repeatable; '
        "none clears the rota)",
    )  # fmt: skip
    set_.set_defaults(func=_set)
    show = sub.add_parser("show", help="the rota, its gaps, overrides and who is on call now")
    show.add_argument("--organisation", required=True, help="organisation name")
    show.set_defaults(func=_show)
    override = sub.add_parser("override", help="someone on call from-to instead of the rota")
    override.add_argument("--organisation", required=True, help="organisation name")
    override.add_argument("--email", default="")
    override.add_argument("--from", dest="starts", default="", help='"YYYY-MM-DD HH:MM" local')
    override.add_argument("--to", dest="ends", default="", help='"YYYY-MM-DD HH:MM" local')
    override.add_argument("--cancel", type=int, default=0, help="remove the override with this id")
    override.set_defaults(func=_override)


def _set(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        shifts = []
        for email, when in args.shift:
            days, starts, ends = oncall.parse_shift(when)
            shifts.append(oncall.ShiftInput(_user_id(session, org, email), days, starts, ends))
        rota_changes.set_rota(session, org, shifts, runtime.now())
        session.commit()
        print(f"on-call rota of {org.name} set: {len(shifts)} shift(s)")
        _print_board(session, org, runtime.now())
    return 0


def _show(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        _print_board(session, org, runtime.now())
    return 0


def _override(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(OPTIONS):
        org = organisations.organisation_named(session, args.organisation)
        if args.cancel:
            rota_changes.remove_override(session, org, args.cancel, runtime.now())
            session.commit()
            print(f"override {args.cancel} cancelled")
            return 0
        if not (args.email and args.starts and args.ends):
            raise ValueError("--email, --from and --to are needed (or --cancel ID)")
        found = rota_changes.add_override(
            session, org, _user_id(session, org, args.email),
            _local(args.starts, "--from"), _local(args.ends, "--to"), runtime.now(),
        )  # fmt: skip
        session.commit()
        print(f"override {found.id}: {args.email.strip()} on call {args.starts} to {args.ends}")
    return 0


def _print_board(session: Session, org: Organisation, now: datetime) -> None:
    view = board(session, org, now)
    print(f"times in {zone_label(org.tz)} ({org.tz})")
    print("on call now: " + (", ".join(u.name for u in view.now) or "nobody"))
    for day, lines in view.days:
        print(f"{day}: " + ("; ".join(lines) or "nobody"))
    for gap in view.gaps:
        print(f"gap: nobody on call {gap}")
    for o in view.overrides:
        print(
            f"override {o.override.id}: {o.user.name} from {o.starts_local:%Y-%m-%d %H:%M} "
            f"to {o.ends_local:%Y-%m-%d %H:%M}"
        )


def _user_id(session: Session, org: Organisation, email: str) -> int:
    user = staff.staff_by_email(session, org, email)
    if user is None:
        raise oncall.RotaError(f"no account {email.strip()!r} in this organisation", "user")
    return user.id


def _local(text: str, option: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(f'{option}: write "YYYY-MM-DD HH:MM", e.g. "2026-12-24 18:00"') from None
