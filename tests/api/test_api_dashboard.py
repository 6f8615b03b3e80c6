"""GET /api/v1/dashboard: the console's home page as JSON."""

from __future__ import annotations

from typing import Any

from tests.console.test_dashboard import _a_day


def test_api_dashboard_matches_the_page(api: Any, world: Any, phones: Any) -> None:
    _a_day(world, phones)
    body = api.get("/dashboard", "carol").get_json()
    assert body["tz"] == "America/New_York"
    assert body["today"] == {"asked": 2, "answered": 1, "rate": 0.5}
    assert [m["score"] for m in body["low_moods"]] == [2]
    assert body["open_cases"][0]["age_minutes"] == 95
    assert body["failed_sends"][0]["reason"] == "phone switched off or out of coverage"
    assert body["meetings"][0]["title"] == "Tuesday circle"
    assert api.get("/dashboard", "bob").get_json()["open_cases"] == []
