"""A coordinator announces something to a group on a phone (390×844): the page asks first,
showing the segment count and encoding, then lists the announcement with its counts."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot

TEXT = "No meeting Wednesday: the hall is closed. See you next week \u2014 Carol"


def test_a_coordinator_checks_the_cost_then_sends_on_a_phone(page, world, phones) -> None:
    log_in(page, "carol")
    page.goto(f"/console/groups/{world.hope.id}/announcements")
    expect(page.locator("main h1")).to_have_text("Announcements to Hope Circle")

    page.get_by_role("button", name="Check and send…").click()
    expect(page.locator(".error-summary")).to_contain_text("the text is empty")

    page.get_by_label("Text").fill(TEXT)
    page.get_by_label("Send at (optional)").fill("2026-03-01T09:00")
    page.get_by_role("button", name="Check and send…").click()
    expect(page.locator(".error-summary")).to_contain_text("has already passed")
    expect(page.get_by_label("Text")).to_have_value(TEXT)  # what was typed is kept

    page.get_by_label("Send at (optional)").fill("")
    page.get_by_role("button", name="Check and send…").click()
    expect(page.locator("main h1")).to_have_text("Send this announcement?")
    cost = page.locator("[data-test=cost]")
    expect(cost).to_contain_text("1 segment")
    expect(cost).to_contain_text("UCS-2")
    expect(page.locator("main")).to_contain_text("is not in the GSM-7 alphabet")
    assert horizontal_overflow(page) == 0
    screenshot(page, "announcement-confirm-phone")
    assert phones.received("sam") == []  # nothing goes before the second press

    page.get_by_role("button", name="Send to 2 members").click()
    expect(page.locator("main h1")).to_have_text("Announcements to Hope Circle")
    expect(page.locator("table[aria-label=Announcements]")).to_contain_text("No meeting")
    phones.drain()
    assert phones.received("sam") == [TEXT] and phones.received("maria") == [TEXT]
    page.reload()
    expect(page.locator("td[data-label=Sent]").first).to_have_text("2")
    assert horizontal_overflow(page) == 0
    screenshot(page, "announcements-phone")
    assert page.csp_violations == []
