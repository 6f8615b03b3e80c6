"""Every API route: no token or a bad token is 401; an outsider's token is 404 and learns
nothing; a facilitator sees only their own groups."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from smsapp.models import Announcement, MeetingSeries
from smsapp.services.domain import announcements, api_tokens, escalation, meetings
from smsapp.web.api.blueprint import PUBLIC_ENDPOINTS
from tests.factories import World


@pytest.fixture
def hope_case(world: World) -> int:
    with world.runtime.session() as s:
        sam = s.merge(world.members["sam"])
        case = escalation.open_case(
            s,
            member=sam,
            urgency="normal",
            source="talk",
            reason="asked to talk",
            now=world.runtime.now(),
        )
        hope = s.merge(world.hope)
        meetings.create_series(
            s, hope, title="Tuesday circle", start_local="2026-03-03 19:00",
            now=world.runtime.now(), rrule="FREQ=WEEKLY;BYDAY=TU",
        )  # fmt: skip
        announcements.announce(s, hope, "hello", None, world.runtime.now(), user_id=None)
        s.commit()
        return case.id


def _ids(world: World) -> tuple[int, int]:
    """Harbor's meeting series and announcement (made by the hope_case fixture)."""
    with world.runtime.session() as s:
        return s.scalars(select(MeetingSeries.id)).one(), s.scalars(select(Announcement.id)).one()


SERIES = {"group_id": 0, "title": "Circle", "start": "2026-03-10 19:00", "days": [1]}
TUESDAY = "2026-03-03T19:00:00-05:00"
LEVELS = {"levels": [{"target": "group_facilitators"}, {"target": "on_call"}]}
CSV = "name,phone\nAna,+12025550177\n"
FLOW = "id: checkin\nversion: 1\n"
OVERRIDE = {"user_id": 1, "starts": "2026-03-02T09:00", "ends": "2026-03-02T18:00"}
POLICY = {"levels": [{"target": "group_facilitators"}, {"target": "on_call"}]}
INVITATION = {"role": "facilitator", "email": "y@example.org", "name": "Y"}


def _routes(world: World, case_id: int) -> list[tuple[str, str, Any]]:
    """One call per API route, every id pointing at Harbor's things (hope, Sam's case)."""
    hope, sam, alice = world.hope.id, world.members["sam"].id, world.users["alice"].id
    series, announcement = _ids(world)
    member = {"phone": "+12025550111", "name": "Sam", "group_id": hope}
    return [
        ("GET", "/groups", None),
        ("GET", f"/groups/{hope}/members", None),
        ("GET", "/cases?status=open", None),
        ("POST", f"/cases/{case_id}/ack", None),
        ("POST", f"/cases/{case_id}/messages", {"body": "How are you doing?"}),
        ("POST", f"/cases/{case_id}/calls", None),
        ("POST", f"/cases/{case_id}/hand-over", {"user_id": world.users["carol"].id}),
        ("POST", f"/cases/{case_id}/resolve", {"note": "called back"}),
        ("GET", f"/reports/groups/{hope}", None),
        ("POST", "/members", {"group_id": hope, "phone": "+12025550177"}),
        ("POST", "/members/import", {"group_id": hope, "csv": CSV}),
        ("GET", f"/meetings?group_id={hope}", None),
        ("GET", f"/messages?group_id={hope}", None),
        ("GET", f"/optouts?group_id={hope}", None),
        ("POST", "/flows/validate", {"yaml": FLOW}),
        ("PUT", "/flows/checkin/draft", {"yaml": FLOW}),
        ("POST", "/flows/checkin/publish", None),
        ("GET", "/dashboard", None),
        ("GET", "/oncall", None),
        ("PUT", "/oncall", {"shifts": []}),
        ("POST", "/oncall/overrides", OVERRIDE),
        ("DELETE", "/oncall/overrides/1", None),
        ("POST", "/groups", {"name": "New Circle"}),
        ("GET", f"/groups/{hope}", None),
        ("PUT", f"/groups/{hope}", {"name": "Hope", "code": "HOPE", "tz": "America/New_York"}),
        ("GET", f"/groups/{hope}/checkins", None),
        ("PUT", f"/groups/{hope}/checkins", {"days": [0], "time": "19:00"}),
        ("GET", f"/groups/{hope}/policy", None),
        ("PUT", f"/groups/{hope}/policy", LEVELS),
        ("GET", f"/groups/{hope}/announcements", None),
        ("POST", f"/groups/{hope}/announcements", {"text": "hello"}),
        ("POST", f"/groups/{hope}/announcements/preview", {"text": "hello"}),
        ("GET", f"/groups/{hope}/announcements/{announcement}", None),
        ("GET", f"/members/{sam}", None),
        ("PUT", f"/members/{sam}", member),
        ("POST", f"/members/{sam}/invite", None),
        ("POST", f"/members/{sam}/approval", {"approve": True}),
        ("GET", "/meeting-series", None),
        ("POST", "/meeting-series", {**SERIES, "group_id": hope}),
        ("GET", f"/meeting-series/{series}", None),
        ("PUT", f"/meeting-series/{series}", {**SERIES, "group_id": hope}),
        ("POST", f"/meeting-series/{series}/end", None),
        ("POST", f"/meeting-series/{series}/restore", None),
        ("POST", f"/meeting-series/{series}/cancel", {"original_start": TUESDAY}),
        ("POST", f"/meeting-series/{series}/move", {"original_start": TUESDAY}),
        ("POST", f"/meeting-series/{series}/undo", {"original_start": TUESDAY}),
        ("GET", f"/cases/{case_id}", None),
        ("GET", "/staff", None),
        ("POST", "/staff", {"role": "facilitator", "email": "x@example.org", "name": "X"}),
        ("POST", "/staff/invitations", INVITATION),
        ("GET", f"/staff/{alice}", None),
        ("POST", f"/staff/{alice}/password-reset", None),
        ("POST", f"/staff/{alice}/deactivate", None),
        ("POST", f"/staff/{alice}/reactivate", None),
        ("GET", "/settings", None),
        ("PUT", "/settings", {}),
        ("GET", "/flows", None),
        ("GET", "/flows/checkin", None),
        ("POST", "/flows/checkin/assign", {"group_id": hope, "version": None}),
    ]


