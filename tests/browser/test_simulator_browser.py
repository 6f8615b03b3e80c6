"""The simulator at phone size, in Chromium: join, check in, ask for a person, ACK, jump."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.factories import PASSWORD

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 8000


@pytest.fixture
def served(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(served: str) -> Iterator[Page]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=served)
        context.set_default_timeout(TIMEOUT_MS)
        yield context.new_page()
        context.close()
        browser.close()


def _text(page: Page, who: str, body: str) -> None:
    form = page.locator(f"form[data-phone={who}]")
    form.locator("input[name=body]").fill(body)
    form.locator("button[type=submit]").click()


def _last(page: Page, who: str):
    return page.locator(f"[data-chat={who}] .bubble").last


def _next_event(page: Page) -> None:
    clock = page.locator("[data-clock]")
    before = clock.inner_text()
    page.get_by_role("button", name="Next event").click()
    expect(clock).not_to_have_text(before)


def test_simulator_flow_at_phone_size(page: Page, world) -> None:
    page.goto("/console/login")
    page.get_by_label(re.compile("email", re.I)).fill("carol@example.org")
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.goto("/console/simulator")
    code = page.locator("[data-code]").inner_text().strip()

    _text(page, "member", f"JOIN {code}")
    expect(_last(page, "member")).to_contain_text("Reply YES to join")
    _text(page, "member", "YES")
    expect(_last(page, "member")).to_contain_text("Welcome to Sandbox")

    _next_event(page)
    expect(_last(page, "member")).to_contain_text("how are you today")
    _text(page, "member", "2")
    expect(_last(page, "member")).to_contain_text("Hard days are real")
    _text(page, "member", "TALK")
    alert = page.locator("[data-chat=facilitator] .bubble-out", has_text="Reply ACK").first
    expect(alert).to_be_visible()

    _text(page, "facilitator", "ACK")
    expect(_last(page, "facilitator")).to_contain_text("is yours")

    upcoming = page.locator("[data-next] .next-item").first
    for _ in range(8):
        if "Meeting reminder" in upcoming.inner_text():
            break
        _next_event(page)
    expect(upcoming).to_contain_text("Meeting reminder")
    expect(upcoming).to_contain_text("America/New_York")
    _next_event(page)
    expect(_last(page, "member")).to_contain_text("Reminder: Sandbox meets")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
