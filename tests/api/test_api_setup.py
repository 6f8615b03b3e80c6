"""A programme set up by script: a group, its check-ins, a two-level policy, a weekly
meeting, members, a facilitator, settings, all through the API and the console's
services (what the console would show afterwards is read back through the API)."""

from __future__ import annotations

from tests.factories import Phones, World


def test_a_coordinator_sets_up_a_group_by_script(api, world: World, phones: Phones) -> None:
    alice = world.users["alice"].id
    made = api.post(
        "/groups", "carol", json={"name": "Evening Circle", "tz": "America/Chicago",
                                  "facilitator_ids": [alice]},
    )  # fmt: skip
    assert made.status_code == 201, made.json
    group = made.json
    assert len(group["code"]) == 8 and group["facilitator_ids"] == [alice]
    path = f"/groups/{group['id']}"

    checkins = api.client.put(
        f"/api/v1{path}/checkins", headers=api.headers("carol"),
        json={"days": [0, 2, 4], "time": "19:30"},
    )  # fmt: skip
    assert checkins.json == {"days": [0, 2, 4], "time": "19:30"}
    policy = {"levels": [
        {"target": "group_facilitators", "urgent_timeout_minutes": 5},
        {"target": "user", "user_id": world.users["carol"].id, "repeats": 2},
    ]}  # fmt: skip
    saved = api.client.put(f"/api/v1{path}/policy", headers=api.headers("carol"), json=policy)
    assert saved.status_code == 200, saved.json
    assert [lv["target"] for lv in saved.json["levels"]] == ["group_facilitators", "user"]

    series = api.post(
        "/meeting-series", "carol",
        json={"group_id": group["id"], "title": "Evening Circle", "start": "2026-03-04 19:00",
              "repeat": "weekly", "days": [2], "reminders": [1440, 120]},
    )  # fmt: skip
    assert series.status_code == 201, series.json
    assert series.json["description"].startswith("Every Wednesday, 7:00 PM")
    assert series.json["description"].endswith("Chicago time")

    member = api.post("/members", "carol", json={"group_id": group["id"], "phone": "2025550177"})
    assert member.status_code == 201
    invited = api.post(f"/members/{member.json['id']}/invite", "carol")
    assert invited.json == {"member_id": member.json["id"], "invited": True}
    phones.drain()
    assert phones.received("+12025550177")  # the consent request went out

    moved = api.client.put(
        f"/api/v1{path}", headers=api.headers("carol"),
        json={"name": "Evening Circle", "code": group["code"], "tz": "America/Denver",
              "facilitator_ids": [alice]},
    )  # fmt: skip
    assert moved.status_code == 200 and moved.json["tz"] == "America/Denver"
    assert "Time zone changed from Chicago time to Denver time" in moved.json["changes"]


def test_refusals_name_the_field_and_change_nothing(api, world: World) -> None:
    hope = world.hope.id
    one_level = {"levels": [{"target": "on_call"}]}
    refused = api.client.put(
        f"/api/v1/groups/{hope}/policy", headers=api.headers("carol"), json=one_level
    )
    assert refused.status_code == 422 and "at least 2 levels" in refused.json["error"]
    assert len(api.get(f"/groups/{hope}/policy", "carol").json["levels"]) == 2

    bad_group = api.post("/groups", "carol", json={"name": " ", "code": "x", "tz": "Mars/Base"})
    assert bad_group.status_code == 422
    assert {d["path"] for d in bad_group.json["details"]} == {"name", "code", "tz"}

    no_days = api.client.put(
        f"/api/v1/groups/{hope}/checkins", headers=api.headers("carol"), json={"time": "09:00"}
    )
    assert no_days.status_code == 422 and no_days.json["details"][0]["path"] == "days"

    monthly = api.post(
        "/meeting-series", "carol",
        json={"group_id": hope, "title": "x", "start": "2026-03-04 19:00", "repeat": "monthly",
              "days": [1, 2]},
    )  # fmt: skip
    assert monthly.status_code == 422 and monthly.json["details"][0]["path"] == "days"

    quiet = api.client.put(
        "/api/v1/settings", headers=api.headers("carol"), json={"quiet_start": "23:00"}
    )
    assert quiet.status_code == 422 and "would allow messages at night" in quiet.json["error"]
    assert api.get("/settings", "carol").json["quiet_start"] == "21:00"


def test_staff_are_added_and_listed_with_masked_phones(api, world: World) -> None:
    added = api.post(
        "/staff", "carol",
        json={"role": "facilitator", "email": "Eve@Example.org", "name": "Eve",
              "phone": "(202) 555-0188", "group_ids": [world.hope.id]},
    )  # fmt: skip
    assert added.status_code == 201, added.json
    assert added.json["email"] == "eve@example.org" and added.json["phone"] == "•••• 0188"
    staff = {p["name"]: p for p in api.get("/staff", "carol").json["staff"]}
    assert staff["Eve"]["group_ids"] == [world.hope.id]
    assert "Dave" not in staff  # another organisation's
    again = api.post("/staff", "carol", json={"role": "coordinator", "email": "eve@example.org",
                                              "name": "Eve"})  # fmt: skip
    assert again.status_code == 422 and again.json["details"][0]["path"] == "email"


def test_a_meeting_is_cancelled_undone_and_a_series_ended(api, world: World) -> None:
    series = api.post(
        "/meeting-series", "carol",
        json={"group_id": world.hope.id, "title": "Tuesday circle",
              "start": "2026-03-03 19:00", "days": [1]},
    )  # fmt: skip
    sid = series.json["id"]
    [first] = [m for m in api.get(f"/meetings?group_id={world.hope.id}", "carol").json["meetings"]][
        :1
    ]
    cancel = api.post(f"/meeting-series/{sid}/cancel", "carol",
                      json={"original_start": first["original_start"]})  # fmt: skip
    assert cancel.status_code == 200 and cancel.json["told"] == 2
    undo = api.post(f"/meeting-series/{sid}/undo", "carol",
                    json={"original_start": first["original_start"]})  # fmt: skip
    assert undo.status_code == 200
    ended = api.post(f"/meeting-series/{sid}/end", "carol")
    assert ended.json["ended_on"] == "2026-03-02"
    assert api.post(f"/meeting-series/{sid}/restore", "carol").json["ended_on"] is None