# Routes that hold nothing of any organisation's: the outsider's answer is not a 404.
NOT_ABOUT_HARBOR = {
    "/flows/validate": 403,  # coordinators only; it reads nothing of Harbor's
    "/flows/checkin/draft": 403,  # built-in flow ids are everyone's; coordinators only
    "/flows/checkin/publish": 403,
    "/oncall": 403,  # each organisation has its own rota; changing it is for coordinators
    "/oncall/overrides": 403,
    "/oncall/overrides/1": 403,
    "/groups": 403,  # POST: a new group of the caller's own organisation; coordinators only
    "/staff": 403,  # the caller's own organisation's people; coordinators only
    "/staff/invitations": 403,  # a new account of the caller's own organisation
    "/settings": 403,
    "/flows": 403,  # the caller's own organisation's flows; coordinators only
    "/flows/checkin": 403,
    "/flows/checkin/assign": 403,  # coordinators only, before the group is looked at
}
LISTS = {("GET", "/groups"), ("GET", "/cases?status=open"), ("GET", "/dashboard")}
LISTS |= {("GET", "/meeting-series")}


def _call(api: Any, method: str, path: str, who: str | None, body: Any) -> Any:
    url = f"/api/v1{path}"
    return api.client.open(url, method=method, headers=api.headers(who), json=body)


@pytest.mark.parametrize("token", [None, "not-a-token", "sms_forged"])
def test_every_route_refuses_a_missing_or_invalid_token(api, world, hope_case, token):
    for method, path, body in _routes(world, hope_case):
        response = _call(api, method, path, token, body)
        assert response.status_code == 401, (method, path)
        assert response.json["error"] == "a valid bearer token is required"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(api, world):
    with world.runtime.session() as s:
        carol = s.merge(world.users["carol"])
        [token] = [t for t in api_tokens.tokens_of(s, carol)]
        assert api_tokens.revoke_token(s, carol, token.id)
        s.commit()
    assert api.get("/groups", "carol").status_code == 401


def test_an_outsider_gets_404_everywhere_and_learns_nothing(api, world, hope_case):
    not_there = api.get("/groups/999999/members", "dave").json
    for method, path, body in _routes(world, hope_case):
        if (method, path) in LISTS or (method, path) == ("GET", "/oncall"):
            continue  # lists: checked below to hold nothing of Harbor's
        response = _call(api, method, path, "dave", body)
        if path in NOT_ABOUT_HARBOR:
            assert response.status_code == NOT_ABOUT_HARBOR[path], (method, path)
            continue
        assert response.status_code == 404, (method, path)
        assert response.json == not_there  # the same answer as for an id nobody has
    assert [g["code"] for g in api.get("/groups", "dave").json["groups"]] == ["OTHER"]
    assert api.get("/cases?status=all", "dave").json["cases"] == []
    assert api.get("/dashboard", "dave").json["open_cases"] == []
    assert api.get("/oncall", "dave").json["shifts"] == []  # Harbor's rota is not his
    for path, key in (
        ("/meetings", "meetings"),
        ("/messages", "messages"),
        ("/optouts", "opt_outs"),
    ):
        assert api.get(path, "dave").json[key] == [], path
    assert api.get("/meeting-series", "dave").json["series"] == []
    assert api.get("/cases/1/x", "dave").status_code == 404


