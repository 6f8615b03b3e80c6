"""What every console page shares: error pages a person can go on from, the favicon."""

from __future__ import annotations

from typing import Any


def test_a_facilitator_following_a_link_outside_their_reach_gets_a_styled_page(
    browser: Any, world: Any
) -> None:
    alice = browser("alice")
    forbidden = alice.get("/console/settings")
    assert forbidden.status_code == 403
    page = forbidden.data.decode()
    assert "This page is not yours to see" in page and 'aria-label="Main"' in page
    assert "Go to the dashboard" in page and "/console/static/console/console.css" in page
    missing = alice.get("/console/cases/999999")
    assert missing.status_code == 404 and "find that page" in missing.data.decode()
    nowhere = alice.get("/console/no-such-page")
    assert nowhere.status_code == 404 and "Go to the dashboard" in nowhere.data.decode()


def test_anonymous_404_offers_the_login(browser: Any, world: Any) -> None:
    response = browser().get("/no-such-page")
    assert response.status_code == 404 and "Log in" in response.data.decode()


def test_the_api_keeps_json_errors(client: Any, world: Any) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 401 or response.is_json


def test_favicon(client: Any, world: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and b"<svg" in icon.data
