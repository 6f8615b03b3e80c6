"""The On call page, a refused policy on the group page, the dashboard's alarm and the
case trail in plain words: what a coordinator sees in the console."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from smsapp.models import OnCallOverride, OnCallShift, Organisation, User
from smsapp.services.domain import oncall
from tests.safety.safety_helpers import CRISIS, cases


def _clear_rota(world: Any) -> None:
    with world.runtime.session() as s:
        oncall.set_rota(s, s.get(Organisation, world.org.id), [])
        s.commit()


def _shifts(world: Any) -> list[tuple[int, str, str, str]]:
    with world.runtime.session() as s:
        rows = s.execute(
            select(OnCallShift, User.name).join(User, User.id == OnCallShift.user_id)
        ).all()
        return sorted((r.weekday, name, f"{r.starts:%H:%M}", f"{r.ends:%H:%M}") for r, name in rows)


def test_a_coordinator_builds_the_rota_and_an_override(browser: Any, world: Any) -> None:
    _clear_rota(world)
    b = browser("carol")
    page = b.get("/console/oncall").data.decode()
    assert "<strong>Nobody</strong>" in page and "all week" in page
    bob = world.users["bob"].id
    added = b.post(
        "/console/oncall/shifts",
        data={
            "user_id": str(bob),
            "days": ["0", "1", "2", "3", "4"],
            "starts": "18:00",
            "ends": "08:00",
        },
        follow_redirects=True,
    ).data.decode()
    assert "Shift added to the rota." in added
    assert "6:00 PM to 8:00 AM the next day" in added
    assert "Tuesday 8:00 AM to Tuesday 6:00 PM" in added  # the gaps, in words
    assert "Saturday 8:00 AM to Monday 6:00 PM" in added
    assert _shifts(world)[0] == (0, "Bob", "18:00", "08:00") and len(_shifts(world)) == 5
    override = b.post(
        "/console/oncall/overrides",
        data={
            "user_id": str(world.users["alice"].id),
            "from": "2026-03-03T09:00",
            "to": "2026-03-04T09:00",
        },
        follow_redirects=True,
    ).data.decode()
    assert "Override saved." in override and "Tue 03 Mar 09:00 to Wed 04 Mar 09:00" in override
    past = b.post(
        "/console/oncall/overrides",
        data={"user_id": str(bob), "from": "2026-03-01T09:00", "to": "2026-03-01T10:00"},
    )
    assert past.status_code == 422 and "that time has already passed" in past.data.decode()
    with world.runtime.session() as s:
        assert len(s.scalars(select(OnCallOverride)).all()) == 1


def test_someone_without_a_phone_cannot_be_put_on_call(browser: Any, world: Any) -> None:
    with world.runtime.session() as s:
        alice = s.get(User, world.users["alice"].id)
        alice.phone, alice.phone_hash = None, None
        s.commit()
    refused = browser("carol").post(
        "/console/oncall/shifts",
        data={
            "user_id": str(world.users["alice"].id),
            "days": ["5"],
            "starts": "00:00",
            "ends": "00:00",
        },
    )
    assert refused.status_code == 422
    assert (
        "Alice has no phone number, so Alice could not be texted while on call"
        in refused.data.decode()
    )


def test_a_policy_that_reaches_nobody_is_refused_in_words(browser: Any, world: Any) -> None:
    _clear_rota(world)
    gid = world.calm.id
    refused = browser("carol").post(
        f"/console/groups/{gid}/policy",
        data={"level-0-target": "on_call", "level-1-target": "on_call"},
    )
    page = refused.data.decode()
    assert refused.status_code == 422 and "The policy was not saved" in page
    assert "This policy would reach nobody" in page
    assert "Level 1 (on call): nobody is on the on-call rota" in page
    assert "put someone on call (On call page)" in page


def test_clearing_the_rota_that_a_group_depends_on_is_refused(browser: Any, world: Any) -> None:
    with world.runtime.session() as s:  # calm: bob's phone gone, so only on call reaches anyone
        bob = s.get(User, world.users["bob"].id)
        bob.phone, bob.phone_hash = None, None
        s.commit()
    b = browser("carol")
    *others, last = _shift_ids(world)  # carol's seven whole days
    for shift_id in others:
        assert b.post(f"/console/oncall/shifts/{shift_id}/remove").status_code == 302
    refused = b.post(f"/console/oncall/shifts/{last}/remove")
    assert refused.status_code == 422
    assert "the escalation of CALM would then reach nobody" in refused.data.decode()
    assert _shift_ids(world) == [last]


def _shift_ids(world: Any) -> list[int]:
    with world.runtime.session() as s:
        return list(s.scalars(select(OnCallShift.id).order_by(OnCallShift.id)))


def test_the_dashboard_and_the_case_page_say_nobody_could_be_reached(
    browser: Any, phones: Any, world: Any
) -> None:
    with world.runtime.session() as s:
        alice = s.get(User, world.users["alice"].id)
        alice.phone, alice.phone_hash = None, None
        s.commit()
    phones.text("sam", "TALK")
    phones.text("sam", CRISIS)
    phones.drain()
    [case] = cases(world.runtime)
    b = browser("carol")
    board = b.get("/console/dashboard").data.decode()
    assert "Nobody could be reached" in board
    assert "Level 1 (the group&#39;s facilitators): nobody could be texted" in board
    listing = b.get("/console/cases").data.decode()
    assert case.source == "crisis" and "asked to talk" not in listing
    page = b.get(f"/console/cases/{case.id}").data.decode()
    assert "(from a crisis text)" in page
    assert "Level 2 (on call), round 1: texted 1 person" in page
    assert "Nobody reached: texted 1 person (coordinators)" in page
    assert "1 people" not in page
