"""What a member reads: the join disclosure promises the group's real number of texts a
week, someone who joins by text is asked their first name, and a YES after LATER to a
reminder is understood."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import ConsentRecord, Group, Member
from smsapp.services.conversation import conversations
from smsapp.services.domain import meetings
from tests.factories import PHONES

NEWCOMER = "+12025550177"


def _stranger(runtime):
    with runtime.session() as s:
        return s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))


def test_the_disclosure_counts_check_ins_and_meeting_reminders(phones, runtime, world):
    # Hope checks in daily at 19:00: 7 a week. A weekly meeting with two reminders: 9.
    assert "up to 7 msgs/week" in phones.text("stranger", "JOIN HOPE")
    with runtime.session() as s:
        meetings.create_series(
            s,
            s.get(Group, world.hope.id),
            title="Circle",
            start_local="2026-03-04T19:00:00",
            rrule="FREQ=WEEKLY;BYDAY=WE",
            now=runtime.now(),
        )
        s.commit()
    request = phones.text(NEWCOMER, "JOIN HOPE") or ""
    assert "up to 9 msgs/week" in request and "4 msgs" not in request
    phones.text(NEWCOMER, "YES")
    with runtime.session() as s:
        member = s.scalar(select(Member).where(Member.phone_last4 == NEWCOMER[-4:]))
        record = s.scalar(select(ConsentRecord).where(ConsentRecord.member_id == member.id))
        assert "up to 9 msgs/week" in record.disclosure_text  # what they agreed to


def test_a_group_with_nothing_planned_promises_no_number(phones, world):
    request = phones.text("stranger", "JOIN CALM") or ""
    assert "msg frequency varies" in request and "msgs/week" not in request


def test_joining_by_text_asks_a_first_name_once(phones, runtime, world):
    phones.text("stranger", "JOIN HOPE")
    welcome = phones.text("stranger", "yes") or ""
    assert welcome.startswith("Welcome to Hope Circle! ") and "there" not in welcome
    assert "what first name should we use for you?" in welcome
    assert phones.text("stranger", "  Dana  ") == "Thank you, nice to meet you."
    assert _stranger(runtime).name == "Dana"
    reply = phones.text("stranger", "4") or ""
    assert "Dana" in reply or "Thanks" in reply or "Glad" in reply  # a score, not a name


def test_a_number_instead_of_a_name_is_a_check_in(phones, runtime, world):
    phones.text("stranger", "JOIN HOPE")
    phones.text("stranger", "yes")
    reply = phones.text("stranger", "4") or ""
    assert "Glad to hear it" in reply
    assert _stranger(runtime).name in (None, "")


def test_an_invited_member_with_a_name_is_not_asked(phones, runtime, world):
    with runtime.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        sam.status = "pending"
        conversations.start_flow(s, sam, "join", runtime.now())
        s.commit()
    welcome = phones.text("sam", "yes") or ""
    assert welcome.startswith("Welcome to Hope Circle, Sam!") and "first name" not in welcome


def test_later_then_yes_to_a_reminder(phones, runtime, world):
    with runtime.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        meeting = {"when": "Wed 4 Mar, 7:00 PM", "location": "Room 2"}
        conversations.start_flow(s, sam, "reminder", runtime.now(), context={"meeting": meeting})
        s.commit()
    assert "When you know, reply YES or NO" in (phones.text("sam", "LATER") or "")
    assert phones.text("sam", "YES") == "Great, see you there! Thanks for letting us know."
