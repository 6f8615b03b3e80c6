"""smsapp flows validate FILE... and smsapp flows test TRANSCRIPT..."""

from __future__ import annotations

import argparse

from smsapp.flows.loader import validate_file


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("flows", help="flow definitions")
    sub = parser.add_subparsers(dest="flows_command", required=True)
    validate = sub.add_parser("validate", help="validate and lint flow YAML files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(func=_validate)
    test = sub.add_parser("test", help="run conversation transcripts against the real router")
    test.add_argument("files", nargs="+")
    test.set_defaults(func=_test)


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


def _test(args: argparse.Namespace) -> int:
    from smsapp.testing.transcripts import TranscriptError, run_file

    failed = 0
    for path in args.files:
        try:
            result = run_file(path)
        except OSError as exc:
            print(f"{path}: cannot read ({exc.strerror})")
            failed += 1
            continue
        except TranscriptError as exc:
            print(f"{path}: {exc}")
            failed += 1
            continue
        for failure in result.failures:
            print(failure.format(path))
        failed += not result.ok
        if result.ok:
            print(f"{path}: ok")
    print(f"{len(args.files) - failed} passed, {failed} failed")
    return 1 if failed else 0
