"""The spectree instance: request validation and the generated OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from spectree import Response as Response_
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from smsapp.web.api.schemas import ErrorOut


def error_json(
    status: int,
    message: str,
    details: list[dict[str, str]] | None = None,
    *,
    www_auth: bool = False,
) -> Response:
    """A JSON error: {"error": message, "details": [{"path", "message"}]}."""
    response = jsonify(
        ErrorOut.model_validate({"error": message, "details": details or []}).model_dump()
    )
    response.status_code = status
    if www_auth:
        response.headers["WWW-Authenticate"] = 'Bearer realm="smsapp"'
    return response


def _field_path(loc: Any) -> str:
    path = ""
    for part in loc or ():
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".")


def _validation_answer(req: Any, resp: Any, err: Any, _instance: Any, _adapter: Any) -> None:
    # spectree answers invalid input with pydantic's raw error list; rewrite it into the
    # API's one error shape, with a field path and a readable message per problem.
    if err is None or resp is None:
        return
    details = [
        {
            "path": _field_path(e.get("loc")),
            "message": e.get("msg", "").removeprefix("Value error, "),
        }
        for e in err.errors(include_url=False, include_context=False, include_input=False)
    ]
    body = error_json(422, "the request is not valid", details)
    resp.set_data(body.get_data())
    resp.headers["Content-Type"] = "application/json"


api_spec = SpecTree(
    "flask",
    mode="strict",
    title="smsapp API",
    version="1",
    description="Groups, members, cases and reports of one organisation. "
    "Send `Authorization: Bearer <token>`; make tokens with `smsapp tokens create`.",
    validation_error_status=422,
    validation_error_model=ErrorOut,
    before=_validation_answer,
    security_schemes=[
        SecurityScheme(
            name="bearerAuth", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")
        )
    ],
    security={"bearerAuth": []},
)


def answers(*errors: int, **ok: Any) -> Response_:
    """An operation's documented answers: `ok` (e.g. HTTP_200=Model), 401 (every operation
    needs a token) and an ErrorOut for each status in `errors`.

    Operations that take a body also answer 400 when it is not a JSON object."""
    codes = {f"HTTP_{code}": ErrorOut for code in sorted({401, *errors})}
    return Response_(**ok, **codes)
