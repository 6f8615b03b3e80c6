"""Production-shape tests: gunicorn and worker.py as processes on PostgreSQL and Redis.

They need DATABASE_URL (PostgreSQL) and REDIS_URL; without them they are deselected with
a printed reason. CI's PostgreSQL and Redis run sets SMSAPP_REQUIRE_SERVICES=1, which
turns their absence into a failure. See harness.py for how to use `production`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.harness import Production, production

HERE = Path(__file__).resolve().parent


def _missing() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        return "DATABASE_URL (PostgreSQL)"
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL (a real Redis)"
    return ""


# Setting up by CLI and starting processes takes seconds each on a loaded machine; the
# suite's default of 120 s per test (set-up and tear-down included) is too short for that.
TIMEOUT = 600


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mine = [item for item in items if Path(str(item.fspath)).is_relative_to(HERE)]
    for item in mine:
        item.add_marker(pytest.mark.timeout(TIMEOUT))
    missing = _missing()
    if not missing or os.environ.get("SMSAPP_REQUIRE_SERVICES") == "1":
        return
    if not mine:
        return
    items[:] = [item for item in items if item not in mine]
    config.hook.pytest_deselected(items=mine)
    config.get_terminal_writer().line(
        f"production-shape tests deselected ({len(mine)}): they need {missing}; "
        "SMSAPP_REQUIRE_SERVICES=1 makes this a failure"
    )


@pytest.fixture
def prod(tmp_path: Path) -> Iterator[Production]:
    """The service running as in production (gunicorn + worker.py + the Twilio stand-in)."""
    missing = _missing()
    if missing:
        pytest.fail(f"production-shape tests need {missing}")
    with production(tmp_path, os.environ["DATABASE_URL"], os.environ["REDIS_URL"]) as running:
        yield running
