"""Tests that run worker.py as a real process: they need a real Redis (and share the
database with it). Embedded runs deselect them with a printed reason; CI's PostgreSQL and
Redis run sets SMSAPP_REQUIRE_SERVICES=1, which turns their absence into a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("REDIS_URL") or os.environ.get("SMSAPP_REQUIRE_SERVICES") == "1":
        return
    mine = [item for item in items if Path(str(item.fspath)).is_relative_to(HERE)]
    for item in mine:
        items.remove(item)
    if mine:
        config.get_terminal_writer().line(
            f"worker-process tests deselected ({len(mine)}): they need REDIS_URL (a real Redis)"
        )
