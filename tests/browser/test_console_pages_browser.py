"""Every main console page fits a 390×844 phone and a 1280×800 screen, for a coordinator
and a facilitator.

Each page is opened in Chromium, checked for horizontal scrolling and saved as a
full-page screenshot under test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from smsapp.models import Member
from smsapp.services.domain import escalation, meetings
from smsapp.services.domain.checkins import record_mood
from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot

COORDINATOR_PAGES = (  # screenshot name, path, the page's heading, something it must show
    ("dashboard", "/console/dashboard", "Dashboard", "asked to talk"),
    ("cases", "/console/cases", "Open cases", "asked to talk"),
    ("members", "/console/members", "Members", "Sam"),
    ("groups", "/console/groups", "Groups", "Hope Circle"),
    ("meetings", "/console/meetings", "Meetings", "Tuesday circle"),
    ("settings", "/console/settings", "Organisation settings", "Quiet"),
    ("staff", "/console/staff", "Staff", "Alice"),
    ("messages", "/console/messages", "Message log", "escalation"),
    ("reports", "/console/reports", "Reports", "Hope Circle"),
    ("flows", "/console/flows", "Flows", "checkin"),
    ("simulator", "/console/simulator", "Phone simulator", "Member phone"),
)
FACILITATOR_PAGES = (
    ("dashboard", "/console/dashboard", "Dashboard", "asked to talk"),
    ("cases", "/console/cases", "Open cases", "asked to talk"),
    ("members", "/console/members", "Members", "Sam"),
)


def _a_case_with_moods(world, phones) -> int:
    """Sam answered check-ins for a week and asked for a person; texts are in the log."""
    rt = world.runtime
    with rt.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        for days_ago, score in enumerate((4, 3, 3, 2, 4, 5, 3)):
            record_mood(s, sam, score, None, rt.now() - timedelta(days=7 - days_ago))
        case = escalation.open_case(
            s, member=sam, urgency="normal", source="talk", reason="asked to talk", now=rt.now()
        )
        meetings.create_series(
            s,
            s.merge(world.hope),
            title="Tuesday circle",
            start_local="2026-03-03T18:30:00",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            now=rt.now(),
        )
        s.commit()
        case_id = case.id
    phones.text("sam", "HELP")
    phones.drain()
    return case_id


def _visit(page: Page, role: str, name: str, path: str, heading: str, shows: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response}"
    expect(page.locator("main h1")).to_contain_text(heading)
    expect(page.locator("main")).to_contain_text(shows, ignore_case=True)
    shot = screenshot(page, f"{role}-{name}")
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390 wide (see {shot})"
    assert page.csp_violations == [], f"{path}: the page needs something the CSP blocks"


def _visit_case(page: Page, role: str, case_id: int) -> None:
    _visit(page, role, "case", f"/console/cases/{case_id}", f"Case #{case_id}", "Mood, last")
    # The chart library drew the mood scores (a canvas with real pixels, not a fallback).
    expect(page.locator("#mood-chart")).to_be_visible()
    drawn = page.evaluate("!!window.Chart && !!Chart.getChart('mood-chart')")
    assert drawn, "the mood chart was not drawn"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_coordinator_pages_fit_the_screen(new_page, size: str, world, phones) -> None:
    page = new_page(size)
    case_id = _a_case_with_moods(world, phones)
    log_in(page, "carol")
    role = f"coordinator-{size}"
    for name, path, heading, shows in COORDINATOR_PAGES:
        _visit(page, role, name, path, heading, shows)
    _visit_case(page, role, case_id)
    page.goto("/console/flows")
    page.locator("main table a").first.click()
    expect(page.locator("main h1")).to_contain_text("Flow:")
    _visit(page, role, "flow-editor", page.url, "Flow:", "Preview")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_facilitator_pages_fit_the_screen(new_page, size: str, world, phones) -> None:
    page = new_page(size)
    case_id = _a_case_with_moods(world, phones)
    log_in(page, "alice")
    role = f"facilitator-{size}"
    for name, path, heading, shows in FACILITATOR_PAGES:
        _visit(page, role, name, path, heading, shows)
    _visit_case(page, role, case_id)
    expect(page.get_by_role("button", name="ACK — I have this")).to_be_visible()
