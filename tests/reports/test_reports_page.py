"""The reports page: charts fed by embedded JSON, and only the viewer's own groups."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from smsapp.models import Group, MoodScore
from tests.factories import PASSWORD


def _login(app, who):
    client = app.test_client()
    response = client.post(
        "/console/login", data={"email": f"{who}@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _embedded(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S
    )
    assert match, "no chart data in the page"
    return json.loads(match.group(1))


def test_a_coordinator_sees_a_groups_charts_and_numbers(app, world, runtime):
    with runtime.session() as s:
        s.add(
            MoodScore(
                member_id=world.members["sam"].id,
                group_id=world.hope.id,
                score=4,
                at=runtime.now() - timedelta(hours=1),
            )
        )
        s.commit()
    page = _login(app, "carol").get(f"/console/reports?group={world.hope.id}&weeks=4")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "vendor/chart.umd.min.js" in html and 'id="mood-chart-weeks"' in html
    data = _embedded(html)
    assert data["group_name"] == "Hope Circle"
    assert [w["mean_mood"] for w in data["weeks"]] == [None, None, None, 4.0]
    assert "Sam" not in html  # a report names nobody


def test_facilitators_get_only_their_groups_and_outsiders_nothing(app, world, runtime):
    with runtime.session() as s:
        s.add(
            Group(
                organisation_id=world.org.id,
                code="SBX",
                name="Sandbox",
                tz="UTC",
                sandbox=True,
                created_at=runtime.now(),
            )
        )
        s.commit()
        sandbox_id = s.query(Group.id).filter(Group.code == "SBX").scalar()
    alice = _login(app, "alice")
    html = alice.get("/console/reports").get_data(as_text=True)
    assert "Hope Circle" in html and "Calm Waters" not in html
    assert alice.get(f"/console/reports?group={world.calm.id}").status_code == 404
    carol = _login(app, "carol")
    assert carol.get(f"/console/reports?group={sandbox_id}").status_code == 404
    dave = _login(app, "dave")
    assert dave.get(f"/console/reports?group={world.hope.id}").status_code == 404
    assert "Hope Circle" not in dave.get("/console/reports").get_data(as_text=True)
    assert app.test_client().get("/console/reports").status_code in (302, 401)
