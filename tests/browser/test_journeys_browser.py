"""Two journeys walked in Chromium as the people would, at 390×844 and 1280×800.

A coordinator invites a facilitator from the staff page, sets up a group with a weekly
meeting, a check-in time and a two-level escalation policy, and imports members from a CSV;
the facilitator opens the link the invitation mailed her, sets a password, logs in with it
and works the case a new member's text opened. A facilitator works a case that a member's
text opened (the list, ACK, a reply in the case chat, DONE with a note). Every step checks
what the person sees, that nothing scrolls sideways, that the CSP blocked nothing, and saves
a screenshot under test-artifacts/screenshots/journey-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from smsapp.config import Settings
from tests.browser.browser_helpers import horizontal_overflow, log_in, open_menu, screenshot
from tests.smtp_stand_in import mailing_through, serve_smtp

SIZES = ("phone", "desktop")
ERIN_PASSWORD = "rising tide 2026 evenings"
ERIN_PHONE = "+12025550131"
BEN = "+12025550122"  # Ben Carter, from the CSV
CSV = (
    "name,phone,group,language\n"
    "Ana Lopez,+1 202 555 0121,RISING,es\n"
    "Ben Carter,(202) 555-0122,RISING,en\n"
    "Cy,not a number,RISING,en\n"
)


class Journey:
    """One person's walk: each `step` checks the page fits and saves a numbered screenshot."""

    def __init__(self, page: Page, name: str) -> None:
        self.page, self.name, self.count = page, name, 0

    def step(self, what: str) -> Path:
        self.count += 1
        shot = screenshot(self.page, f"journey-{self.name}-{self.count:02d}-{what}")
        overflow = horizontal_overflow(self.page)
        assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow}px (see {shot})"
        assert self.page.csp_violations == [], f"{what}: {self.page.csp_violations}"
        return shot

    def go(self, link: str) -> None:
        """Follow a link of the main navigation (behind the Menu button on a phone)."""
        open_menu(self.page)
        self.page.locator(".site-menu nav").get_by_role("link", name=link, exact=True).click()


@pytest.fixture
def smtp() -> Iterator[Any]:
    """The mail server the console sends invitations through (tests.smtp_stand_in)."""
    with serve_smtp() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, smtp: Any) -> Settings:
    return mailing_through(settings, smtp)


def _mailed_link(smtp: Any, to: str) -> str:
    """The one-time link in the invitation mailed to `to`, as a path of the served app."""
    (mail,) = [m for m in smtp.received if m["To"] == to]
    assert "invited" in mail["Subject"], mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    found = re.search(r"https?://\S+/console/welcome/[\w-]+", body)
    assert found, body
    # The link starts with PUBLIC_BASE_URL (the tests' https://sms.example.org); the browser
    # opens the same path on the server the tests run.
    return urlsplit(found.group(0)).path


