"""Every API route: no token or a bad token is 401; an outsider's token is 404 and learns
nothing; a facilitator sees only their own groups."""

from __future__ import annotations

import re
from typing import Any

import pytest

from smsapp.services.domain import api_tokens, escalation
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
        s.commit()
        return case.id


CSV = "name,phone\nAna,+12025550177\n"
FLOW = "id: checkin\nversion: 1\n"
OVERRIDE = {"user_id": 1, "starts": "2026-03-02T09:00", "ends": "2026-03-02T18:00"}
POLICY = {"levels": [{"target": "group_facilitators"}, {"target": "on_call"}]}


def _routes(world: World, case_id: int) -> list[tuple[str, str, Any]]:
    """One call per API route, every id pointing at Harbor's things (hope, Sam's case)."""
    hope = world.hope.id
    return [
        ("GET", "/groups", None),
        ("GET", f"/groups/{hope}/members", None),
        ("GET", "/cases?status=open", None),
        ("POST", f"/cases/{case_id}/ack", None),
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
        ("GET", f"/groups/{hope}/escalation-policy", None),
        ("PUT", f"/groups/{hope}/escalation-policy", POLICY),
    ]


# Routes that hold nothing of any organisation's: the outsider's answer is not a 404.
NOT_ABOUT_HARBOR = {
    "/flows/validate": 403,  # coordinators only; it reads nothing of Harbor's
    "/flows/checkin/draft": 403,  # built-in flow ids are everyone's; coordinators only
    "/flows/checkin/publish": 403,
    "/oncall": 403,  # each organisation has its own rota; changing it is for coordinators
    "/oncall/overrides": 403,
    "/oncall/overrides/1": 403,
}


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
        if path in ("/groups", "/cases?status=open", "/dashboard") or (method, path) == (
            "GET",
            "/oncall",
        ):
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
