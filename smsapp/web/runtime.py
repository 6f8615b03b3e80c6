"""The runtime of the app handling the current request."""

from __future__ import annotations

from flask import current_app

from smsapp.runtime import Runtime


def runtime() -> Runtime:
    value: Runtime = current_app.extensions["smsapp"]
    return value
