"""The phone simulator: a sandbox group with a simulated member and facilitator phone.

Texting from a simulated phone calls smsapp.receive.receive_sms, the very function the
Twilio webhook calls; only the clock (the sandbox's) differs. What each phone shows is
read back from the database: inbound texts, their inline replies, and the outbox rows
the send job delivered to that phone.
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, InboundMessage, Member, Organisation, OutboxMessage, Timer, User
from smsapp.models.escalations import LevelTarget
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxStatus
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.models.users import Role
from smsapp.phones import mask_phone
from smsapp.receive import receive_sms
from smsapp.runtime import Runtime
from smsapp.sandbox import timeline
from smsapp.services.core import consent, directory
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy
from smsapp.services.domain.schedule.localtime import format_local

# 555-0100..0199 are fictional in every North American area code: never a real phone.
FAKE_AREA_CODES = ("212", "312", "415", "617", "303", "206", "512", "702", "808", "907")
SHOWN_STATUSES = (OutboxStatus.SENT, OutboxStatus.CLAIMED, OutboxStatus.FAILED)
TYPING_TIME = timedelta(milliseconds=1)
KIND_LABELS = {
    "checkin": "Check-in",
    "reminder": "Meeting reminder",
    "meeting_notice": "Meeting notice",
    "wait_timeout": "Reply timeout",
    "escalation_step": "Escalation timeout",
}


class SandboxError(ValueError):
    """The sandbox cannot do what was asked (the message says why)."""


@dataclass(frozen=True)
class Sandbox:
    organisation_id: int
    group_id: int
    code: str
    tz: str
    member_id: int
    member_phone: str
    member_name: str
    facilitator_id: int
    facilitator_phone: str
    facilitator_name: str

    def phone_of(self, who: str) -> str:
        if who not in ("member", "facilitator"):
            raise SandboxError("a sandbox phone is 'member' or 'facilitator'")
        return self.member_phone if who == "member" else self.facilitator_phone


@dataclass(frozen=True)
class ChatLine:
    at: datetime
    direction: str  # "in" (typed on this phone) | "out" (received by this phone)
    body: str
    rank: int  # orders a text before its reply at the same instant
    seq: int


@dataclass(frozen=True)
class NextEvent:
    at: datetime
    tz: str
    kind: str
    why: str
    rule: str


def fake_numbers() -> list[str]:
    """Every number in the reserved fictional range the sandbox draws from."""
    return [f"+1{area}55501{n:02d}" for area in FAKE_AREA_CODES for n in range(100)]


def is_sandbox_number(e164: str) -> bool:
    return len(e164) == 12 and e164[2:5] in FAKE_AREA_CODES and e164[5:10] == "55501"


def _free_number(session: Session, taken: set[str]) -> str:
    for number in fake_numbers():
        if number in taken:
            continue
        if directory.phone_in_use(session, number):
            continue
        taken.add(number)
        return number
    raise SandboxError("every simulated phone number is in use")


def find_sandbox(session: Session, organisation_id: int) -> Sandbox | None:
    """The organisation's sandbox, if one was made."""
    group = session.scalar(
        select(Group)
        .where(Group.organisation_id == organisation_id, Group.sandbox.is_(True))
        .order_by(Group.id)
        .limit(1)
    )
    if group is None:
        return None
    member = session.scalar(
        select(Member).where(Member.group_id == group.id).order_by(Member.id).limit(1)
    )
    user = session.scalar(
        select(User).where(User.groups.contains(group)).order_by(User.id).limit(1)
    )
    if member is None or user is None:
        return None
    return Sandbox(
        organisation_id=organisation_id,
        group_id=group.id,
        code=group.code,
        tz=group.tz,
        member_id=member.id,
        member_phone=member.phone or "",
        member_name=member.name or "Member",
        facilitator_id=user.id,
        facilitator_phone=user.phone or "",
        facilitator_name=user.name,
    )


