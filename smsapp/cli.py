"""The `smsapp` command. Each group of subcommands lives in smsapp/commands/<name>.py and
exposes `register(subparsers)`; a subcommand sets `func(args) -> int`."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "db",
    "orgs",
    "users",
    "groups",
    "oncall",
    "members",
    "announce",
    "tokens",
    "demo",
    "flows",
    "keys",
    "retention",
    "worker_tools",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsapp", description="SMS check-ins for peer support groups"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"smsapp.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"smsapp.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, LookupError, PermissionError) as exc:
        print(f"smsapp: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
