"""Console fixtures: log people in through the real login form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.console.console_helpers import sign_in
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

    def sign_in(self, user_id: int) -> None:
        """Log in without the form (argon2 is slow on purpose; the form has its own tests)."""
        sign_in(self.client, self.app, user_id)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, **kw)


@pytest.fixture
def browser(app: Any, world: Any) -> Any:
    """browser("alice") → a client logged in as alice; browser() → anonymous."""

    def make(who: str | None = None) -> Browser:
        b = Browser(app)
        if who:
            b.sign_in(world.users[who].id)
        return b

    return make