def ensure_sandbox(
    session: Session,
    organisation_id: int,
    now: datetime,
    *,
    member_name: str = "Sam Sandbox",
    facilitator_name: str = "Alex Sandbox",
    active: bool = False,
) -> Sandbox:
    """The organisation's sandbox, made on first use (the caller commits).

    The group copies the first real group's time zone and check-in schedule, meets
    weekly, and escalates only to the simulated facilitator: a sandbox case never
    texts a real person.
    """
    existing = find_sandbox(session, organisation_id)
    if existing is not None:
        return existing
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise SandboxError("no such organisation")
    group = _sandbox_group(session, org, now)
    taken: set[str] = set()
    user = User(
        organisation_id=org.id,
        email=f"sandbox-facilitator-{group.id}@sandbox.invalid",
        name=facilitator_name,
        role=Role.FACILITATOR,
        password_hash="",  # a simulated phone, never a login
        sandbox=True,
        created_at=now,
    )
    directory.set_user_phone(user, _free_number(session, taken))
    user.groups = [group]
    member = Member(
        organisation_id=org.id,
        group_id=group.id,
        name=member_name,
        tz=group.tz,
        status=MemberStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, _free_number(session, taken))
    session.add_all([user, member])
    session.flush()
    set_policy(
        session,
        group,
        [LevelSpec(LevelTarget.GROUP_FACILITATORS), LevelSpec(LevelTarget.USER, user.id)],
        now,
    )
    _weekly_meeting(session, group, now)
    if active:
        consent.record_opt_in(
            session, member, now, method="console", disclosure="sandbox", version="sandbox"
        )
        _plan(session, member, now)
    sandbox = find_sandbox(session, organisation_id)
    assert sandbox is not None
    return sandbox


def _sandbox_group(session: Session, org: Organisation, now: datetime) -> Group:
    model = session.scalar(
        select(Group)
        .where(Group.organisation_id == org.id, Group.sandbox.is_(False))
        .order_by(Group.id)
        .limit(1)
    )
    alphabet = string.ascii_uppercase + string.digits
    # Hard to guess: a real person who texts JOIN with it would land in the sandbox.
    code = "TRY" + "".join(secrets.choice(alphabet) for _ in range(6))
    group = Group(
        organisation_id=org.id,
        code=code,
        name="Sandbox",
        tz=model.tz if model else "America/New_York",
        checkin_days=(model.checkin_days if model and model.checkin_days else "0123456"),
        checkin_time=(model.checkin_time if model and model.checkin_time else time(19, 0)),
        sandbox=True,
        created_at=now,
    )
    session.add(group)
    session.flush()
    return group


def _weekly_meeting(session: Session, group: Group, now: datetime) -> None:
    from smsapp.models import MeetingSeries
    from smsapp.services.domain.schedule.localtime import to_local
    from smsapp.services.domain.schedule.recurrence import rrule_weekly

    local = to_local(now, group.tz)
    weekday = (local.weekday() + 3) % 7  # three days ahead, so its reminders come soon
    session.add(
        MeetingSeries(
            group_id=group.id,
            title="Sandbox meeting",
            rrule=rrule_weekly([weekday]),
            start_local=local.date().isoformat() + "T18:30:00",
            duration_minutes=60,
            location="Community room",
            reminder_offsets_minutes="1440,120",
            created_at=now,
        )
    )


def _plan(session: Session, member: Member, now: datetime) -> None:
    from smsapp.services.domain.planning.member_plan import plan_member

    plan_member(session, member, now)


def send_text(runtime: Runtime, sandbox: Sandbox, who: str, body: str) -> str | None:
    """Text ``body`` from a simulated phone, through the webhook's own edge.

    Texts it caused that are due now are delivered at once, on sandbox time. The
    sandbox clock first moves on by a millisecond, so a text always sorts after what
    the phone showed when it was typed, even on a stopped test clock.
    """
    timeline.sandbox_clock(runtime, sandbox.group_id).advance(TYPING_TIME)
    sandboxed = timeline.sandbox_runtime(runtime, sandbox.group_id)
    received = receive_sms(
        sandboxed,
        sid=f"SMsandbox{uuid.uuid4().hex}",
        phone=sandbox.phone_of(who),
        body=body,
        sandbox_group_id=sandbox.group_id,
    )
    timeline.fire_due(sandboxed, sandbox.group_id)
    return received.reply


