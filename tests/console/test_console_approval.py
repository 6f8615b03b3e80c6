"""A group can require a coordinator's approval for people who join by text."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import Group, Member
from tests.factories import PHONES


def _stranger(runtime) -> Member | None:
    with runtime.session() as s:
        return s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))


def test_a_coordinator_turns_approval_on_then_approves_a_join(browser, phones, runtime, world):
    carol = browser("carol")
    saved = carol.post(
        f"/console/groups/{world.hope.id}",
        data={"code": "HOPE", "name": "Hope Circle", "tz": "America/New_York",
              "facilitator_ids": [world.users["alice"].id], "requires_approval": "y"},
    )  # fmt: skip
    assert saved.status_code == 302
    with runtime.session() as s:
        assert s.get(Group, world.hope.id).requires_approval
    assert "coordinator" in (phones.text("stranger", "JOIN HOPE") or "")
    member = _stranger(runtime)
    assert member is not None and member.status == "awaiting_approval"
    page = carol.get(f"/console/members/{member.id}/edit")
    assert b"Approve" in page.data and b"Decline" in page.data
    carol.post(f"/console/members/{member.id}/approval", data={"decision": "approve"})
    phones.drain()
    [request] = phones.received("stranger")
    assert "Reply YES to join" in request
    assert "Welcome to Hope Circle" in (phones.text("stranger", "YES") or "")


def test_declining_removes_the_request_and_texts_nothing(browser, phones, runtime, world):
    with runtime.session() as s:
        s.get(Group, world.hope.id).requires_approval = True
        s.commit()
    phones.text("stranger", "JOIN HOPE")
    member = _stranger(runtime)
    assert member is not None
    answer = browser("carol").post(
        f"/console/members/{member.id}/approval", data={"decision": "decline"}
    )
    assert answer.status_code == 302
    phones.drain()
    assert phones.received("stranger") == [] and _stranger(runtime) is None


def test_a_facilitator_cannot_approve(browser, phones, runtime, world):
    with runtime.session() as s:
        s.get(Group, world.hope.id).requires_approval = True
        s.commit()
    phones.text("stranger", "JOIN HOPE")
    member = _stranger(runtime)
    assert member is not None
    refused = browser("alice").post(
        f"/console/members/{member.id}/approval", data={"decision": "approve"}
    )
    assert refused.status_code in (403, 404)
    assert _stranger(runtime).status == "awaiting_approval"
