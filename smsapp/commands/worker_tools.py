"""smsapp tick | text PHONE BODY (local testing helpers)"""

from __future__ import annotations

import argparse
import uuid

from smsapp.commands import make_runtime
from smsapp.jobs.tick import tick
from smsapp.phones import normalise_phone
from smsapp.receive import receive_sms


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser("tick", help="enqueue what is due, once").set_defaults(func=_tick)
    text = subparsers.add_parser("text", help="feed one inbound text through the router")
    text.add_argument("phone")
    text.add_argument("body")
    text.add_argument("--to", default="", help="the number texted (default: TWILIO_FROM_NUMBER)")
    text.set_defaults(func=_text)


def _tick(_args: argparse.Namespace) -> int:
    report = tick(make_runtime())
    print(f"enqueued {report.timers} timers and {report.sends} sends")
    return 0


def _text(args: argparse.Namespace) -> int:
    runtime = make_runtime()
    received = receive_sms(
        runtime,
        sid=f"SMcli{uuid.uuid4().hex}",
        phone=normalise_phone(args.phone),
        body=args.body,
        to=args.to or runtime.settings.twilio_from_number,
    )
    print(received.reply or "(no reply)")
    return 0
