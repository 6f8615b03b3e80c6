"""`smsapp users create`: the first coordinator account, and its organisation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from smsapp.commands.users import create_user
from smsapp.models import Organisation, User
from tests.factories import PASSWORD


def test_first_coordinator_creates_the_organisation_and_can_log_in(
    runtime: Any, client: Any
) -> None:
    user = create_user(
        runtime,
        role="coordinator",
        email="Kim@Example.org",
        name="Kim",
        organisation="New Org",
        password=PASSWORD,
    )
    assert user.email == "kim@example.org"
    with runtime.session() as s:
        assert s.scalar(select(Organisation.name)) == "New Org"
    response = client.post(
        "/console/login", data={"email": "kim@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_second_user_joins_the_existing_organisation(runtime: Any) -> None:
    create_user(
        runtime,
        role="coordinator",
        email="a@x.org",
        name="A",
        organisation="Org",
        password=PASSWORD,
    )
    create_user(
        runtime,
        role="facilitator",
        email="b@x.org",
        name="B",
        organisation="Org",
        password=PASSWORD,
        phone="(202) 555-0188",
    )
    with runtime.session() as s:
        users = list(s.scalars(select(User).order_by(User.id)))
        assert users[0].organisation_id == users[1].organisation_id
        assert users[1].phone == "+12025550188"
        assert len(list(s.scalars(select(Organisation)))) == 1


def test_duplicate_email_and_short_password_are_refused(runtime: Any) -> None:
    create_user(
        runtime,
        role="coordinator",
        email="a@x.org",
        name="A",
        organisation="Org",
        password=PASSWORD,
    )
    with pytest.raises(ValueError, match="already exists"):
        create_user(
            runtime,
            role="coordinator",
            email="A@x.org",
            name="A",
            organisation="Org",
            password=PASSWORD,
        )
    with pytest.raises(ValueError, match="12 characters"):
        create_user(
            runtime,
            role="coordinator",
            email="c@x.org",
            name="C",
            organisation="Org",
            password="short",
        )
