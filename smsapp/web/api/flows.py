"""POST /flows/validate, PUT /flows/{id}/draft and POST /flows/{id}/publish.

Validating, drafts and publishing are coordinators' only (facilitators write no flows, and
validation renders coordinator-written templates). A flow with errors is never published.
"""

from __future__ import annotations

from flask import abort

from smsapp.flows.lint import Issue
from smsapp.services.domain import flow_editor
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import (
    FlowCheckOut,
    FlowDraftIn,
    FlowMessageOut,
    FlowVersionOut,
    FlowYamlIn,
    IssueOut,
)
from smsapp.web.api.spec import answers, api_spec, error_json
from smsapp.web.runtime import runtime


def check_out(check: flow_editor.Check) -> FlowCheckOut:
    """The editor's findings as the API shows them."""
    return FlowCheckOut(
        ok=check.ok,
        issues=[
            IssueOut(path=i.path, message=i.message, severity=i.severity, line=i.line)
            for i in check.issues
        ],
        messages=[
            FlowMessageOut(
                path=m.path,
                line=m.line,
                preview=m.preview,
                encoding=m.encoding,
                segments=m.segments,
                chars=m.chars,
                ucs2_char=m.ucs2_char,
                error=m.error,
            )
            for m in check.messages
        ],
    )


@api_bp.post("/flows/validate")
@api_spec.validate(resp=answers(400, 403, HTTP_200=FlowCheckOut), tags=["flows"])
def validate_flow(json: FlowYamlIn) -> FlowCheckOut:
    """Errors and lints with line numbers, and each message's segments, encoding and preview."""
    access.require_coordinator(auth.current_user())
    return check_out(flow_editor.check_yaml(json.yaml, json.flow_id))


def _editable_flow_or_404(flow_id: str) -> None:
    user = auth.current_user()
    access.require_coordinator(user)
    if flow_id not in flow_editor.editable_flow_ids(auth.db(), user.organisation_id):
        abort(404)


@api_bp.put("/flows/<string:flow_id>/draft")
@api_spec.validate(
    resp=answers(400, 403, 404, HTTP_200=FlowVersionOut),
    tags=["flows"],
)
def save_flow_draft(flow_id: str, json: FlowDraftIn) -> FlowVersionOut:
    """Store the YAML as the flow's draft (even with errors) and report what is wrong."""
    _editable_flow_or_404(flow_id)
    session, user = auth.db(), auth.current_user()
    result = flow_editor.save_draft(
        session, user.organisation_id, flow_id, json.yaml, user, runtime().now()
    )
    session.commit()
    version = result.version
    return FlowVersionOut(
        flow_id=flow_id,
        version=version.version,
        status=version.status,
        check=check_out(result.check),
    )


@api_bp.post("/flows/<string:flow_id>/publish")
@api_spec.validate(
    resp=answers(400, 403, 404, 409, HTTP_200=FlowVersionOut),
    tags=["flows"],
)
def publish_flow(flow_id: str) -> FlowVersionOut | object:
    """Publish the flow's draft as a new version; refused (409) while errors remain."""
    _editable_flow_or_404(flow_id)
    session, user = auth.db(), auth.current_user()
    try:
        version = flow_editor.publish(session, user.organisation_id, flow_id, user, runtime().now())
    except flow_editor.PublishRefused as refused:
        details = [{"path": i.path, "message": _with_line(i)} for i in refused.issues]
        return error_json(409, str(refused), details)
    except LookupError:
        abort(404, f"flow {flow_id} has no draft to publish")
    session.commit()
    check = flow_editor.check_yaml(version.yaml_text, flow_id)
    return FlowVersionOut(
        flow_id=flow_id, version=version.version, status=version.status, check=check_out(check)
    )


def _with_line(issue: Issue) -> str:
    return f"line {issue.line}: {issue.message}" if issue.line else issue.message
