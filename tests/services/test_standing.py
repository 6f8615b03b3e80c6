"""What a member has open is read with the inbound lookup, and forgotten after any write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from smsapp.models import Member, User
from smsapp.receive import receive_sms
from smsapp.services.conversation import conversations, safety_check
from smsapp.services.core import directory, standing
from smsapp.services.domain import escalation, flow_sessions
from smsapp.services.domain.reach import conversation
from tests.factories import ORG_NUMBER, PHONES


def _statements(runtime: Any, fn: Any) -> tuple[Any, list[str]]:
    seen: list[str] = []

    def listener(*args: Any) -> None:
        seen.append(args[2])

    event.listen(runtime.engine, "before_cursor_execute", listener)
    try:
        return fn(), seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", listener)


def test_a_check_in_reply_costs_eight_statements(runtime, world):
    with runtime.session() as s:
        conversations.start_flow(s, s.get_one(Member, world.members["sam"].id), "checkin",
                                 runtime.now())  # fmt: skip
        s.commit()
    received, sql = _statements(
        runtime,
        lambda: receive_sms(
            runtime, sid="SMstanding1", phone=PHONES["sam"], body="3", to=ORG_NUMBER
        ),
    )
    assert received.reply is not None and received.reply.startswith("Thanks for checking in")
    # dedupe, member (+ organisation, group and what is open), session, baseline;
    # mood, session, inbound and inline reply written
    assert len(sql) == 8, sql


def test_the_lookups_use_the_conditions_they_are_read_with():
    assert standing.CASE_IN_CONVERSATION == conversation.OPEN
    assert standing.SAFETY_CHECK == safety_check.KIND


def test_a_write_makes_the_lookups_ask_the_database_again(runtime, world):
    sam = world.members["sam"]
    with runtime.session() as s:
        _, member = directory.locate(s, ORG_NUMBER, PHONES["sam"])
        assert member is not None and standing.known(s, sam.id) is not None
        assert conversation.of_member(s, sam.id) is None  # known: nothing in conversation
        case = escalation.open_case(s, member=member, urgency="normal", source="talk",
                                    reason="test", now=runtime.now())  # fmt: skip
        escalation.acknowledge(s, case, s.get_one(User, world.users["alice"].id), runtime.now())
        assert standing.known(s, sam.id) is None
        found = conversation.of_member(s, sam.id)
        assert found is not None and found.id == case.id


def test_an_update_statement_forgets_the_open_session(runtime, world):
    sam = world.members["sam"]
    with runtime.session() as s:
        conversations.start_flow(s, s.get_one(Member, sam.id), "checkin", runtime.now())
        s.commit()
        directory.locate(s, ORG_NUMBER, PHONES["sam"])
        assert flow_sessions.active_session(s, sam.id) is not None
        flow_sessions.end_active(s, sam.id)  # an UPDATE statement, no flush
        assert standing.known(s, sam.id) is None
        assert flow_sessions.active_session(s, sam.id) is None
