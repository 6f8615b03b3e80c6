"""The flow editor's list, page and group choice in the API: coordinators only, the same
services as the console's flow pages (smsapp.services.domain.flow_editor)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from smsapp.models import FlowVersion
from smsapp.models.flows import FlowVersionStatus
from smsapp.services.domain import api_tokens, flow_editor
from tests.factories import World, make_user


def _published(world: World, flow_id: str = "checkin") -> int:
    """Harbor publishes its own copy of a built-in flow; returns the version number."""
    rt = world.runtime
    with rt.session() as s:
        flow_editor.copy_builtin(s, world.org.id, flow_id, None, rt.now())
        version = flow_editor.publish(s, world.org.id, flow_id, None, rt.now()).version
        s.commit()
        return version


def _draft(world: World, flow_id: str = "checkin") -> int:
    rt = world.runtime
    with rt.session() as s:
        version = flow_editor.copy_builtin(s, world.org.id, flow_id, None, rt.now()).version
        s.commit()
        return version


def _assigned(world: World, group_id: int, flow_id: str = "checkin") -> int | None:
    with world.runtime.session() as s:
        row = flow_editor.assigned_version(s, group_id, flow_id)
        return row.version if row else None


@pytest.fixture
def outsider(world: World) -> str:
    """A coordinator of the other organisation (world's dave is a facilitator)."""
    with world.runtime.session() as s:
        other = s.merge(world.other_org)
        user = make_user(s, other, "stranger", "coordinator", [])
        s.flush()
        token = api_tokens.create_token(s, user, "tests", world.runtime.now()).token
        s.commit()
        return token


def test_the_list_has_every_editable_flow_with_its_draft_and_published_version(api, world):
    published = _published(world)
    draft = _draft(world, "reminder")
    response = api.get("/flows", "carol")
    assert response.status_code == 200
    flows = {f["flow_id"]: f for f in response.json["flows"]}
    assert {"checkin", "reminder", "join"} <= set(flows)
    assert all(f["builtin"] for f in flows.values())
    assert flows["checkin"]["draft"] is None
    assert flows["checkin"]["published"]["version"] == published
    assert flows["checkin"]["published"]["status"] == "published"
    assert flows["reminder"]["draft"]["version"] == draft
    assert flows["reminder"]["published"] is None
    assert flows["join"]["draft"] is None and flows["join"]["published"] is None


def test_one_flow_as_the_editor_opens_it(api, world):
    response = api.get("/flows/checkin", "carol")
    assert response.status_code == 200
    flow = response.json
    assert flow["builtin"] is True and flow["versions"] == []
    assert flow["yaml"] == flow_editor.builtin_yaml("checkin")
    assert flow["check"]["ok"] is True and flow["check"]["messages"]
    groups = {g["group_name"]: g["version"] for g in flow["groups"]}
    assert groups == {"Hope Circle": None, "Calm Waters": None}  # both start the built-in
    version = _published(world)
    _draft(world)
    flow = api.get("/flows/checkin", "carol").json
    assert [(v["version"], v["status"]) for v in flow["versions"]] == [
        (version + 1, "draft"),
        (version, "published"),
    ]
    assert f"version: {version + 1}" in flow["yaml"]  # the draft is what the editor opens


def test_a_group_starts_a_published_version_and_goes_back_to_the_built_in(api, world):
    version = _published(world)
    hope = world.hope.id
    body = {"group_id": hope, "version": version}
    response = api.post("/flows/checkin/assign", "carol", json=body)
    assert response.status_code == 200, response.json
    assert response.json == {"flow_id": "checkin", "group_id": hope, "version": version}
    assert _assigned(world, hope) == version
    assert _assigned(world, world.calm.id) is None
    groups = {
        g["group_id"]: g["version"] for g in api.get("/flows/checkin", "carol").json["groups"]
    }
    assert groups[hope] == version
    back = api.post("/flows/checkin/assign", "carol", json={"group_id": hope, "version": None})
    assert back.status_code == 200 and back.json["version"] is None
    assert _assigned(world, hope) is None


def test_a_draft_is_refused_and_a_missing_version_is_bad_input(api, world):
    version = _published(world)
    draft = _draft(world)
    hope = world.hope.id
    refused = api.post("/flows/checkin/assign", "carol", json={"group_id": hope, "version": draft})
    assert refused.status_code == 409
    assert refused.json["error"] == f"checkin v{draft} is a draft: publish it first"
    missing = api.post("/flows/checkin/assign", "carol", json={"group_id": hope, "version": 99})
    assert missing.status_code == 422
    assert missing.json["details"] == [
        {"path": "version", "message": "flow checkin has no version 99"}
    ]
    assert _assigned(world, hope) is None
    assert version < draft


def test_another_organisations_flows_and_groups_are_404(api, world, outsider):
    with world.runtime.session() as s:
        s.add(
            FlowVersion(
                organisation_id=world.org.id,
                flow_id="harbor_only",
                version=1,
                status=FlowVersionStatus.PUBLISHED,
                created_at=world.runtime.now(),
                yaml_text="id: harbor_only\nversion: 1\n",
            )
        )
        s.commit()
    version = _published(world)
    assert "harbor_only" in {f["flow_id"] for f in api.get("/flows", "carol").json["flows"]}
    theirs = {f["flow_id"]: f for f in api.get("/flows", outsider).json["flows"]}
    assert "harbor_only" not in theirs
    assert theirs["checkin"]["published"] is None  # Harbor's copy is not theirs
    assert api.get("/flows/harbor_only", outsider).status_code == 404
    mine = api.get("/flows/checkin", outsider).json
    assert mine["versions"] == [] and [g["group_name"] for g in mine["groups"]] == ["Other Group"]
    body = {"group_id": world.hope.id, "version": None}
    assert api.post("/flows/checkin/assign", outsider, json=body).status_code == 404
    body = {"group_id": world.hope.id, "version": version}
    assert api.post("/flows/harbor_only/assign", outsider, json=body).status_code == 404
    assert api.get("/flows/no_such_flow", "carol").status_code == 404
    body = {"group_id": 999999, "version": None}
    assert api.post("/flows/checkin/assign", "carol", json=body).status_code == 404
    assert _assigned(world, world.hope.id) is None


def test_facilitators_do_not_use_the_flow_library(api, world):
    version = _published(world)
    body = {"group_id": world.hope.id, "version": version}
    for response in (
        api.get("/flows", "alice"),
        api.get("/flows/checkin", "alice"),
        api.post("/flows/checkin/assign", "alice", json=body),
    ):
        assert response.status_code == 403
        assert response.json["error"] == "only coordinators may do this"
    assert _assigned(world, world.hope.id) is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"group_id": 1},  # the version must be said, null for the built-in
        {"group_id": "1", "version": None},
        {"group_id": 0, "version": None},
        {"group_id": 1, "version": 0},
        {"group_id": 1, "version": "2"},
        {"group_id": 1, "version": None, "extra": True},
    ],
)
def test_a_bad_assignment_is_422(api, world, body):
    response = api.post("/flows/checkin/assign", "carol", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "the request is not valid"


def test_the_operations_are_in_the_openapi_document(api, world):
    paths = api.get("/openapi.json", None).json["paths"]
    assert {"200", "403"} <= set(paths["/api/v1/flows"]["get"]["responses"])
    assert {"200", "403", "404"} <= set(paths["/api/v1/flows/{flow_id}"]["get"]["responses"])
    assign = paths["/api/v1/flows/{flow_id}/assign"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(assign)
    with world.runtime.session() as s:
        assert s.scalar(select(FlowVersion)) is None  # reading the document changed nothing
