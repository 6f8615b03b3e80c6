"""The editor previews what is typed (nothing saved), and a draft can be tried in the phone
simulator before it is published, while real members keep the published flow."""

from __future__ import annotations

from typing import Any

from smsapp.models import Group
from smsapp.sandbox import simulator
from smsapp.services.domain import flow_editor
from tests.console.console_helpers import sign_in


def _carol(app: Any, world: Any) -> Any:
    client = app.test_client()
    sign_in(client, app, world.users["carol"].id)
    return client


def test_the_preview_follows_the_typed_yaml_without_saving(
    app: Any, world: Any, runtime: Any
) -> None:
    carol = _carol(app, world)
    text = flow_editor.builtin_yaml("checkin")
    typed = text.replace("how are you today?", "how is your evening?")
    answer = carol.post("/console/flows/checkin/check.json", json={"yaml_text": typed}).get_json()
    assert answer["errors"] == 0
    assert any("how is your evening?" in (m["preview"] or "") for m in answer["messages"])
    broken = carol.post(
        "/console/flows/checkin/check.json",
        json={"yaml_text": text.replace("to: good}", "to: grand}")},
    ).get_json()
    assert broken["errors"] == 1 and "grand" in broken["issues"][0]["message"]
    with runtime.session() as s:
        assert flow_editor.draft_of(s, world.org.id, "checkin") is None  # nothing saved
    assert carol.post("/console/flows/nope/check.json", json={}).status_code == 404


def test_a_draft_is_tried_in_the_simulator_before_publishing(
    app: Any, world: Any, runtime: Any, phones: Any
) -> None:
    carol = _carol(app, world)
    text = flow_editor.builtin_yaml("join").replace("Reply YES to join.", "Text YES to join us.")
    tried = carol.post("/console/flows/join/try", data={"yaml_text": text})
    assert tried.status_code == 302 and tried.headers["Location"].endswith("/console/simulator")
    assert "draft v2" in carol.get("/console/simulator").get_data(as_text=True)

    with runtime.session() as s:
        box = simulator.find_sandbox(s, world.org.id)
        code = s.get(Group, box.group_id).code
    state = carol.post("/console/simulator/text", json={"who": "member", "body": f"JOIN {code}"})
    assert "Text YES to join us." in str(state.get_json())
    reply = phones.text("stranger", "JOIN HOPE") or ""
    assert "Reply YES to join." in reply and "Text YES" not in reply  # real people: built-in
    with runtime.session() as s:
        assert flow_editor.draft_of(s, world.org.id, "join") is not None  # still a draft


def test_a_draft_with_errors_is_not_tried(app: Any, world: Any) -> None:
    carol = _carol(app, world)
    broken = flow_editor.builtin_yaml("checkin").replace("to: good}", "to: grand}")
    refused = carol.post("/console/flows/checkin/try", data={"yaml_text": broken})
    assert refused.status_code == 422 and "fix them before trying" in refused.get_data(as_text=True)