def test_the_outsider_changed_nothing(api, world, hope_case):
    for path in (f"/cases/{hope_case}/ack", f"/cases/{hope_case}/resolve"):
        api.post(path, "dave", json={})
    [case] = api.get("/cases?status=all", "carol").json["cases"]
    assert case["status"] == "open"
    assert len(api.get(f"/groups/{world.hope.id}/members", "carol").json["members"]) == 2


def test_a_facilitator_sees_only_their_own_groups(api, world, hope_case):
    assert [g["code"] for g in api.get("/groups", "alice").json["groups"]] == ["HOPE"]
    assert api.get(f"/groups/{world.calm.id}/members", "alice").status_code == 404
    assert api.get(f"/reports/groups/{world.calm.id}", "alice").status_code == 404
    assert api.get("/cases", "bob").json["cases"] == []
    assert api.post(f"/cases/{hope_case}/ack", "bob").status_code == 404
    coordinators = sorted(g["code"] for g in api.get("/groups", "carol").json["groups"])
    assert coordinators == ["CALM", "HOPE"]


def test_adding_members_is_for_coordinators(api, world):
    response = api.post(
        "/members", "alice", json={"group_id": world.hope.id, "phone": "2025550177"}
    )
    assert response.status_code == 403
    assert response.json["error"] == "only coordinators may do this"
    outside = api.post("/members", "alice", json={"group_id": world.calm.id, "phone": "2025550177"})
    assert outside.status_code == 404


def test_the_openapi_document_is_public_and_generated(api):
    doc = api.get("/openapi.json", None).json
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}/resolve" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    post = doc["paths"]["/api/v1/members"]["post"]
    assert "422" in post["responses"] and "201" in post["responses"]


def _rule_of(path: str) -> str:
    """'/groups/7/members?x=1' -> '/api/v1/groups/<>/members', to compare with the URL map."""
    bare = path.partition("?")[0]
    return "/api/v1" + re.sub(r"/(\d+|checkin)(?=/|$)", "/<>", bare)


def test_every_api_route_in_the_url_map_has_an_access_check(api_app, world, hope_case):
    """A route added tomorrow fails here until it is added to _routes above."""
    checked = {(method, _rule_of(path)) for method, path, _ in _routes(world, hope_case)}
    unchecked = []
    for rule in api_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if rule.endpoint == "api._unknown":
            continue  # the JSON 404 for paths that are not routes
        shape = re.sub(r"<[^>]+>", "<>", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, shape) not in checked:
                unchecked.append((method, rule.rule))
    assert unchecked == []
    assert len(checked) >= 14


# What a facilitator may do in their own group: read it, and work its cases.
FACILITATOR_MAY = {
    ("GET", "/api/v1/groups"),
    ("GET", "/api/v1/groups/<>/members"),
    ("GET", "/api/v1/cases"),
    ("POST", "/api/v1/cases/<>/ack"),
    ("POST", "/api/v1/cases/<>/resolve"),
    ("GET", "/api/v1/cases/<>"),
    ("GET", "/api/v1/reports/groups/<>"),
    ("GET", "/api/v1/meetings"),
    ("GET", "/api/v1/messages"),
    ("GET", "/api/v1/optouts"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/oncall"),  # facilitators may see who is on call
    ("GET", "/api/v1/groups/<>"),
    ("GET", "/api/v1/groups/<>/checkins"),
    ("GET", "/api/v1/groups/<>/policy"),
    ("GET", "/api/v1/groups/<>/announcements"),
    ("GET", "/api/v1/groups/<>/announcements/<>"),
    ("GET", "/api/v1/members/<>"),
    ("GET", "/api/v1/meeting-series"),
    ("GET", "/api/v1/meeting-series/<>"),
    # The case page's actions, on a case the facilitator took (the ack above).
    ("POST", "/api/v1/cases/<>/messages"),
    ("POST", "/api/v1/cases/<>/calls"),
    ("POST", "/api/v1/cases/<>/hand-over"),
}


def test_a_facilitator_cannot_do_a_coordinators_action_even_in_their_own_group(
    api, world, hope_case
):
    for method, path, body in _routes(world, hope_case):
        response = _call(api, method, path, "alice", body)
        if (method, _rule_of(path)) in FACILITATOR_MAY:
            assert response.status_code == 200, (method, path, response.json)
        else:
            assert response.status_code == 403, (method, path, response.json)
            assert response.json["error"] == "only coordinators may do this"
    assert api.get(f"/groups/{world.hope.id}", "carol").json["name"] == "Hope Circle"
