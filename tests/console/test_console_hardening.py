"""Console hardening: logins cost the same for unknown emails, lockouts per account, per
client and against spraying, logout ends the login on the server, security headers, and
400/404 (never 500) for values the database cannot take."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from smsapp.models import Member
from smsapp.web.console import auth
from tests.factories import PASSWORD


def _login(client: Any, email: str, password: str, ip: str = "203.0.113.1") -> Any:
    return client.post(
        "/console/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_an_unknown_email_costs_a_password_check_like_a_known_one(
    app, world, monkeypatch: pytest.MonkeyPatch
):
    checks: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checks.append(h) or real(h, p))
    client = app.test_client()
    assert _login(client, "nobody@example.org", "wrong password!!").status_code == 401
    assert _login(client, "alice@example.org", "wrong password!!").status_code == 401
    assert len(checks) == 2 and checks[0] != checks[1]  # argon2 ran both times


def test_one_client_is_locked_out_of_one_account_after_five_failures(app, world):
    client = app.test_client()
    for _ in range(5):
        assert _login(client, "alice@example.org", "wrong password!!").status_code == 401
    assert _login(client, "alice@example.org", PASSWORD).status_code == 429
    # Another client (alice herself, elsewhere) still gets in: no one locks anyone out.
    assert (
        _login(app.test_client(), "alice@example.org", PASSWORD, "198.51.100.7").status_code == 302
    )


def test_spraying_one_password_over_many_accounts_locks_the_client(app, world):
    client = app.test_client()
    for n in range(20):
        _login(client, f"person{n}@example.org", "Summer2026!!!!")
    assert _login(client, "carol@example.org", PASSWORD).status_code == 429
    assert (
        _login(app.test_client(), "carol@example.org", PASSWORD, "198.51.100.8").status_code == 302
    )


def test_guessing_one_account_from_many_addresses_locks_the_account(app, world):
    for n in range(20):
        _login(app.test_client(), "bob@example.org", "wrong password!!", f"192.0.2.{n}")
    assert _login(app.test_client(), "bob@example.org", PASSWORD, "192.0.2.200").status_code == 429
    assert (
        _login(app.test_client(), "alice@example.org", PASSWORD, "192.0.2.201").status_code == 302
    )


def test_logout_ends_the_login_on_the_server(app, world):
    client = app.test_client()
    assert _login(client, "carol@example.org", PASSWORD).status_code == 302
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.get("/console/members").status_code == 200
    client.post("/console/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    answer = thief.get("/console/members")
    assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]


def test_every_answer_carries_security_headers(client, world):
    for path in ("/console/login", "/healthz", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # not in production: no TLS here


def test_production_adds_hsts(settings, engine, clock, transport):
    from smsapp import create_app

    prod = create_app(
        settings.with_(env="production"), clock=clock, transport=transport, engine=engine
    )
    headers = prod.test_client().get("/console/login", base_url="https://sms.example.org").headers
    assert "max-age=31536000" in headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "path",
    [
        "/console/cases/99999999999999999999999",
        "/console/members/9223372036854775808",
        "/console/groups/99999999999999999999",
    ],
)
def test_ids_beyond_the_databases_range_are_404(browser, path):
    assert browser("carol").get(path).status_code == 404


@pytest.mark.parametrize(
    "target", ["/console/members\r\nSet-Cookie: x=1", "/console/\x00", "//evil.example/"]
)
def test_next_with_control_characters_is_ignored(app, world, target):
    client = app.test_client()
    response = client.post(
        "/console/login?next="
        + target.replace("\r", "%0D").replace("\n", "%0A").replace("\x00", "%00"),
        data={"email": "carol@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/console/dashboard")


def test_values_the_database_cannot_take_are_400_not_500(browser, world, runtime):
    carol = browser("carol")
    for name in ("Night\x00Owls", "x" * 5000):
        response = carol.post(
            "/console/groups/new", data={"code": "NIGHT1", "name": name, "tz": "UTC"}
        )
        assert response.status_code < 500, name[:20]


def test_a_csv_field_over_the_csv_limit_is_reported_not_500(browser, world, runtime):
    huge = "A" * 140_000
    data = (
        f"name,phone,group\nAna,+12025550177,HOPE\n{huge},+12025550178,HOPE\nBo,+12025550179,HOPE\n"
    )
    response = browser("carol").post(
        "/console/members/import",
        data={"file": (io.BytesIO(data.encode()), "members.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    with runtime.session() as s:
        added = list(s.scalars(select(Member).where(Member.phone_last4 == "0177")))
    assert len(added) == 1


def test_a_proxy_without_proxy_hops_is_reported_in_the_log(app, world, caplog, monkeypatch):
    from smsapp.web import hardening

    monkeypatch.setattr(hardening, "_warned", [])
    with caplog.at_level("WARNING", logger="smsapp.web.hardening"):
        app.test_client().get("/console/login", headers={"X-Forwarded-For": "198.51.100.9"})
        app.test_client().get("/console/login", headers={"X-Forwarded-For": "198.51.100.9"})
    assert [r.getMessage() for r in caplog.records].count("http.proxy_not_trusted") == 1
