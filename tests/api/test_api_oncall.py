"""The on-call rota and escalation policies by script: what the console does, through
/api/v1 with a coordinator's token; a policy that reaches nobody is refused in words."""

from __future__ import annotations

from typing import Any

from smsapp.models import User


def _put(api: Any, path: str, who: str, json: Any) -> Any:
    return api.client.put(f"/api/v1{path}", headers=api.headers(who), json=json)


def test_a_coordinator_sets_the_rota_and_an_override(api: Any, world: Any) -> None:
    bob = world.users["bob"].id
    rota = {"shifts": [{"user_id": bob, "days": [5, 6], "starts": "00:00", "ends": "00:00"}]}
    answer = _put(api, "/oncall", "carol", rota)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["tz"] == "UTC" and body["on_call_now"] == []  # a Monday: bob has weekends
    assert [s["hours"] for s in body["shifts"]] == ["all day", "all day"]
    assert body["gaps"] == ["Monday 12:00 AM to Saturday 12:00 AM"]
    created = api.post(
        "/oncall/overrides", "carol",
        json={"user_id": bob, "starts": "2026-03-02T14:00", "ends": "2026-03-02T18:00"},
    )  # fmt: skip
    assert created.status_code == 201, created.json
    now = api.get("/oncall", "alice").json  # anyone may read it
    assert [p["name"] for p in now["on_call_now"]] == ["Bob"]
    assert now["overrides"][0]["starts"] == "2026-03-02T14:00"
    gone = api.client.delete(
        f"/api/v1/oncall/overrides/{created.json['id']}", headers=api.headers("carol")
    )
    assert gone.status_code == 204
    assert _put(api, "/oncall", "alice", rota).status_code == 403


def test_a_policy_that_reaches_nobody_is_refused(api: Any, world: Any) -> None:
    path = f"/groups/{world.calm.id}/policy"
    on_call_only = {"levels": [{"target": "on_call"}, {"target": "on_call", "repeats": 2}]}
    assert _put(api, path, "carol", on_call_only).status_code == 200  # carol is on call
    cleared = _put(api, "/oncall", "carol", {"shifts": []})
    assert cleared.status_code == 422  # calm's policy would reach nobody
    assert "the escalation of CALM would then reach nobody" in cleared.json["error"]
    bob = world.users["bob"].id
    to_bob = {"levels": [{"target": "group_facilitators"}, {"target": "user", "user_id": bob}]}
    assert _put(api, path, "carol", to_bob).status_code == 200
    assert _put(api, "/oncall", "carol", {"shifts": []}).status_code == 200
    refused = _put(api, path, "carol", on_call_only)
    assert refused.status_code == 422
    assert refused.json["error"].startswith("This policy would reach nobody")
    assert "nobody is on the on-call rota" in refused.json["error"]
    policy = api.get(path, "carol").json
    assert [lv["target"] for lv in policy["levels"]] == ["group_facilitators", "user"]


def test_the_dashboard_lists_cases_that_reached_nobody(api: Any, world: Any, phones: Any) -> None:
    with world.runtime.session() as s:
        alice = s.get(User, world.users["alice"].id)
        alice.phone, alice.phone_hash = None, None
        s.commit()
    phones.text("sam", "I want to end it all")
    board = api.get("/dashboard", "carol").json
    [alarm] = board["alarms"]
    assert alarm["group_name"] == "Hope Circle"
    assert alarm["detail"].startswith("Level 1 (the group's facilitators): nobody could be")
    assert board["unreachable_groups"] == []  # carol is on call: hope still reaches her
