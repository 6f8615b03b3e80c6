"""Logging in and out of the console: passwords, rate limits, CSRF, idle logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from smsapp.web.console import console_bp, coordinator_required, login_required, render_page


def test_anonymous_is_sent_to_login(client: Any, world: Any) -> None:
    response = client.get("/console/cases")
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]


def test_login_with_right_password_shows_cases(browser: Any, world: Any) -> None:
    b = browser()
    response = b.login("alice")
    assert response.status_code == 302
    page = b.get("/console/cases")
    assert page.status_code == 200
    assert b"Open cases" in page.data
    assert b"Log out" in page.data


def test_wrong_password_is_refused(browser: Any, world: Any) -> None:
    b = browser()
    response = b.login("alice", "wrong password at all")
    assert response.status_code == 401
    assert b"do not match" in response.data
    assert b.get("/console/cases").status_code == 302


def test_five_failures_lock_the_email_for_this_address(browser: Any, world: Any) -> None:
    b = browser()
    for _ in range(5):
        assert b.login("alice", "nope nope nope").status_code == 401
    locked = b.login("alice")  # even the right password, for 15 minutes
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.data
    assert browser().login("bob").status_code == 302  # other accounts unaffected


def test_logout_ends_the_session(browser: Any, world: Any) -> None:
    b = browser("alice")
    assert b.post("/console/logout").status_code == 302
    assert b.get("/console/cases").status_code == 302


def test_idle_for_30_minutes_logs_out(browser: Any, world: Any, clock: Any) -> None:
    b = browser("alice")
    clock.advance(timedelta(minutes=29))
    assert b.get("/console/cases").status_code == 200
    clock.advance(timedelta(minutes=31))
    response = b.get("/console/cases")
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]
    assert b.get("/console/cases").status_code == 302  # really logged out


def test_post_without_csrf_token_is_refused(app: Any, browser: Any, world: Any) -> None:
    b = browser("alice")
    app.config["WTF_CSRF_ENABLED"] = True
    response = b.post("/console/logout")
    assert response.status_code == 400
    page = b.get("/console/cases")
    assert page.status_code == 200  # still logged in: the forged POST did nothing
    token = page.data.split(b'name="csrf-token" content="')[1].split(b'"')[0].decode()
    assert b.post("/console/logout", data={"csrf_token": token}).status_code == 302


def test_login_form_itself_needs_csrf(app: Any, browser: Any, world: Any) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert browser().login("alice").status_code == 400


def test_session_cookie_is_httponly_and_lax(browser: Any, world: Any) -> None:
    b = browser()
    response = b.login("alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_next_parameter_cannot_redirect_off_site(browser: Any, world: Any) -> None:
    b = browser()
    response = b.post(
        "/console/login?next=https://evil.example/x",
        data={
            "email": "alice@example.org",
            "password": __import__("tests.factories").factories.PASSWORD,
        },
    )
    assert response.headers["Location"].endswith("/console/dashboard")


def test_public_helpers_are_exported() -> None:
    assert console_bp.url_prefix == "/console"
    assert callable(coordinator_required) and callable(login_required) and callable(render_page)
