"""Every console route, for people who must not see Sam's data.

Routes are read from the app's URL map, so a new page is covered the day it is added:
anonymous → login; dave (another organisation) and bob (facilitator of another group)
→ 403/404 for pages about Sam or coordinator pages, and never any of Sam's data.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from smsapp.models import Member
from smsapp.services.domain import escalation

# The welcome page is opened by a one-time link (its token is the credential).
PUBLIC = {"console.login", "console.logout", "console.home", "console.static", "console.welcome"}
# Pages anyone logged in may open: each shows only what the viewer may see.
LISTS = {
    "console.cases",
    "console.members",
    "console.messages",
    "console.reports",
    "console.reports_csv",
    "console.dashboard_page",
}
# Pages about the signed-in person themselves.
OWN = {"console.account"}
SAM_NAME = "Samwise Zebulon"


@pytest.fixture
def sam_case(world: Any, phones: Any) -> dict[str, int]:
    """Sam (hope) with texts, a secret case reason and a unique name."""
    phones.text("sam", "TALK about zebras")
    rt = world.runtime
    with rt.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        sam.name = SAM_NAME
        case = escalation.open_case(
            s, member=sam, urgency="urgent", source="talk", reason="secret reason", now=rt.now()
        )
        s.commit()
        return {"case_id": case.id, "member_id": sam.id, "group_id": world.hope.id}


def _routes(app: Any) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every console route, ids pointing at Sam's things."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return found


def _url(rule: str, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule)


def _leaks(data: bytes) -> list[str]:
    markers = ("Samwise", "Zebulon", "0111", "secret reason", "zebras")
    return [m for m in markers if m.encode() in data]


def test_routes_are_found(app: Any) -> None:
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    assert {"console.case_page", "console.member_edit", "console.settings"} <= endpoints


def test_anonymous_is_sent_to_login_everywhere(app: Any, browser: Any, sam_case: Any) -> None:
    b = browser()
    for endpoint, method, rule in _routes(app):
        response = b.client.open(_url(rule, sam_case), method=method)
        assert response.status_code in (302, 401), (endpoint, method)
        if response.status_code == 302:
            assert "/console/login" in response.headers["Location"], endpoint
        assert not _leaks(response.data), endpoint


@pytest.mark.parametrize("who", ["dave", "bob"])
def test_outsiders_get_403_or_404_and_learn_nothing(
    app: Any, browser: Any, sam_case: Any, who: str
) -> None:
    b = browser(who)
    for endpoint, method, rule in _routes(app):
        response = b.client.open(_url(rule, sam_case), method=method)
        if endpoint in LISTS and method == "GET":
            assert response.status_code == 200, endpoint
        elif endpoint in OWN:
            assert response.status_code in (200, 302), endpoint
        else:
            assert response.status_code in (403, 404), (endpoint, method, response.status_code)
        assert not _leaks(response.data), (endpoint, method, _leaks(response.data))


def test_the_same_routes_work_for_the_right_people(app: Any, browser: Any, sam_case: Any) -> None:
    """The checks above prove something only if Sam's data is there for those allowed."""
    alice = browser("alice")
    assert _leaks(alice.get(f"/console/cases/{sam_case['case_id']}").data)
    assert _leaks(alice.get("/console/members").data)
    assert _leaks(alice.get(f"/console/members/{sam_case['member_id']}").data)
    carol = browser("carol")
    assert _leaks(carol.get(f"/console/members/{sam_case['member_id']}").data)


def test_facilitator_cannot_open_coordinator_pages(app: Any, browser: Any, sam_case: Any) -> None:
    alice = browser("alice")
    for url in (
        "/console/settings",
        "/console/groups",
        "/console/messages.csv",
        "/console/members.csv",
        "/console/opt-outs",
        f"/console/members/{sam_case['member_id']}/edit",
        "/console/members/import",
    ):
        assert alice.get(url).status_code == 403, url
