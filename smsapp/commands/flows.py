"""smsapp flows validate FILE..."""

from __future__ import annotations

import argparse

from smsapp.flows.loader import validate_file


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("flows", help="flow definitions")
    sub = parser.add_subparsers(dest="flows_command", required=True)
    validate = sub.add_parser("validate", help="validate and lint flow YAML files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            issues = validate_file(path)
        except OSError as exc:
            print(f"{path}: cannot read ({exc.strerror})")
            failed = True
            continue
        for issue in issues:
            print(issue.format(path))
        errors = [i for i in issues if i.severity == "error"]
        failed = failed or bool(errors)
        if not issues:
            print(f"{path}: ok")
    return 1 if failed else 0
