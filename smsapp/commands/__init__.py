"""Subcommands of `smsapp`, one module per group."""

from __future__ import annotations

from smsapp import create_app, runtime_of
from smsapp.runtime import Runtime


def make_runtime() -> Runtime:
    return runtime_of(create_app(web=False))
