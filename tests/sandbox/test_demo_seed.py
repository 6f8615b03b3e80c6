"""The demo seeds a believable organisation, once, and never next to real members."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from smsapp.demo.runner import banner, demo_settings
from smsapp.demo.seed import SeedRefused, seed
from smsapp.models import Group, Member, PolicyLevel


def test_seeding_refuses_a_database_with_real_members(runtime, world):
    with runtime.session() as s, pytest.raises(SeedRefused, match="real members"):
        seed(s, runtime.settings, runtime.now())


def test_seeding_refuses_production(runtime):
    production = runtime.settings.with_(env="production")
    with runtime.session() as s, pytest.raises(SeedRefused, match="production"):
        seed(s, production, runtime.now())


def test_seed_makes_two_zones_six_members_and_three_levels_once(runtime):
    with runtime.session() as s:
        demo = seed(s, runtime.settings, runtime.now())
        s.commit()
        again = seed(s, runtime.settings, runtime.now())
        real_groups = s.scalars(select(Group).where(Group.sandbox.is_(False))).all()
        assert {g.tz for g in real_groups} == {"America/New_York", "Europe/London"}
        in_groups = select(func.count()).where(Member.group_id.in_([g.id for g in real_groups]))
        assert s.scalar(in_groups.select_from(Member)) == 6
        levels = s.scalar(
            select(func.count())
            .select_from(PolicyLevel)
            .where(PolicyLevel.group_id == real_groups[0].id)
        )
        assert levels == 3
    assert demo.created and not again.created
    assert again.sandbox == demo.sandbox
    assert {role for _, _, role in demo.logins} == {"coordinator", "facilitator"}


def test_demo_settings_honour_the_twilio_token_and_public_url():
    settings = demo_settings(
        5055, {"TWILIO_AUTH_TOKEN": "tok", "PUBLIC_BASE_URL": "https://x.example"}
    )
    assert settings.twilio_auth_token == "tok"
    assert settings.public_base_url == "https://x.example"
    local = demo_settings(5055, {})
    assert local.public_base_url == "http://127.0.0.1:5055" and local.twilio_auth_token


def test_banner_names_the_three_things_to_try():
    from types import SimpleNamespace

    fake = SimpleNamespace(
        url="http://127.0.0.1:5000",
        demo=SimpleNamespace(logins=(("casey@riverside.example", "pw", "coordinator"),)),
        runtime=SimpleNamespace(settings=SimpleNamespace(public_base_url="http://127.0.0.1:5000")),
    )
    text = banner(fake)  # type: ignore[arg-type]
    assert "/console/simulator" in text and "casey@riverside.example" in text
    assert "text 2 as Sam" in text and "I can't do this anymore" in text
    assert "next meeting reminder" in text