def chat(session: Session, sandbox: Sandbox, who: str) -> list[ChatLine]:
    """One phone's conversation, oldest first."""
    phone = sandbox.phone_of(who)
    lines: list[ChatLine] = []
    inbound = session.scalars(
        select(InboundMessage).where(InboundMessage.phone_hash == directory.phone_hash(phone))
    )
    for row in inbound:
        lines.append(ChatLine(row.received_at, "in", row.body or "", 0, row.id))
        if row.reply:
            lines.append(ChatLine(row.received_at, "out", row.reply, 1, row.id))
    owner = (
        OutboxMessage.member_id == sandbox.member_id
        if who == "member"
        else OutboxMessage.user_id == sandbox.facilitator_id
    )
    sent = session.scalars(
        select(OutboxMessage).where(owner, OutboxMessage.status.in_(SHOWN_STATUSES))
    )
    for out in sent:
        lines.append(ChatLine(out.sent_at or out.due_at, "out", out.body or "", 2, out.id))
    return sorted(lines, key=lambda line: (line.at, line.rank, line.seq))


def scheduled(session: Session, sandbox: Sandbox, limit: int = 5) -> list[NextEvent]:
    """What the sandbox will do next, and why: the rule and the time zone it follows."""
    where = timeline.scope(session, sandbox.group_id)
    rows = session.scalars(
        select(Timer)
        .where(Timer.status == TimerStatus.PENDING, where.timers())
        .order_by(Timer.due_at)
        .limit(limit)
    ).all()
    events = [_event(session, sandbox, timer) for timer in rows]
    held = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, where.sends())
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    ).all()
    events += [_held(session, sandbox, row) for row in held]
    return sorted(events, key=lambda e: e.at)[:limit]


def _event(session: Session, sandbox: Sandbox, timer: Timer) -> NextEvent:
    member = session.get(Member, timer.member_id) if timer.member_id else None
    tz = member.tz if member else sandbox.tz
    rule = _rule(session, sandbox, timer.kind)
    label = KIND_LABELS.get(timer.kind, timer.kind)
    return NextEvent(timer.due_at, tz, label, timer.reason or label, rule)


def _held(session: Session, sandbox: Sandbox, row: OutboxMessage) -> NextEvent:
    org = session.get(Organisation, sandbox.organisation_id)
    quiet = f"quiet hours {org.quiet_start:%H:%M}–{org.quiet_end:%H:%M}" if org else ""
    return NextEvent(row.due_at, sandbox.tz, "Held text", "a text waiting to be sent", quiet)


def _rule(session: Session, sandbox: Sandbox, kind: str) -> str:
    group = session.get(Group, sandbox.group_id)
    if group is None:
        return ""
    if kind == TimerKind.CHECKIN and group.checkin_time is not None:
        days = "daily" if len(group.checkin_days) == 7 else f"days {group.checkin_days}"
        return f"check-ins {days} at {group.checkin_time:%H:%M}"
    if kind in (TimerKind.REMINDER, TimerKind.MEETING_NOTICE):
        return "weekly meeting, reminders 24 h and 2 h before"
    if kind == TimerKind.ESCALATION_STEP:
        return "escalation policy: next level if nobody replies ACK"
    if kind == TimerKind.WAIT_TIMEOUT:
        return "the flow's wait timeout"
    return ""


def state(runtime: Runtime, sandbox: Sandbox) -> dict[str, Any]:
    """Everything the simulator page shows, as JSON-ready data."""
    now = timeline.sandbox_clock(runtime, sandbox.group_id).now()
    with runtime.session() as session:
        member = session.get(Member, sandbox.member_id)
        phones = {
            who: [_line(line, sandbox.tz) for line in chat(session, sandbox, who)]
            for who in ("member", "facilitator")
        }
        upcoming = [_next(event) for event in scheduled(session, sandbox)]
    return {
        "now": now.isoformat(),
        "now_local": format_local(now, sandbox.tz),
        "tz": sandbox.tz,
        "code": sandbox.code,
        "member": {
            "name": sandbox.member_name,
            "phone": mask_phone(sandbox.member_phone),
            "status": member.status if member else "gone",
            "messages": phones["member"],
        },
        "facilitator": {
            "name": sandbox.facilitator_name,
            "phone": mask_phone(sandbox.facilitator_phone),
            "messages": phones["facilitator"],
        },
        "next": upcoming,
    }


def _line(line: ChatLine, tz: str) -> dict[str, str]:
    return {"direction": line.direction, "body": line.body, "at": format_local(line.at, tz)}


def _next(event: NextEvent) -> dict[str, str]:
    return {
        "at": event.at.isoformat(),
        "at_local": format_local(event.at, event.tz),
        "tz": event.tz,
        "kind": event.kind,
        "why": event.why,
        "rule": event.rule,
    }
