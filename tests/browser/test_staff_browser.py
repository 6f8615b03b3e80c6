"""A coordinator invites a facilitator, who sets a password from the link and starts work;
later the coordinator deactivates the account (asked first) and its login ends."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_helpers import horizontal_overflow, log_in, open_menu, screenshot

NEW_PASSWORD = "harbor lights 2026"


def _check(page: Page, name: str) -> None:
    shot = screenshot(page, name)
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways (see {shot})"
    assert page.csp_violations == [], page.csp_violations


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_coordinator_invites_a_facilitator_who_sets_a_password(new_page, size: str, world) -> None:
    coordinator = new_page(size)
    log_in(coordinator, "carol")
    open_menu(coordinator)
    coordinator.get_by_role("link", name="Staff").click()
    expect(coordinator.locator("main h1")).to_have_text("Staff")
    coordinator.get_by_label("Name", exact=True).fill("Erin Park")
    coordinator.get_by_label("Email").fill("erin@example.org")
    coordinator.get_by_label("Facilitator", exact=False).check()
    coordinator.get_by_label("Hope Circle").check()
    _check(coordinator, f"staff-{size}-invite")
    coordinator.get_by_role("button", name="Invite").click()

    expect(coordinator.locator("main h1")).to_have_text("Erin Park")
    link = coordinator.locator("#account-link").inner_text().strip()
    expect(coordinator.get_by_role("button", name="Copy link")).to_be_visible()
    _check(coordinator, f"staff-{size}-link")
    coordinator.reload()
    expect(coordinator.locator("#account-link")).to_have_count(0)  # shown once

    facilitator = new_page(size)
    assert link.startswith("https://sms.example.org/console/welcome/")  # PUBLIC_BASE_URL
    facilitator.goto(urlsplit(link).path)
    expect(facilitator.locator("main h1")).to_have_text("Welcome, Erin Park")
    facilitator.get_by_label("New password").fill(NEW_PASSWORD)
    facilitator.get_by_label("The same password again").fill("something else entirely")
    facilitator.get_by_role("button", name="Set password and log in").click()
    expect(facilitator.locator(".error-summary")).to_contain_text("the two passwords differ")
    _check(facilitator, f"staff-{size}-welcome-error")
    facilitator.get_by_label("New password").fill(NEW_PASSWORD)
    facilitator.get_by_label("The same password again").fill(NEW_PASSWORD)
    facilitator.get_by_role("button", name="Set password and log in").click()
    expect(facilitator.locator("main h1")).to_have_text("Dashboard")
    expect(facilitator.locator("main")).to_contain_text("Welcome, Erin Park")

    coordinator.get_by_role("link", name="Deactivate…").click()
    expect(coordinator.locator("main h1")).to_have_text("Deactivate Erin Park?")
    _check(coordinator, f"staff-{size}-deactivate")
    coordinator.get_by_role("button", name="Deactivate Erin Park").click()
    expect(coordinator.locator("main")).to_contain_text("Erin Park is deactivated")

    facilitator.reload()
    expect(facilitator.locator("main h1")).to_have_text("Log in")