@pytest.mark.parametrize("size", SIZES)
def test_coordinator_sets_up_a_group(
    new_page: Callable[[str], Page],
    size: str,
    world: Any,
    tmp_path: Path,
    phones: Any,
    smtp: Any,
) -> None:
    page = new_page(size)
    walk = Journey(page, f"coordinator-{size}")
    log_in(page, "carol")
    walk.step("dashboard")

    # Erin is invited from the staff page; the link is mailed to her.
    walk.go("Staff")
    expect(page.locator("main h1")).to_have_text("Staff")
    page.get_by_label("Name", exact=True).fill("Erin Park")
    page.get_by_label("Email").fill("erin@example.org")
    page.get_by_label("Facilitator", exact=False).check()
    page.get_by_label("Mobile number (optional)").fill("+1 202 555 0131")
    walk.step("staff-invite")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("main h1")).to_have_text("Erin Park")
    expect(page.locator("main")).to_contain_text("We emailed this link to erin@example.org")
    walk.step("staff-invited")
    welcome = _mailed_link(smtp, "erin@example.org")

    # A new group, Erin facilitating it.
    walk.go("Groups")
    expect(page.locator("main h1")).to_have_text("Groups")
    page.get_by_role("link", name="New group").click()
    expect(page.locator("main h1")).to_have_text("New group")
    page.get_by_label("Code").fill("RISING")
    page.get_by_label("Name", exact=True).fill("Rising Tide")
    page.get_by_label("Time zone").fill("America/Chicago")
    page.get_by_label("Erin Park").check()
    walk.step("new-group")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Group RISING created.")
    expect(page.get_by_label("Erin Park")).to_be_checked()
    expect(page.locator("main h1")).to_have_text("Rising Tide (RISING)")
    walk.step("group-created")

    # Two levels: the group's facilitators for 5/30 minutes, then Carol herself.
    policy = page.locator("#policy")
    policy.get_by_label("Who is texted").nth(0).select_option(label="the group's facilitators")
    policy.locator("#level-0-normal").fill("30")
    policy.get_by_label("Who is texted").nth(1).select_option(label="one person")
    policy.locator("#level-1-user").select_option(label="Carol (coordinator)")
    walk.step("policy")
    policy.get_by_role("button", name="Save policy").click()
    expect(page.locator(".flash")).to_have_text("Escalation policy saved.")
    expect(page.locator("#level-0-target")).to_have_value("group_facilitators")
    expect(page.locator("#level-0-normal")).to_have_value("30")
    expect(page.locator("#level-1-target")).to_have_value("user")
    walk.step("policy-saved")

    # Check-ins every weekday at 7 PM Chicago time.
    page.get_by_role("link", name="Check-in schedule").click()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_label("Time").fill("19:00")
    walk.step("checkins")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Check-in schedule saved")
    expect(page.locator("main")).to_contain_text(
        "Check-ins: Monday, Tuesday, Wednesday, Thursday and Friday at 7:00 PM Chicago time."
    )
    walk.step("checkins-saved")

    # A weekly meeting on Wednesdays at 7 PM, reminded a day and two hours before.
    walk.go("Meetings")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Group").select_option(label="Rising Tide (America/Chicago)")
    page.get_by_label("Title").fill("Wednesday circle")
    page.get_by_label("Where").fill("Library, room 2")
    page.get_by_label("First meeting").fill("2026-03-04")
    page.get_by_label("Starts at").fill("19:00")
    page.get_by_label("Every week (or every few weeks)").check()
    page.get_by_label("Wednesday").check()
    walk.step("meeting-form")
    page.get_by_role("button", name="Save meeting").click()
    main = page.locator("main")
    expect(main).to_contain_text("Wednesday circle")
    expect(main).to_contain_text("Every Wednesday, 7:00 PM")
    walk.step("meetings")

    # Members from a spreadsheet: two good rows, one with a bad number, reported by row.
    csv = tmp_path / "members.csv"
    csv.write_text(CSV)
    walk.go("Members")
    page.get_by_role("link", name="Import").click()
    expect(page.locator("main h1")).to_have_text("Import members from a CSV")
    page.get_by_label("CSV file").set_input_files(str(csv))
    walk.step("import")
    page.get_by_role("button", name="Import").click()
    report = page.locator("#report")
    expect(report).to_contain_text("2 members added, 1 row rejected")
    expect(report.locator("tr.rejected")).to_contain_text("4")
    walk.step("import-report")
    walk.go("Members")
    expect(page.locator("main")).to_contain_text("Ana Lopez")
    expect(page.locator("main")).to_contain_text("Ben Carter")
    walk.step("members")
    walk.go("Dashboard")
    expect(page.locator("main")).to_contain_text("Wednesday circle")
    walk.step("dashboard-after")

    # Erin opens the mailed link, sets her password, and logs in with it.
    erin = new_page(size)
    erin_walk = Journey(erin, f"coordinator-{size}-erin")
    erin.goto(welcome)
    expect(erin.locator("main h1")).to_have_text("Welcome, Erin Park")
    erin.get_by_label("New password").fill(ERIN_PASSWORD)
    erin.get_by_label("The same password again").fill(ERIN_PASSWORD)
    erin_walk.step("welcome")
    erin.get_by_role("button", name="Set password and log in").click()
    expect(erin.locator("main h1")).to_have_text("Dashboard")
    expect(erin.locator("main")).to_contain_text("Welcome, Erin Park")
    open_menu(erin)
    erin.locator(".site-menu form.logout button").click()
    expect(erin.locator("main h1")).to_have_text("Log in")
    erin.goto(welcome)
    expect(erin.locator("main")).to_contain_text("no longer works")  # it worked once
    erin.goto("/console/login")
    erin.get_by_label("Email").fill("erin@example.org")
    erin.get_by_label("Password").fill(ERIN_PASSWORD)
    erin.get_by_role("button", name="Log in").click()
    expect(erin.locator("main h1")).to_have_text("Dashboard")
    erin_walk.step("erin-dashboard")
    erin.goto("/console/members")
    expect(erin.locator("main")).to_contain_text("Ana Lopez")
    expect(erin.locator("main")).not_to_contain_text("Sam")  # Hope Circle is not hers

    # Carol invites Ben by text; he says YES, then texts that he is in crisis.
    walk.go("Members")
    page.locator("main").get_by_role("link", name="Ben Carter").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Invite by SMS").click()
    expect(page.locator(".flash")).to_be_visible()
    walk.step("member-invited")
    phones.drain()
    assert phones.received(BEN), "Ben got no consent request"
    phones.text(BEN, "YES")
    phones.text(BEN, "I can't do this anymore, I want to kill myself")
    phones.drain()
    alerts = phones.received(ERIN_PHONE)
    assert any(t.startswith("URGENT case") and "(RISING)" in t for t in alerts), alerts

    # Erin works the case: ACK, a text to Ben, DONE with a note.
    erin_walk.go("Cases")
    case = erin.locator("main table").get_by_role("link", name="Texted about")
    expect(case).to_contain_text("thoughts of killing oneself")
    erin_walk.step("erin-cases")
    case.click()
    expect(erin.locator("main h1")).to_contain_text("open")
    case_id = int(erin.url.rsplit("/", 1)[-1].split("#")[0])
    erin.get_by_role("button", name="ACK — I have this").click()
    expect(erin.locator(".flash")).to_contain_text(f"Case {case_id} acknowledged")
    erin_walk.step("erin-case-acked")
    phones.drain()
    erin.get_by_label("Message to Ben").fill("Hi Ben, it's Erin from Rising Tide. Can you talk?")
    erin.get_by_role("button", name="Send").click()
    expect(erin.locator("#reach .chat")).to_contain_text("Can you talk?")
    erin_walk.step("erin-case-replied")
    phones.drain()
    assert any("it's Erin from Rising Tide" in t for t in phones.received(BEN))
    erin.get_by_label("Note").fill("Called Ben; he is with his sister tonight.")
    erin.get_by_role("button", name="DONE").click()
    expect(erin.locator(".flash")).to_have_text(f"Case {case_id} is done.")
    erin_walk.step("erin-case-done")


