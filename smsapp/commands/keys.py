"""smsapp keys generate | rotate [--batch-size N]"""

from __future__ import annotations

import argparse

from smsapp import commands
from smsapp.crypto import ENV_VAR, Keyring
from smsapp.db import Base
from smsapp.services.domain.privacy import rotation


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("keys", help="encryption keys")
    sub = parser.add_subparsers(dest="keys_command", required=True)
    sub.add_parser("generate", help="print a new encryption key").set_defaults(func=_generate)
    rotate = sub.add_parser("rotate", help="re-encrypt everything with the newest key (resumable)")
    rotate.add_argument("--batch-size", type=int, default=rotation.DEFAULT_BATCH_SIZE)
    rotate.set_defaults(func=_rotate)


def _generate(_args: argparse.Namespace) -> int:
    print(Keyring.generate_key())
    print(
        f"Put it first in {ENV_VAR} (newest first, comma-separated), restart, run "
        "`smsapp keys rotate`, and only then remove the old key.",
    )
    return 0


def _rotate(args: argparse.Namespace) -> int:
    import smsapp.models  # noqa: F401  (every table in the metadata)

    runtime = commands.make_runtime()
    if runtime.keyring.key_count < 2:
        print(f"note: {ENV_VAR} holds one key; values already on it are left as they are")
    try:
        report = rotation.rotate_keys(
            runtime.engine,
            runtime.keyring,
            Base.metadata,
            batch_size=args.batch_size,
            after_batch=_progress,
        )
    except rotation.RotationError as error:
        print(f"smsapp: key rotation stopped: {error}")
        return 1
    print(f"re-encrypted {report.rotated} values in {report.rows} rows ({report.batches} batches)")
    return 0


def _progress(done: rotation.BatchDone) -> None:
    print(f"{done.table}: up to id {done.last_id}, {done.rotated} values re-encrypted")
