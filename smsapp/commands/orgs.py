"""smsapp orgs create NAME --number E164 [--number …] [--country CC] [--timezone TZ] | list
| rate NUMBER RATE (segments per second a number may send)"""

from __future__ import annotations

import argparse

from smsapp import commands
from smsapp.services.domain import organisations


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("orgs", help="organisations and the numbers they own")
    sub = parser.add_subparsers(dest="orgs_command", required=True)
    create = sub.add_parser("create", help="make an organisation that owns its numbers")
    create.add_argument("name")
    create.add_argument(
        "--number",
        action="append",
        required=True,
        help="E.164 number, short code or Messaging Service SID members text (repeatable)",
    )
    create.add_argument("--country", default="US", help="ISO 3166 code, e.g. US or GB")
    create.add_argument("--timezone", default="UTC", help="IANA zone for new groups")
    create.add_argument("--help-contact", default="", help="shown in the HELP reply")
    create.set_defaults(func=_create)
    sub.add_parser("list", help="organisations and their numbers").set_defaults(func=_list)
    rate = sub.add_parser("rate", help="how many segments per second a number may send")
    rate.add_argument("number", help="the number, short code or Messaging Service SID")
    rate.add_argument(
        "rate",
        help="segments per second (e.g. 4); long_code (1), toll_free (3), short_code (100); "
        "kind (Twilio's limit for this number's kind); default (SMSAPP_SEND_RATE)",
    )
    rate.set_defaults(func=_rate)


def _create(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(NAME_OPTION):
        org = organisations.create_organisation(
            session,
            args.name,
            args.number,
            runtime.now(),
            country=args.country,
            tz=args.timezone,
            help_contact=args.help_contact,
        )
        session.commit()
        numbers = ", ".join(n.address for n in org.numbers)
        print(f"created organisation {org.name} (id {org.id}) with {numbers}")
    return 0


def _rate(args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session, commands.option_errors(NAME_OPTION):
        number = organisations.set_number_rate(session, args.number, args.rate)
        session.commit()
        shown = "SMSAPP_SEND_RATE" if number.rate is None else f"{number.rate:g} segments/s"
        print(f"{number.address} ({number.kind}) sends at {shown}")
    return 0


def _list(_args: argparse.Namespace) -> int:
    runtime = commands.make_runtime()
    with runtime.session() as session:
        for org in organisations.all_organisations(session):
            numbers = ",".join(_shown(n.address, n.rate) for n in org.numbers) or "-"
            print(f"{org.id}\t{org.name}\t{org.country}\t{org.tz}\t{numbers}")
    return 0


def _shown(address: str, rate: float | None) -> str:
    return address if rate is None else f"{address}@{rate:g}/s"


NAME_OPTION = {
    "name": "NAME",
    "number": "--number",
    "country": "--country",
    "timezone": "--timezone",
    "help_contact": "--help-contact",
    "rate": "RATE",
}
