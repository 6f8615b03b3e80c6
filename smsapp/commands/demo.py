"""smsapp demo [--port N]"""

from __future__ import annotations

import argparse
import os


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="seed a demo organisation and run everything")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from smsapp.demo.runner import run

    return run(port=args.port, host=args.host)
