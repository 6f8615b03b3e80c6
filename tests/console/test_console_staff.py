"""Staff: invitations and password links shown once (and mailed when mail is set up),
setting a password from a link, changing and resetting passwords, deactivation."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from smsapp.models import ApiToken, User
from smsapp.services.domain import api_tokens
from tests.factories import PASSWORD

LINK = re.compile(r"https?://[^\s<\"]+/console/welcome/[\w-]+")
NEW_PASSWORD = "a long new password"


def _invite(b: Any, world: Any, **form: Any) -> Any:
    data = {"name": "Erin Park", "email": "erin@example.org", "role": "facilitator"}
    data |= {"group_ids": [world.hope.id]} | form
    return b.post("/console/staff", data=data)


def _link(page: str) -> str:
    found = LINK.search(page)
    assert found, page
    return found.group(0).split("/console/", 1)[1]


def test_invitation_link_is_shown_once_and_sets_the_password(
    browser: Any, world: Any, runtime: Any
) -> None:
    carol = browser("carol")
    response = _invite(carol, world)
    assert response.status_code == 302
    person_page = response.headers["Location"]
    first = carol.get(person_page).data.decode()
    path = _link(first)
    assert "Copy link" in first and "shown only now" in first
    reload = carol.get(person_page).data.decode()
    assert not LINK.search(reload) and "invited" in reload

    erin = browser()
    form = erin.get(f"/console/{path}").data.decode()
    assert "Welcome, Erin Park" in form and "erin@example.org" in form
    short = erin.post(f"/console/{path}", data={"password": "short", "again": "short"})
    assert b"12 characters" in short.data or b"between 12" in short.data
    done = erin.post(f"/console/{path}", data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/dashboard")
    assert erin.get("/console/cases").status_code == 200  # logged in, in Hope's cases

    again = browser().get(f"/console/{path}")
    assert again.status_code == 404 and b"no longer works" in again.data
    assert browser().login("erin", NEW_PASSWORD).status_code == 302
    with runtime.session() as s:
        erin_row = s.scalar(select(User).where(User.email == "erin@example.org"))
        assert [g.name for g in erin_row.groups] == [world.hope.name]


def test_invite_form_shows_every_problem_and_keeps_what_was_typed(browser: Any, world: Any) -> None:
    page = _invite(browser("carol"), world, email="alice@example.org", phone="12").data.decode()
    assert "2 things need fixing" in page
    assert "already exists" in page
    assert 'value="Erin Park"' in page


def test_reset_link_replaces_the_old_one_and_password_keeps_working_until_used(
    browser: Any, world: Any
) -> None:
    carol = browser("carol")
    alice_id = world.users["alice"].id
    first = _link(
        carol.get(carol.post(f"/console/staff/{alice_id}/link").headers["Location"]).data.decode()
    )
    second_page = carol.post(f"/console/staff/{alice_id}/link").headers["Location"]
    second = _link(carol.get(second_page).data.decode())
    assert browser().get(f"/console/{first}").status_code == 404
    assert browser().login("alice").status_code == 302  # old password still works

    logged_in = browser("alice")
    browser().post(f"/console/{second}", data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert logged_in.get("/console/cases").status_code == 302  # the reset ended her logins
    assert browser().login("alice").status_code == 401
    assert browser().login("alice", NEW_PASSWORD).status_code == 302


def test_facilitators_cannot_manage_staff(browser: Any, world: Any) -> None:
    alice = browser("alice")
    assert alice.get("/console/staff").status_code == 403
    assert alice.post(f"/console/staff/{world.users['bob'].id}/link").status_code == 403
    other = browser("carol").get(f"/console/staff/{world.users['dave'].id}")
    assert other.status_code == 404  # another organisation's account


def test_deactivation_asks_first_then_ends_logins_tokens_and_alerts(
    browser: Any, world: Any, runtime: Any
) -> None:
    carol, alice = browser("carol"), browser("alice")
    alice_id = world.users["alice"].id
    with runtime.session() as s:
        api_tokens.create_token(s, s.get(User, alice_id), "script", runtime.now())
        s.commit()
    ask = carol.get(f"/console/staff/{alice_id}/deactivate").data.decode()
    assert "Deactivate Alice?" in ask and "logged out everywhere" in ask
    assert alice.get("/console/cases").status_code == 200  # asking changed nothing

    done = carol.post(f"/console/staff/{alice_id}/deactivate", data={"confirm": "y"})
    assert b"deactivated" in carol.get(done.headers["Location"]).data
    assert alice.get("/console/cases").status_code == 302
    assert browser().login("alice").status_code == 401
    with runtime.session() as s:
        assert s.scalars(select(ApiToken.revoked).where(ApiToken.user_id == alice_id)).all() == [
            True
        ]
    carol.post(f"/console/staff/{alice_id}/reactivate")
    assert browser().login("alice").status_code == 302


def test_a_coordinator_cannot_deactivate_themselves(browser: Any, world: Any) -> None:
    carol = browser("carol")
    carol_id = world.users["carol"].id
    carol.post(f"/console/staff/{carol_id}/deactivate", data={"confirm": "y"})
    assert carol.get("/console/staff").status_code == 200


def test_changing_your_password_ends_your_other_logins(browser: Any, world: Any) -> None:
    here, elsewhere = browser("alice"), browser("alice")
    response = here.post(
        "/console/account",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/console/cases").status_code == 200
    assert elsewhere.get("/console/cases").status_code == 302
    wrong = here.post(
        "/console/account", data={"current": "nope", "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    )
    assert b"not your current password" in wrong.data
