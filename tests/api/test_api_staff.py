"""Staff accounts through the API, as on the console's staff pages: invitations and password
links (mailed, and in the answer to the coordinator who asked only), deactivation and
reactivation. Coordinators only; another organisation's people are ids nobody has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from smsapp.config import Settings
from smsapp.models import AccountLink, User
from smsapp.services.domain import api_tokens, staff
from tests.factories import PASSWORD, World
from tests.smtp_stand_in import mailing_through, serve_smtp

NEW_PASSWORD = "a long new password"
ERIN = {"role": "facilitator", "email": "Erin@Example.org", "name": "Erin Park"}


@pytest.fixture
def smtp() -> Iterator[Any]:
    with serve_smtp() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, smtp: Any) -> Settings:
    return mailing_through(settings, smtp)


@pytest.fixture
def olga(api: Any, world: World) -> int:
    """A coordinator of the other organisation, with a token (api.tokens["olga"])."""
    with world.runtime.session() as s:
        other = s.merge(world.other_org)
        person = staff.add_staff(
            s, other, role="coordinator", email="olga@example.org", name="Olga",
            password=None, now=world.runtime.now(),
        )  # fmt: skip
        api.tokens["olga"] = api_tokens.create_token(s, person, "t", world.runtime.now()).token
        s.commit()
        return person.id


def _welcome_path(link: str, world: World) -> str:
    base = world.runtime.settings.public_base_url.rstrip("/")
    assert link.startswith(f"{base}/console/welcome/"), link
    return link.removeprefix(base)


def _anonymous(api: Any) -> Any:
    """Another client of the same app, logged in as nobody (the invited person's browser)."""
    return api.client.application.test_client()


def _mail_body(mail: Any) -> str:
    return str(mail.get_payload(decode=True).decode())


def test_an_invited_facilitator_sets_a_password_from_the_link(api, world, smtp) -> None:
    invited = api.post("/staff/invitations", "carol", json=ERIN | {"group_ids": [world.hope.id]})
    assert invited.status_code == 201, invited.json
    assert invited.headers["Cache-Control"] == "no-store"
    answer = invited.json
    assert answer["purpose"] == "invite" and answer["mailed"] is True
    erin = answer["staff"]
    assert erin["email"] == "erin@example.org" and erin["role"] == "facilitator"
    assert erin["group_ids"] == [world.hope.id] and erin["active"] is True
    assert erin["password_set"] is False and erin["link_pending"] is True
    (mail,) = smtp.received
    assert mail["To"] == "erin@example.org" and "invited" in mail["Subject"]
    assert answer["link"] in _mail_body(mail) and "Carol" in _mail_body(mail)

    listed = api.get("/staff", "carol")
    assert {p["name"]: p["link_pending"] for p in listed.json["staff"]}["Erin Park"] is True
    token = answer["link"].rsplit("/", 1)[1]
    assert token not in listed.data.decode()  # the link is in the invitation's answer only
    assert token not in api.get(f"/staff/{erin['id']}", "carol").data.decode()

    path = _welcome_path(answer["link"], world)
    page = api.client.get(path)
    assert page.status_code == 200 and b"Erin Park" in page.data
    form = {"password": NEW_PASSWORD, "again": NEW_PASSWORD}
    done = _anonymous(api).post(path, data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/dashboard")
    assert api.client.get(path).status_code == 404  # used
    after = api.get(f"/staff/{erin['id']}", "carol").json
    assert after["password_set"] is True and after["link_pending"] is False


def test_a_password_link_replaces_the_older_one_and_the_password_works_until_used(
    api, world, smtp
) -> None:
    alice = world.users["alice"].id
    first = api.post(f"/staff/{alice}/password-reset", "carol")
    assert first.status_code == 201, first.json
    assert first.json["purpose"] == "reset" and first.json["staff"]["password_set"] is True
    second = api.post(f"/staff/{alice}/password-reset", "carol").json
    assert api.client.get(_welcome_path(first.json["link"], world)).status_code == 404
    assert api.client.get(_welcome_path(second["link"], world)).status_code == 200
    login = _anonymous(api).post(
        "/console/login", data={"email": "alice@example.org", "password": PASSWORD}
    )
    assert login.status_code == 302  # the old password still works
    assert [m["Subject"] for m in smtp.received] == ["Set a new smsapp password"] * 2
    assert second["link"] in _mail_body(smtp.received[1])


def test_deactivation_ends_access_and_reactivation_restores_the_password_only(api, world) -> None:
    alice = world.users["alice"].id
    assert api.get("/groups", "alice").status_code == 200
    done = api.post(f"/staff/{alice}/deactivate", "carol")
    assert done.status_code == 200, done.json
    assert done.json["staff"]["active"] is False and done.json["logins_ended"] == 0
    assert api.get("/groups", "alice").status_code == 401  # her token is revoked
    refused = api.post(f"/staff/{alice}/password-reset", "carol")
    assert refused.status_code == 409
    assert refused.json["error"] == "this account is deactivated; reactivate it first"

    back = api.post(f"/staff/{alice}/reactivate", "carol")
    assert back.status_code == 200 and back.json["active"] is True
    assert api.get("/groups", "alice").status_code == 401  # tokens stay revoked
    assert api.post(f"/staff/{alice}/password-reset", "carol").status_code == 201


def test_a_coordinator_cannot_deactivate_themselves(api, world) -> None:
    carol = world.users["carol"].id
    refused = api.post(f"/staff/{carol}/deactivate", "carol")
    assert refused.status_code == 409
    assert refused.json["error"] == "you cannot deactivate your own account"
    assert api.get(f"/staff/{carol}", "carol").json["active"] is True
    assert api.get("/groups", "carol").status_code == 200


def test_another_organisation_cannot_see_or_touch_harbors_staff(api, world, olga, smtp) -> None:
    alice = world.users["alice"].id
    nobody = api.get("/staff/999999", "olga")
    assert nobody.status_code == 404
    for method, path in (
        ("GET", f"/staff/{alice}"),
        ("POST", f"/staff/{alice}/password-reset"),
        ("POST", f"/staff/{alice}/deactivate"),
        ("POST", f"/staff/{alice}/reactivate"),
    ):
        response = api.client.open(f"/api/v1{path}", method=method, headers=api.headers("olga"))
        assert response.status_code == 404, (method, path)
        assert response.json == nobody.json  # the same answer as for an id nobody has
    into_harbor = api.post("/staff/invitations", "olga", json=ERIN | {"group_ids": [world.hope.id]})
    assert into_harbor.status_code == 404
    assert "Alice" not in {p["name"] for p in api.get("/staff", "olga").json["staff"]}
    # Harbor's coordinator cannot reach Olga either.
    assert api.post(f"/staff/{olga}/password-reset", "carol").status_code == 404
    assert api.post(f"/staff/{olga}/deactivate", "carol").status_code == 404

    assert smtp.received == []  # no link was made, so none was mailed
    with world.runtime.session() as s:
        assert s.scalars(select(AccountLink)).all() == []
        assert s.get(User, alice).active
        assert s.scalar(select(User).where(User.email == "erin@example.org")) is None


def test_a_facilitator_token_is_refused(api, world, smtp) -> None:
    bob = world.users["bob"].id
    for method, path, body in (
        ("POST", "/staff/invitations", ERIN),
        ("GET", f"/staff/{bob}", None),
        ("POST", f"/staff/{bob}/password-reset", None),
        ("POST", f"/staff/{bob}/deactivate", None),
        ("POST", f"/staff/{bob}/reactivate", None),
    ):
        response = api.client.open(
            f"/api/v1{path}", method=method, headers=api.headers("alice"), json=body
        )
        assert response.status_code == 403, (method, path)
        assert response.json["error"] == "only coordinators may do this"
    assert smtp.received == []
    assert api.get(f"/staff/{bob}", "carol").json["active"] is True


def test_bad_invitations_name_every_problem_and_make_nothing(api, world, smtp) -> None:
    several = api.post(
        "/staff/invitations", "carol",
        json={"role": "facilitator", "email": "alice@example.org", "name": " ", "phone": "12"},
    )  # fmt: skip
    assert several.status_code == 422
    assert {d["path"] for d in several.json["details"]} == {"email", "name", "phone"}
    assert "already exists" in str(several.json)

    missing = api.post("/staff/invitations", "carol", json={"role": "volunteer"})
    assert missing.status_code == 422
    assert {d["path"] for d in missing.json["details"]} >= {"role", "email", "name"}

    grouped = api.post(
        "/staff/invitations", "carol",
        json=ERIN | {"role": "coordinator", "group_ids": [world.hope.id]},
    )  # fmt: skip
    assert grouped.status_code == 422 and grouped.json["details"][0]["path"] == "group_ids"

    not_json = api.post("/staff/invitations", "carol", data="role=x", content_type="text/plain")
    assert not_json.status_code == 400
    assert api.post("/staff/999999/password-reset", "carol").status_code == 404
    assert smtp.received == []
    with world.runtime.session() as s:
        assert s.scalar(select(User).where(User.email == "erin@example.org")) is None
