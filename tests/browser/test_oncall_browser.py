"""A coordinator on a 390×844 phone builds the on-call rota, sees a policy that would
reach nobody refused in words, and sees the dashboard's alarm when a case reached nobody.
Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

from playwright.sync_api import expect

from smsapp.models import User
from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot
from tests.safety.safety_helpers import CRISIS


def _fits(page, name: str) -> None:
    shot = screenshot(page, name)
    assert horizontal_overflow(page) <= 0, f"scrolls sideways (see {shot})"
    assert page.csp_violations == []


def test_a_coordinator_builds_the_rota_on_a_phone(new_page, world) -> None:
    page = new_page("phone")
    log_in(page, "carol")
    page.goto("/console/oncall")
    expect(page.locator("main h1")).to_have_text("On call")
    expect(page.locator("main")).to_contain_text("Carol")
    page.get_by_label("Who", exact=True).first.select_option(label="Bob")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(day, exact=True).check()
    page.locator("#shift-starts").fill("18:00")
    page.locator("#shift-ends").fill("08:00")
    page.get_by_role("button", name="Add shift").click()
    expect(page.locator("main")).to_contain_text("Shift added to the rota.")
    expect(page.locator("main")).to_contain_text("6:00 PM to 8:00 AM the next day")
    _fits(page, "coordinator-phone-oncall")


def test_refusals_and_alarms_read_plainly_on_a_phone(new_page, world, phones) -> None:
    with world.runtime.session() as s:
        alice = s.get(User, world.users["alice"].id)
        alice.phone, alice.phone_hash = None, None
        s.commit()
    phones.text("sam", CRISIS)
    phones.drain()
    page = new_page("phone")
    log_in(page, "carol")
    expect(page.locator("main")).to_contain_text("Nobody could be reached")
    _fits(page, "coordinator-phone-dashboard-alarm")
    page.goto(f"/console/groups/{world.hope.id}")
    page.locator("#level-1-target").select_option("user")
    page.locator("#level-1-user").select_option(label="Alice (facilitator)")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".error-summary")).to_contain_text("This policy would reach nobody")
    expect(page.locator(".error-summary")).to_be_in_viewport()
    _fits(page, "coordinator-phone-policy-refused")
    page.goto("/console/cases/1")
    expect(page.locator("main")).to_contain_text("Level 2 (on call), round 1: texted 1 person")
    _fits(page, "coordinator-phone-case-trail")
