"""GET /healthz: database and Redis reachability, as JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from smsapp.web.runtime import runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    rt = runtime()
    checks = {"database": _check(lambda: _db(rt)), "redis": _check(lambda: rt.redis.ping())}
    ok = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ok else "degraded", checks=checks), 200 if ok else 503


def _db(rt: object) -> None:
    from smsapp.runtime import Runtime

    assert isinstance(rt, Runtime)
    with rt.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _check(probe: object) -> str:
    try:
        probe()  # type: ignore[operator]
    except Exception as exc:  # reachability only: the type says enough, never the message
        return f"error: {type(exc).__name__}"
    return "ok"
