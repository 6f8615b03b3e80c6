"""/console/simulator: a member phone and a facilitator phone on the sandbox clock.

Pages parse input and call the sandbox services; the JSON endpoints answer with the
whole page state so the script can redraw without a reload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, jsonify, request

from smsapp.sandbox import simulator, timeline
from smsapp.web.console import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    render_page,
)
from smsapp.web.runtime import runtime

MAX_BODY = 1600
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}

add_nav("Simulator", "console.simulator_page", coordinator_only=True)


def _sandbox() -> simulator.Sandbox:
    """The signed-in coordinator's organisation's sandbox, made on first visit."""
    rt = runtime()
    with rt.session() as session:
        box = simulator.ensure_sandbox(session, current_account().organisation_id, rt.now())
        session.commit()
    return box


@console_bp.get("/simulator")
@coordinator_required
def simulator_page() -> Any:
    box = _sandbox()
    return render_page("console/simulator.html", state=simulator.state(runtime(), box))


@console_bp.get("/simulator/state.json")
@coordinator_required
def simulator_state() -> Response:
    return jsonify(simulator.state(runtime(), _sandbox()))


@console_bp.post("/simulator/text")
@coordinator_required
def simulator_text() -> Response:
    payload = request.get_json(silent=True) or {}
    who, body = payload.get("who"), str(payload.get("body", "")).strip()[:MAX_BODY]
    if who not in ("member", "facilitator") or not body:
        abort(400, "send {who: member|facilitator, body: text}")
    box = _sandbox()
    simulator.send_text(runtime(), box, who, body)
    return jsonify(simulator.state(runtime(), box))


@console_bp.post("/simulator/advance")
@coordinator_required
def simulator_advance() -> Response:
    step = (request.get_json(silent=True) or {}).get("step")
    box = _sandbox()
    rt = runtime()
    if step == "next":
        timeline.advance_to_next_event(rt, box.group_id)
    elif step in STEPS:
        timeline.advance_by(rt, box.group_id, STEPS[step])
    else:
        abort(400, "step is hour, next or day")
    return jsonify(simulator.state(rt, box))
