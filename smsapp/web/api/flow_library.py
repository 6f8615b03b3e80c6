"""GET /flows, GET /flows/{id} and POST /flows/{id}/assign: the flow editor's list, its
page, and choosing which version a group starts. Coordinators only, like the console's
flow pages, with the same services (smsapp.services.domain.flow_editor)."""

from __future__ import annotations

from flask import abort

from smsapp.flows.loader import builtin_ids
from smsapp.models import FlowVersion
from smsapp.services.domain import flow_editor
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.flow_schemas import (
    FlowAssignIn,
    FlowAssignOut,
    FlowDetailOut,
    FlowList,
    FlowSummaryOut,
    FlowVersionInfo,
    GroupFlowOut,
)
from smsapp.web.api.flows import check_out
from smsapp.web.api.spec import answers, api_spec, error_json


def _info(version: FlowVersion | None) -> FlowVersionInfo | None:
    if version is None:
        return None
    return FlowVersionInfo.model_validate(version, from_attributes=True)


def _flow_id_or_404(flow_id: str) -> str:
    user = auth.current_user()
    access.require_coordinator(user)
    if flow_id not in flow_editor.editable_flow_ids(auth.db(), user.organisation_id):
        abort(404)
    return flow_id


@api_bp.get("/flows")
@api_spec.validate(resp=answers(403, HTTP_200=FlowList), tags=["flows"])
def list_flows() -> FlowList:
    """Every flow the organisation can edit (the built-in ones and its own), with its
    open draft and newest published version."""
    session, user = auth.db(), auth.current_user()
    access.require_coordinator(user)
    org, builtin = user.organisation_id, set(builtin_ids())
    return FlowList(
        flows=[
            FlowSummaryOut(
                flow_id=flow_id,
                builtin=flow_id in builtin,
                draft=_info(flow_editor.draft_of(session, org, flow_id)),
                published=_info(flow_editor.latest_published(session, org, flow_id)),
            )
            for flow_id in flow_editor.editable_flow_ids(session, org)
        ]
    )


@api_bp.get("/flows/<string:flow_id>")
@api_spec.validate(resp=answers(403, 404, HTTP_200=FlowDetailOut), tags=["flows"])
def get_flow(flow_id: str) -> FlowDetailOut:
    """One flow as the editor opens it: its text and check, its versions, and which
    version each group starts."""
    flow_id = _flow_id_or_404(flow_id)
    session, org = auth.db(), auth.current_user().organisation_id
    source = flow_editor.draft_of(session, org, flow_id) or flow_editor.latest_published(
        session, org, flow_id
    )
    text = source.yaml_text if source else flow_editor.builtin_yaml(flow_id)
    groups = []
    for group in access.visible_groups(session, auth.current_user()):
        assigned = flow_editor.assigned_version(session, group.id, flow_id)
        version = assigned.version if assigned else None
        groups.append(GroupFlowOut(group_id=group.id, group_name=group.name, version=version))
    return FlowDetailOut(
        flow_id=flow_id,
        builtin=flow_id in builtin_ids(),
        yaml=text,
        check=check_out(flow_editor.check_yaml(text, flow_id)),
        versions=[
            FlowVersionInfo.model_validate(v, from_attributes=True)
            for v in flow_editor.versions(session, org, flow_id)
        ],
        groups=groups,
    )


@api_bp.post("/flows/<string:flow_id>/assign")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=FlowAssignOut), tags=["flows"])
def assign_flow(flow_id: str, json: FlowAssignIn) -> FlowAssignOut | object:
    """Make a group start the flow at a published version (null: back to the built-in);
    members already inside the flow finish on the version they started. 409 for a draft,
    422 for a version the flow does not have."""
    flow_id = _flow_id_or_404(flow_id)
    session = auth.db()
    group = access.group_or_404(session, auth.current_user(), json.group_id)
    try:
        flow_editor.use_for_group(session, group, flow_id, json.version)
    except LookupError as missing:
        session.rollback()
        return error_json(422, "the request is not valid", [_detail("version", missing)])
    except ValueError as refused:
        session.rollback()
        abort(409, str(refused))
    session.commit()
    return FlowAssignOut(flow_id=flow_id, group_id=group.id, version=json.version)


def _detail(path: str, exc: Exception) -> dict[str, str]:
    return {"path": path, "message": str(exc)}
