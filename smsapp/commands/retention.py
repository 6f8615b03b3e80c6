"""smsapp retention run [--batch-size N]"""

from __future__ import annotations

import argparse

from smsapp import commands
from smsapp.jobs.retention import run_retention
from smsapp.services.domain.privacy.retention import DEFAULT_BATCH_SIZE


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("retention", help="delete or blank data past its retention")
    sub = parser.add_subparsers(dest="retention_command", required=True)
    run = sub.add_parser("run", help="apply every organisation's retention settings now")
    run.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise ValueError("--batch-size must be at least 1")
    for result in run_retention(commands.make_runtime(), batch_size=args.batch_size):
        print(f"organisation {result.organisation_id}: {result.counts.summary()}")
    return 0
