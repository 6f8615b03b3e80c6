"""Console fixtures: log people in through the real login form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PASSWORD


class Browser:
    """A test client that logs in as one of the world's people."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()

    def login(self, who: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/console/login", data={"email": f"{who}@example.org", "password": password}
        )

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, **kw)


@pytest.fixture
def browser(app: Any) -> Any:
    """browser("alice") → a client logged in as alice; browser() → anonymous."""

    def make(who: str | None = None) -> Browser:
        b = Browser(app)
        if who:
            response = b.login(who)
            assert response.status_code == 302, response.data
        return b

    return make
