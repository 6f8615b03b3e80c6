"""Reaching the person: the console's logged-in browsers are needed here too."""

from tests.console.conftest import Browser, browser  # noqa: F401  (fixtures)
