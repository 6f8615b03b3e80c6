"""The simulator at phone size, in Chromium: join, check in, ask for a person, ACK, jump."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot


def _text(page: Page, who: str, body: str) -> None:
    form = page.locator(f"form[data-phone={who}]")
    form.get_by_role("textbox").fill(body)
    form.get_by_role("button", name="Send").click()


def _last(page: Page, who: str) -> Locator:
    return page.locator(f"[data-chat={who}] .bubble").last


def _next_event(page: Page) -> None:
    clock = page.locator("[data-clock]")
    before = clock.get_attribute("data-now") or ""
    page.get_by_role("button", name="Next event").click()
    expect(clock).not_to_have_attribute("data-now", before)


def test_simulator_flow_at_phone_size(page: Page, world) -> None:
    log_in(page, "carol")
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
    expect(_last(page, "member")).to_contain_text("A facilitator has been asked")
    alert = page.locator("[data-chat=facilitator] .bubble-out", has_text="Reply ACK").first
    expect(alert).to_be_visible()

    _text(page, "facilitator", "ACK")
    expect(_last(page, "facilitator")).to_contain_text("is yours")
    expect(_last(page, "member")).to_contain_text("has your message")
    # While the conversation lasts, automation is paused; DONE ends it.
    _text(page, "facilitator", "DONE talked, all good")
    expect(_last(page, "facilitator")).to_contain_text("resolved")

    upcoming = page.locator("[data-next] .next-item").first
    for _ in range(8):
        if "Meeting reminder" in upcoming.inner_text():
            break
        _next_event(page)
    expect(upcoming).to_contain_text("Meeting reminder")
    expect(upcoming).to_contain_text("America/New_York")
    _next_event(page)
    expect(_last(page, "member")).to_contain_text("Reminder: Sandbox meets")

    assert horizontal_overflow(page) <= 0
    screenshot(page, "simulator-after-flow")
