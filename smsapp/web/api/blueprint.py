"""The API blueprint: bearer tokens, JSON bodies, JSON errors, the OpenAPI document.
Route modules add their routes to `bp`; `smsapp.web.api.register` attaches it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from smsapp.web.api import auth
from smsapp.web.api.spec import api_spec, error_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def _authenticate() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not auth.authenticate_request():
        return error_json(401, "a valid bearer token is required", www_auth=True)
    return _require_json_body()


def _require_json_body() -> Response | None:
    if request.method not in ("POST", "PUT", "PATCH") or not request.get_data():
        return None
    if not request.is_json or not isinstance(request.get_json(silent=True), dict):
        return error_json(400, "the request body must be a JSON object")
    return None


@bp.teardown_request
def _close(_exc: BaseException | None) -> None:
    auth.close_session()


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc.response, Response):  # spectree's validation answer, already JSON
        return exc.response
    return error_json(exc.code or 500, exc.description or exc.name)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document, generated from the routes' pydantic models."""
    return jsonify(api_spec.spec)


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def _unknown(_rest: str) -> Response:
    return error_json(404, "not found")
