"""API test helpers: a bearer token per person of the `world` fixture."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from smsapp.services.domain import api_tokens
from smsapp.web.api import register as register_api
from tests.factories import World


@pytest.fixture
def api_app(app: Flask) -> Flask:
    register_api(app)  # a no-op when the web layer already registered it
    return app


class Api:
    """Calls the API as one of the world's people (or with no / a bad token)."""

    def __init__(self, client: Any, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        return {"Authorization": f"Bearer {self.tokens.get(who, who)}"}

    def get(self, path: str, who: str | None) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(who))

    def post(self, path: str, who: str | None, json: Any = None, **kw: Any) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self.headers(who), json=json, **kw)


@pytest.fixture
def api(api_app: Flask, world: World) -> Api:
    tokens = {}
    with world.runtime.session() as s:
        for name, user in world.users.items():
            tokens[name] = api_tokens.create_token(
                s, s.merge(user), "tests", world.runtime.now()
            ).token
        s.commit()
    return Api(api_app.test_client(), tokens)