@pytest.mark.parametrize("size", SIZES)
def test_facilitator_works_a_case(
    new_page: Callable[[str], Page], size: str, world: Any, phones: Any
) -> None:
    page = new_page(size)
    walk = Journey(page, f"facilitator-{size}")
    # Sam texts the service's number; the crisis screen opens an urgent case and texts
    # Alice, the group's facilitator.
    reply = phones.text("sam", "I can't do this anymore, I want to kill myself")
    phones.drain()
    assert reply, "Sam got no answer"
    alerts = phones.received("alice")
    assert any(text.startswith("URGENT case") and "(HOPE)" in text for text in alerts), alerts

    log_in(page, "alice")
    walk.step("dashboard")
    walk.go("Cases")
    expect(page.locator("main h1")).to_contain_text("cases")
    case = page.locator("main table").get_by_role("link", name="Texted about")
    expect(case).to_contain_text("thoughts of killing oneself")
    expect(page.locator("main table")).to_contain_text("urgent")
    walk.step("cases")
    case.click()
    expect(page.locator("main h1")).to_contain_text("open")
    case_id = int(page.url.rsplit("/", 1)[-1].split("#")[0])
    messages = page.locator("section", has=page.get_by_role("heading", name="Messages"))
    expect(messages).to_contain_text("I want to kill myself")
    walk.step("case-open")

    page.get_by_role("button", name="ACK — I have this").click()
    expect(page.locator(".flash")).to_contain_text(f"Case {case_id} acknowledged")
    expect(page.locator("main h1")).to_contain_text("acked")
    expect(page.locator("main")).not_to_contain_text("ACK the case to text")
    walk.step("case-acked")
    phones.drain()

    page.get_by_label("Message to Sam").fill("Hi Sam, it's Alice. I'm here. Can you talk now?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#reach .chat")).to_contain_text("Can you talk now?")
    trail = page.locator("section", has=page.get_by_role("heading", name="Case trail"))
    expect(trail).to_contain_text("Alice took the case")
    expect(trail).to_contain_text("Member told — by Alice")
    walk.step("case-replied")
    phones.drain()
    assert any("Can you talk now?" in text for text in phones.received("sam"))

    page.get_by_label("Note").fill("Talked on the phone; Sam is safe tonight, calls tomorrow.")
    page.get_by_role("button", name="DONE").click()
    expect(page.locator(".flash")).to_have_text(f"Case {case_id} is done.")
    expect(page.locator("main h1")).to_have_text("Open cases")
    expect(page.locator("main")).to_contain_text("No open cases")
    walk.step("case-done")
    page.goto(f"/console/cases/{case_id}")
    expect(page.locator("main h1")).to_contain_text("resolved")
    expect(page.locator("main")).to_contain_text("Note: Talked on the phone; Sam is safe tonight")
    walk.step("case-resolved")
