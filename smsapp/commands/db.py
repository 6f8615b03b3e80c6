"""smsapp db upgrade | check"""

from __future__ import annotations

import argparse

from smsapp import migrate
from smsapp.commands import make_runtime


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="database schema")
    sub = parser.add_subparsers(dest="db_command", required=True)
    sub.add_parser("upgrade", help="apply migrations").set_defaults(func=_upgrade)
    sub.add_parser("check", help="fail if models and migrations disagree").set_defaults(func=_check)


def _upgrade(_args: argparse.Namespace) -> int:
    migrate.upgrade(make_runtime().engine)
    print("database is up to date")
    return 0


def _check(_args: argparse.Namespace) -> int:
    migrate.check(make_runtime().engine)
    print("models and migrations agree")
    return 0
