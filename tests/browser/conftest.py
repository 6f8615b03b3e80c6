"""Browser tests: Debian's Chromium at /usr/bin/chromium, driven by Playwright.

Without Chromium they are deselected at collection, with the reason printed, unless
SMSAPP_REQUIRE_BROWSER=1 (CI), where they stay selected and fail loudly. One browser
serves the whole session; each test gets a fresh phone-sized context (own cookies).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
TIMEOUT_MS = 8000
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


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


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The test app on a real port, with CSRF checks on as in production."""
    from werkzeug.serving import make_server

    from smsapp.services.domain.risk.lexicon import load_lexicon

    load_lexicon()  # built at start, as a production web process does (create_app warms
    # it): a page's first text must not wait seconds for it past the browser's timeout
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def new_phone(chromium: Any, served: str) -> Iterator[Callable[[], Any]]:
    """Makes pages in fresh 390×844 contexts (one per signed-in person)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = chromium.new_context(viewport=PHONE, base_url=served)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return _watch_csp(context.new_page())

    yield make
    for context in contexts:
        context.close()


def _watch_csp(page: Any) -> Any:
    """Chromium reports on the console what the Content-Security-Policy blocked: keep it
    on the page (`page.csp_violations`) for tests to check."""
    page.csp_violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text),
    )
    return page


@pytest.fixture
def page(new_phone: Callable[[], Any]) -> Any:
    return new_phone()


@pytest.fixture
def new_page(chromium: Any, served: str) -> Iterator[Callable[[str], Any]]:
    """Makes pages in fresh contexts of a named size: "phone" (390×844), "desktop" (1280×800)."""
    contexts: list[Any] = []

    def make(size: str) -> Any:
        context = chromium.new_context(viewport=SIZES[size], base_url=served)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return _watch_csp(context.new_page())

    yield make
    for context in contexts:
        context.close()
