"""Numbers belong to organisations: the texted number picks the organisation, and the
sender is looked up inside it only. One phone may be a member of two organisations, and
nothing one organisation does reaches the other's records."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from smsapp.models import Case, InboundMessage, Member, OutboxMessage
from smsapp.services.domain import members as member_service
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy
from smsapp.services.domain.privacy import erasure
from tests.factories import ORG_NUMBER, OTHER_NUMBER, PHONES, World, make_member
from tests.safety.safety_helpers import CRISIS


@pytest.fixture
def sam_in_both(runtime, world: World) -> Member:
    """Sam is a member of Harbor (world.org) and of Other Org, whose facilitator is dave."""
    with runtime.session() as s:
        other_group = s.merge(world.other_group)
        set_policy(
            s, other_group, [LevelSpec("group_facilitators"), LevelSpec("on_call")], runtime.now()
        )
        sam_other = make_member(s, other_group, "sam")
        s.commit()
    return sam_other


def _cases(runtime, organisation_id: int) -> list[Case]:
    with runtime.session() as s:
        return list(s.scalars(select(Case).where(Case.organisation_id == organisation_id)))


def _member(runtime, member_id: int) -> Member:
    with runtime.session() as s:
        found = s.get(Member, member_id)
        assert found is not None
        return found


def test_a_crisis_text_opens_a_case_only_in_the_organisation_whose_number_was_texted(
    phones, runtime, world, sam_in_both
):
    phones.text("sam", CRISIS, to=OTHER_NUMBER)
    phones.drain()
    [case] = _cases(runtime, world.other_org.id)
    assert case.member_id == sam_in_both.id
    assert _cases(runtime, world.org.id) == []
    assert phones.received("dave") and not phones.received("alice")
    assert not _member(runtime, world.members["sam"].id).automation_paused

    phones.text("sam", CRISIS)  # now to Harbor's number
    phones.drain()
    [harbor_case] = _cases(runtime, world.org.id)
    assert harbor_case.member_id == world.members["sam"].id
    assert phones.received("alice")


def test_stop_to_one_organisation_leaves_the_other_active(phones, runtime, world, sam_in_both):
    assert "unsubscribed" in phones.text("sam", "STOP", to=OTHER_NUMBER)
    assert _member(runtime, sam_in_both.id).status == "opted_out"
    assert _member(runtime, world.members["sam"].id).status == "active"
    assert "Harbor Check-ins" in phones.text("sam", "HELP")  # Harbor still knows Sam


def test_the_reply_comes_from_the_organisation_texted(phones, runtime, world, sam_in_both):
    assert "Harbor Check-ins" in phones.text("sam", "HELP")
    assert "Other:" in phones.text("sam", "HELP", to=OTHER_NUMBER)
    with runtime.session() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        inline = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(r.organisation_id, r.member_id, r.to_number) for r in rows] == [
        (world.org.id, world.members["sam"].id, ORG_NUMBER),
        (world.other_org.id, sam_in_both.id, OTHER_NUMBER),
    ]
    assert [row.sender for row in inline] == [ORG_NUMBER, OTHER_NUMBER]


def test_a_facilitators_number_that_is_another_organisations_member(phones, runtime, world):
    """Alice facilitates Hope at Harbor and is a member at Other Org: each number knows
    her as what she is there."""
    with runtime.session() as s:
        make_member(s, s.merge(world.other_group), "alice")
        s.commit()
    phones.text("sam", CRISIS)
    [case] = _cases(runtime, world.org.id)
    assert phones.text("alice", f"DONE {case.id} we talked, she is safe").startswith(
        f"Case {case.id} resolved"
    )
    assert "Sorry, I didn't get that" in phones.text("alice", f"DONE {case.id}", to=OTHER_NUMBER)
    with runtime.session() as s:
        assert s.scalar(select(Case.status).where(Case.id == case.id)) == "resolved"


def test_delete_by_text_erases_only_the_texted_organisations_member(
    phones, runtime, world, sam_in_both
):
    phones.text("sam", "DELETE", to=OTHER_NUMBER)
    phones.text("sam", "DELETE YES", to=OTHER_NUMBER)
    assert _member(runtime, sam_in_both.id).status == "erased"
    sam = _member(runtime, world.members["sam"].id)
    assert (sam.status, sam.phone) == ("active", PHONES["sam"])
    assert "Harbor Check-ins" in (phones.text("sam", "HELP") or "")


def test_queued_texts_go_from_the_organisations_own_number(phones, runtime, world, sam_in_both):
    phones.text("sam", "TALK", to=OTHER_NUMBER)
    phones.text("sam", "TALK")
    phones.drain()
    with runtime.session() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "escalation")))
    senders = {(row.organisation_id, row.sender) for row in rows}
    assert senders == {(world.other_org.id, OTHER_NUMBER), (world.org.id, ORG_NUMBER)}


def test_join_finds_only_the_texted_organisations_groups(phones, runtime, world):
    assert "no group has the code OTHER" in phones.text("stranger", "JOIN OTHER")
    assert "Msg & data rates" in phones.text("stranger", "JOIN OTHER", to=OTHER_NUMBER)
    with runtime.session() as s:
        [member] = list(s.scalars(select(Member).where(Member.phone_last4 == "0199")))
    assert member.organisation_id == world.other_org.id


def test_adding_and_erasing_in_one_organisation_leaves_the_others_member(phones, runtime, world):
    now = runtime.now()
    with runtime.session() as s:
        other_group = s.merge(world.other_group)
        data = member_service.MemberInput("Sam B", PHONES["sam"], other_group)
        sam_other = member_service.add_by_operator(s, data, now)
        erasure.erase_member(s, sam_other, now, actor="member")
        s.commit()
    sam = _member(runtime, world.members["sam"].id)
    assert (sam.status, sam.name, sam.phone) == ("active", "Sam", PHONES["sam"])
    assert _member(runtime, sam_other.id).status == "erased"


def test_a_stranger_texting_two_organisations_is_a_stranger_in_each(phones, runtime, world):
    phones.text("stranger", CRISIS, to=OTHER_NUMBER)
    assert [c.organisation_id for c in _cases(runtime, world.other_org.id)] == [world.other_org.id]
    assert _cases(runtime, world.org.id) == []
    phones.text("stranger", CRISIS)
    assert len(_cases(runtime, world.org.id)) == 1


def test_a_number_no_organisation_owns_is_stored_and_answered_generically(phones, runtime, world):
    reply = phones.text("sam", "HELP", to="+15005550999")
    assert reply is not None and "not in service" in reply
    assert "Harbor" not in reply
    crisis_reply = phones.text("sam", CRISIS, to="+15005550999")
    assert crisis_reply is not None and "988" in crisis_reply
    with runtime.session() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        assert s.scalar(select(Case.id)) is None  # nobody to escalate to: no case anywhere
    assert [(r.organisation_id, r.member_id, r.to_number, r.body) for r in rows] == [
        (None, None, "+15005550999", "HELP"),
        (None, None, "+15005550999", CRISIS),
    ]
    assert rows[1].crisis
