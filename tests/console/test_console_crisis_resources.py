"""Crisis resources in the console: what is sent by default, group texts, going live."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy import select

from smsapp.models import Group, Organisation

SETTINGS = {
    "name": "Harbor",
    "program_name": "Harbor Check-ins",
    "help_contact": "555",
    "crisis_text_en": "",
    "crisis_text_es": "",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
}


def _set_country(world: Any, code: str) -> None:
    with world.runtime.session() as s:
        s.get(Organisation, world.org.id).country = code
        s.commit()


def _page(response: Any) -> str:
    return html.unescape(response.data.decode())


def test_settings_show_the_country_default_and_the_whole_reply(browser: Any, world: Any) -> None:
    page = _page(browser("carol").get("/console/settings"))
    assert "built-in United States resources" in page and "https://988lifeline.org/" in page
    assert "A member in crisis is sent now: “This is an automated message." in page
    assert "call or text 988" in page
    _set_country(world, "GB")
    page = _page(browser("carol").get("/console/settings"))
    assert "built-in United Kingdom resources" in page and "116 123" in page
    assert "988" not in page


def test_country_without_resources_must_write_its_own_before_a_group_goes_live(
    browser: Any, world: Any
) -> None:
    _set_country(world, "FR")
    b = browser("carol")
    assert "No built-in resources for country FR" in _page(b.get("/console/settings"))
    refused = b.post(
        "/console/groups/new",
        data={"code": "PARIS1", "name": "Paris", "tz": "Europe/Paris"},
        follow_redirects=True,
    )
    assert "write the organisation's crisis resources text" in _page(refused)
    b.post("/console/settings", data={**SETTINGS, "crisis_text_en": "Call 3114 or 112."})
    created = b.post(
        "/console/groups/new", data={"code": "PARIS1", "name": "Paris", "tz": "Europe/Paris"}
    )
    assert created.status_code == 302
    # With live groups, the only resources cannot be emptied again.
    cleared = b.post("/console/settings", data=SETTINGS)
    assert "write the crisis resources in at least one language" in _page(cleared)
    with world.runtime.session() as s:
        assert s.get(Organisation, world.org.id).crisis_text_en == "Call 3114 or 112."


def test_a_group_may_override_the_organisations_resources(
    browser: Any, world: Any, phones: Any
) -> None:
    b = browser("carol")
    url = f"/console/groups/{world.calm.id}"
    b.post(
        url,
        data={
            "code": "CALMWATERS",
            "name": "Calm Waters",
            "tz": "Europe/London",
            "facilitator_ids": [world.users["bob"].id],
            "crisis_text_en": "Call Samaritans free on 116 123, or 999 in an emergency.",
            "crisis_text_es": "",
        },
    )
    page = _page(b.get(url))
    assert "A member of this group in crisis is sent now: “This is an automated message." in page
    assert "Call Samaritans free on 116 123, or 999 in an emergency." in page
    with world.runtime.session() as s:
        calm = s.scalar(select(Group).where(Group.code == "CALMWATERS"))
        assert calm.crisis_text_es is None
    lee = phones.text("lee", "I want to kill myself")
    assert "116 123" in lee and "988" not in lee
    sam = phones.text("sam", "I want to kill myself")  # HOPE keeps the organisation's (US)
    assert "988" in sam and "116 123" not in sam
