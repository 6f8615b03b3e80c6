"""Every console page a coordinator or facilitator can open passes axe-core with no serious
or critical violation, at 390×844 in Chromium.

The pages come from the app's URL map (every GET route of the console blueprint), so a new
page is checked as soon as it exists: a route whose URL needs a value this file does not
know how to fill fails the test, naming the argument. Left out, with the reason:
EXCLUDED below. Also checked: the login page signed out, and the 403, 404 and 500 pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page

from smsapp.models import Member, Organisation, User
from smsapp.services.domain import api_tokens, escalation, meetings, staff_access
from tests.browser.browser_helpers import log_in, open_menu

BLOCKING = ("serious", "critical")
EXCLUDED = {  # endpoint: why it is not a page to check
    "console.static": "stylesheets, scripts and images, not pages",
    "console.simulator_state": "JSON the simulator page polls, not a page",
    "console.logout": "POST only",
    "console.members_csv": "a CSV download, not a page (tests/console/test_console_lists.py)",
    "console.messages_csv": "a CSV download, not a page (tests/console/test_console_lists.py)",
    "console.reports_csv": "a CSV download, not a page (tests/console/test_console_lists.py)",
}
# Pages reached by a form on another page rather than by a bare URL.
VIA_FORM = {
    "console.meeting_occurrence_confirm": ("/console/meetings", "main form[method=get] button"),
}
AXE = Axe()


def _seed(world: Any) -> dict[str, object]:
    """A case, a meeting series and the ids each kind of URL argument is filled with."""
    rt = world.runtime
    with rt.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        case = escalation.open_case(
            s, member=sam, urgency="normal", source="talk", reason="asked to talk", now=rt.now()
        )
        series = meetings.create_series(
            s,
            s.merge(world.hope),
            title="Tuesday circle",
            start_local="2026-03-03T18:30:00",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            now=rt.now(),
        )
        carol = s.get(User, world.users["carol"].id)
        token = api_tokens.create_token(s, carol, "report script", rt.now())
        link = staff_access.invite(
            s,
            s.get(Organisation, world.org.id),
            carol,
            role="facilitator",
            email="erin@example.org",
            name="Erin Park",
            now=rt.now(),
        )
        s.commit()
        return {
            "token": link.token,
            "case_id": case.id,
            "member_id": sam.id,
            "group_id": world.hope.id,
            "series_id": series.id,
            "flow_id": "checkin",
            "user_id": world.users["alice"].id,
            "token_id": token.row.id,
        }


def console_pages(app: Flask, values: dict[str, object]) -> list[tuple[str, str]]:
    """(endpoint, path) for every console GET route, arguments filled from `values`."""
    pages = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            endpoint = rule.endpoint
            if not endpoint.startswith("console.") or "GET" not in (rule.methods or ()):
                continue
            if endpoint in EXCLUDED or endpoint in VIA_FORM:
                continue
            missing = [arg for arg in rule.arguments if arg not in values]
            assert not missing, f"{rule.rule}: add a value for {missing} to _seed()"
            args = {arg: values[arg] for arg in rule.arguments}
            pages.append((endpoint, url_for(endpoint, **args)))
    return sorted(set(pages), key=lambda p: p[1])


def blocking_violations(page: Page) -> list[str]:
    """Serious and critical axe-core findings on the page, one readable line each."""
    results = AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return found


def _check(page: Page, path: str, failures: dict[str, list[str]], seen: set[int]) -> int:
    """Open `path` and record its blocking findings; every 403 is the same page, checked once."""
    response = page.goto(path)
    assert response is not None
    assert "text/html" in (response.headers.get("content-type") or ""), path
    if response.status == 403 and 403 in seen:
        return 403
    seen.add(response.status)
    if found := blocking_violations(page):
        failures[f"{path} ({response.status})"] = found
    return response.status


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in failures.items())


def _check_every_page(page: Page, app: Flask, values: dict[str, object]) -> dict[str, int]:
    failures: dict[str, list[str]] = {}
    seen: set[int] = set()
    pages = console_pages(app, values)
    statuses = {path: _check(page, path, failures, seen) for _, path in pages}
    for endpoint, (start, button) in VIA_FORM.items():
        if statuses.get(start) != 200:
            continue  # the page with the form is not this person's
        page.goto(start)
        page.locator(button).first.click()
        page.wait_for_load_state()
        statuses[endpoint] = 200
        if found := blocking_violations(page):
            failures[page.url] = found
    _check_states(page, failures)
    assert not failures, "axe-core found serious or critical problems:\n" + _report(failures)
    return statuses


def _check_states(page: Page, failures: dict[str, list[str]]) -> None:
    """What a page turns into: the phone menu opened, a form sent back with its errors."""
    page.goto("/console/dashboard")
    open_menu(page)
    if found := blocking_violations(page):
        failures["/console/dashboard with the menu open"] = found
    response = page.goto("/console/groups/new")
    if response is not None and response.status == 200:
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        if found := blocking_violations(page):
            failures["/console/groups/new with its errors shown"] = found


def _add_failing_route(app: Flask) -> None:
    """A console URL that fails, to see the 500 page as a person would."""

    def boom() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/console/test-failure", "console_test_failure", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.fixture
def values(app: Flask, world: Any) -> dict[str, object]:
    _add_failing_route(app)
    return _seed(world)


def test_every_coordinator_page_passes_axe(
    new_phone: Callable[[], Page], app: Flask, values: dict[str, object]
) -> None:
    page = new_phone()
    log_in(page, "carol")
    statuses = _check_every_page(page, app, values)
    assert statuses["/console/settings"] == 200
    assert statuses[f"/console/cases/{values['case_id']}"] == 200


def test_every_facilitator_page_passes_axe(
    new_phone: Callable[[], Page], app: Flask, values: dict[str, object]
) -> None:
    """A facilitator sees their pages and the 403 page for a coordinator's."""
    page = new_phone()
    log_in(page, "alice")
    statuses = _check_every_page(page, app, values)
    assert statuses["/console/settings"] == 403


def test_login_and_error_pages_pass_axe(
    new_phone: Callable[[], Page], values: dict[str, object]
) -> None:
    page = new_phone()
    failures: dict[str, list[str]] = {}
    seen: set[int] = set()
    assert _check(page, "/console/login", failures, seen) == 200
    page.get_by_role("button", name="Log in").click()  # empty: the errors are shown
    if found := blocking_violations(page):
        failures["/console/login with its errors shown"] = found
    log_in(page, "carol")
    assert _check(page, "/console/no-such-page", failures, seen) == 404
    assert _check(page, "/console/test-failure", failures, seen) == 500
    assert not failures, _report(failures)
