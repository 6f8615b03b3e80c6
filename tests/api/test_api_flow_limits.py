"""Flow validation over the API: coordinators only, and a template bomb costs nothing."""

from __future__ import annotations

import time

from smsapp.services.domain import flow_editor


def test_validating_a_template_bomb_over_the_api_is_quick_and_small(api):
    yaml_text = flow_editor.builtin_yaml("checkin").replace(
        "{{ member.first_name }}", "{{ 'x' * 10**8 }}", 1
    )
    assert "10**8" in yaml_text
    started = time.perf_counter()
    response = api.post("/flows/validate", "carol", json={"yaml": yaml_text})
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 200 and len(response.data) < 100_000
    assert response.json["ok"] is False
    assert any("not allowed" in i["message"] for i in response.json["issues"])


def test_only_coordinators_validate_draft_and_publish_flows(api):
    yaml_text = flow_editor.builtin_yaml("checkin")
    assert api.post("/flows/validate", "alice", json={"yaml": yaml_text}).status_code == 403
    draft = api.client.put(
        "/api/v1/flows/checkin/draft", headers=api.headers("alice"), json={"yaml": yaml_text}
    )
    assert draft.status_code == 403
    assert api.post("/flows/checkin/publish", "alice").status_code == 403
    assert api.post("/flows/validate", "carol", json={"yaml": yaml_text}).status_code == 200


def test_api_ids_beyond_the_databases_range_are_404(api):
    for path in ("/cases/99999999999999999999999/ack", "/cases/9223372036854775808/resolve"):
        response = api.post(path, "carol", json={"note": "x"})
        assert response.status_code == 404 and response.is_json, path
    assert api.get("/groups/99999999999999999999/members", "carol").status_code == 404
