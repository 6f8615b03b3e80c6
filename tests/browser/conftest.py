"""Browser tests need Chromium at /usr/bin/chromium.

Without it they are deselected at collection, with the reason printed, unless
SMSAPP_REQUIRE_BROWSER=1 (CI), where they stay selected and fail loudly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent


def browser_available() -> bool:
    return CHROMIUM.exists()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if browser_available() or os.environ.get("SMSAPP_REQUIRE_BROWSER") == "1":
        return
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if not ours:
        return
    items[:] = [item for item in items if item not in ours]
    config.hook.pytest_deselected(items=ours)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    reason = (
        f"browser tests deselected: {CHROMIUM} not found (set SMSAPP_REQUIRE_BROWSER=1 to fail)"
    )
    if reporter is not None:
        reporter.write_line(reason)
    else:
        print(reason)
