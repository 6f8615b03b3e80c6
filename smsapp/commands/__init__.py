"""Subcommands of `smsapp`, one module per group."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from smsapp import create_app, runtime_of
from smsapp.runtime import Runtime


def make_runtime() -> Runtime:
    return runtime_of(create_app(web=False))


@contextmanager
def option_errors(options: Mapping[str, str]) -> Iterator[None]:
    """A service's refusal names its field; the operator reads the option they typed.

    Services raise ValueErrors with a `field` attribute (a form field's name); this turns
    them into one line that starts with the command-line option at fault.
    """
    try:
        yield
    except ValueError as exc:
        field = getattr(exc, "field", "")
        if not field:
            raise
        option = options.get(field, f"--{field.replace('_', '-')}")
        raise ValueError(f"{option}: {exc}") from None
