"""The member page and the case page's ways to reach the member, on a 390×844 phone:
followed from the member list as a facilitator would, nothing scrolls sideways, the mood
chart is drawn, and a facilitator of another group gets 404."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from smsapp.models import Member
from smsapp.services.domain import escalation
from smsapp.services.domain.checkins import record_mood
from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot


def _sam_with_moods(world, phones) -> int:
    rt = world.runtime
    with rt.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        for days_ago, score in enumerate((4, 3, 2, 2, 3, 4, 4)):
            record_mood(s, sam, score, None, rt.now() - timedelta(days=7 - days_ago))
        escalation.open_case(
            s, member=sam, urgency="normal", source="talk", reason="asked to talk", now=rt.now()
        )
        s.commit()
    phones.text("sam", "HELP")
    phones.drain()
    return world.members["sam"].id


def _fits(page: Page, shot: str) -> None:
    path = screenshot(page, shot)
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px (see {path})"


def test_facilitator_opens_a_member_from_the_list(page: Page, world, phones) -> None:
    sam_id = _sam_with_moods(world, phones)
    log_in(page, "alice")
    page.goto("/console/members")
    page.get_by_role("link", name="Sam").click()
    expect(page.locator("main h1")).to_have_text("Sam")
    assert page.url.endswith(f"/console/members/{sam_id}")
    main = page.locator("main")
    expect(main).to_contain_text("Hope Circle")
    expect(main).to_contain_text("asked to talk")
    expect(main).to_contain_text("AM EST")
    expect(page.locator("#mood-chart")).to_be_visible()
    assert page.evaluate("!!window.Chart && !!Chart.getChart('mood-chart')"), "chart not drawn"
    _fits(page, "facilitator-member-page")
    page.get_by_role("link", name="Case #").first.click()
    expect(page.locator("main h1")).to_contain_text("Case #")


def test_a_facilitator_of_another_group_gets_404(new_phone, world, phones) -> None:
    sam_id = _sam_with_moods(world, phones)
    page = new_phone()
    log_in(page, "bob")
    response = page.goto(f"/console/members/{sam_id}")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Sam")
