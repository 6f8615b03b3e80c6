"""Flow editor pages (coordinators): copy a built-in flow, edit its YAML, see errors, lints,
segment counts and a preview, save a draft, publish, compare versions, assign to groups."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.flows.loader import builtin_ids
from smsapp.models import Group
from smsapp.sandbox import simulator
from smsapp.services.domain import flow_editor, visibility
from smsapp.services.domain.flow_editor import Check, PublishRefused
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    db_user,
    render_page,
)
from smsapp.web.runtime import runtime

add_nav("Flows", "console.flows", coordinator_only=True)


def _org() -> int:
    return current_account().organisation_id


def _flow_id_or_404(flow_id: str) -> str:
    if flow_id not in flow_editor.editable_flow_ids(db(), _org()):
        abort(404)
    return flow_id


def _groups() -> list[Group]:
    account = current_account()
    return list(
        db().scalars(select(Group).where(visibility.groups_filter(account)).order_by(Group.name))
    )


@console_bp.get("/flows")
@coordinator_required
def flows() -> str:
    """Every flow the organisation can edit, with its draft and newest published version."""
    session, org = db(), _org()
    rows = [
        {
            "flow_id": flow_id,
            "draft": flow_editor.draft_of(session, org, flow_id),
            "published": flow_editor.latest_published(session, org, flow_id),
        }
        for flow_id in flow_editor.editable_flow_ids(session, org)
    ]
    return render_page("console/flow_editor_list.html", rows=rows)


def _editor(
    flow_id: str, text: str | None = None, check: Check | None = None, status: int = 200
) -> Any:
    session, org = db(), _org()
    draft = flow_editor.draft_of(session, org, flow_id)
    published = flow_editor.latest_published(session, org, flow_id)
    if text is None:
        source = draft or published
        text = source.yaml_text if source else flow_editor.builtin_yaml(flow_id)
    groups = _groups()
    assigned = {g.id: flow_editor.assigned_version(session, g.id, flow_id) for g in groups}
    page = render_page(
        "console/flow_editor.html",
        flow_id=flow_id,
        text=text,
        check=check or flow_editor.check_yaml(text, flow_id),
        draft=draft,
        versions=flow_editor.versions(session, org, flow_id),
        groups=groups,
        assigned=assigned,
        is_builtin=flow_id in builtin_ids(),
    )
    return page, status


@console_bp.get("/flows/<flow_id>")
@coordinator_required
def flow_edit(flow_id: str) -> Any:
    return _editor(_flow_id_or_404(flow_id))


@console_bp.post("/flows/<flow_id>/copy")
@coordinator_required
def flow_copy(flow_id: str) -> Response:
    if flow_id not in builtin_ids():
        abort(404)
    draft = flow_editor.copy_builtin(db(), _org(), flow_id, db_user(), runtime().now())
    db().commit()
    flash(f"Draft v{draft.version} of {flow_id} is ready to edit.", "info")
    return redirect(url_for("console.flow_edit", flow_id=flow_id))


@console_bp.post("/flows/<flow_id>/save")
@coordinator_required
def flow_save(flow_id: str) -> Any:
    flow_id = _flow_id_or_404(flow_id)
    text = request.form.get("yaml_text", "")
    result = flow_editor.save_draft(db(), _org(), flow_id, text, db_user(), runtime().now())
    db().commit()
    errors = len(result.check.errors)
    if errors:
        flash(
            f"Draft v{result.version.version} saved with {errors} error(s) to fix first.",
            "error",
        )
    else:
        flash(f"Draft v{result.version.version} saved.", "info")
    return _editor(flow_id, result.version.yaml_text, result.check)


@console_bp.post("/flows/<flow_id>/check.json")
@coordinator_required
def flow_check(flow_id: str) -> Response:
    """The live preview: the typed YAML checked and its messages previewed (nothing saved)."""
    flow_id = _flow_id_or_404(flow_id)
    payload = request.get_json(silent=True) or {}
    text = str(payload.get("yaml_text", ""))
    return jsonify(flow_editor.check_as_dict(flow_editor.check_yaml(text, flow_id)))


@console_bp.post("/flows/<flow_id>/try")
@coordinator_required
def flow_try(flow_id: str) -> Any:
    """Save what is typed as the draft and let the simulator's group start it."""
    flow_id = _flow_id_or_404(flow_id)
    text = request.form.get("yaml_text", "")
    result = flow_editor.save_draft(db(), _org(), flow_id, text, db_user(), runtime().now())
    if result.check.errors:
        db().commit()
        flash("Saved, but the draft has errors: fix them before trying it.", "error")
        return _editor(flow_id, result.version.yaml_text, result.check, 422)
    box = simulator.ensure_sandbox(db(), _org(), runtime().now())
    sandbox_group = db().get(Group, box.group_id)
    assert sandbox_group is not None
    flow_editor.try_draft(db(), sandbox_group, flow_id)
    db().commit()
    flash(
        f"The simulator now starts {flow_id} with draft v{result.version.version}; "
        "real members keep the published version until you publish.",
        "info",
    )
    return redirect(url_for("console.simulator_page"))


@console_bp.post("/flows/<flow_id>/publish")
@coordinator_required
def flow_publish(flow_id: str) -> Any:
    flow_id = _flow_id_or_404(flow_id)
    try:
        version = flow_editor.publish(db(), _org(), flow_id, db_user(), runtime().now())
    except PublishRefused as refused:
        db().rollback()
        flash(f"Not published: {len(refused.issues)} error(s) remain.", "error")
        return _editor(flow_id, status=422)
    except LookupError:
        flash("There is no draft to publish: save one first.", "error")
        return _editor(flow_id, status=409)
    db().commit()
    flash(f"Published {flow_id} v{version.version}. Choose which groups use it below.", "info")
    return redirect(url_for("console.flow_edit", flow_id=flow_id))


@console_bp.get("/flows/<flow_id>/diff")
@coordinator_required
def flow_diff(flow_id: str) -> str:
    flow_id = _flow_id_or_404(flow_id)
    old = request.args.get("from", 0, type=int)
    new = request.args.get("to", 0, type=int)
    try:
        lines = flow_editor.diff(db(), _org(), flow_id, old, new)
    except (LookupError, KeyError):
        abort(404)
    return render_page(
        "console/flow_editor_diff.html", flow_id=flow_id, old=old, new=new, lines=lines
    )


@console_bp.post("/flows/<flow_id>/assign")
@coordinator_required
def flow_assign(flow_id: str) -> Response:
    flow_id = _flow_id_or_404(flow_id)
    try:
        group = visibility.group(db(), current_account(), request.form.get("group_id", 0, type=int))
    except visibility.NotVisible:
        abort(404)
    choice = request.form.get("version", "builtin")
    version = None if choice == "builtin" else int(choice) if choice.isdecimal() else -1
    try:
        flow_editor.use_for_group(db(), group, flow_id, version)
    except (LookupError, ValueError) as exc:
        db().rollback()
        flash(f"Not changed: {exc}", "error")
        return redirect(url_for("console.flow_edit", flow_id=flow_id))
    db().commit()
    what = "the built-in flow" if version is None else f"v{version}"
    flash(f"{group.name} now starts {flow_id} with {what}.", "info")
    return redirect(url_for("console.flow_edit", flow_id=flow_id))
