"""Conversation transcripts: plain-text scripts run against the real router and worker.

A transcript reads like the conversation it checks::

    # The low-score band offers TALK and alerts the facilitator.
    @now 2026-03-02T10:00 America/New_York
    @member name=Sam language=en
    @start checkin
    app< Hi Sam, how are you today? Reply 1-5...
    member> 2
    app< Thank you for telling us...Reply TALK...
    facilitator< ...ACK...
    wait 4h

Lines:

- `member> TEXT` / `facilitator> TEXT`: that phone texts TEXT through
  `smsapp.receive.receive_sms` (the webhook's own function); then the tick and the
  queues are drained, so whatever the worker sends is delivered.
- `app< EXPECTED`: the next text the member receives (an inline reply or a text the
  worker sent). `facilitator< EXPECTED`: the next text the facilitator receives.
  EXPECTED must match the whole text, with runs of whitespace read as one space;
  `...` is a wildcard for any run of characters (so `Thanks...` is a prefix match).
  `{group.code}` in any text stands for the transcript group's code.
- `wait 4h` (s, m, h, d): move the manual clock forward, stopping at every due timer
  and held text on the way, ticking and draining at each stop.
- `@start FLOW`: start a flow for the member as a scheduled fire would (`reminder`
  gets a one-off meeting tomorrow at 18:30 local time, whose own reminder comes at 18:29).
- `@scores 4 5 4`: the member's earlier check-in scores, oldest first, one day apart.
- `# ...` comments and blank lines are ignored.

Header lines (before the first step): `@now 2026-03-02T10:00 America/New_York` (the
start time and the group's zone), `@member name=Sam language=es status=active` (status
`pending` or `none` for someone who has not joined yet).

Every text the member receives must be expected: one left over when the next step
starts (or at the end) is a failure. The facilitator's texts are checked only where the
script names them (alerts repeat on the policy's own timers).
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp import create_app, runtime_of
from smsapp.clock import ManualClock
from smsapp.config import Settings
from smsapp.crypto import Keyring
from smsapp.flows.schema import parse_duration
from smsapp.jobs.drain import drain
from smsapp.migrate import upgrade
from smsapp.models import Group, Member, MoodScore, OutboxMessage, Timer
from smsapp.models.escalations import LevelTarget
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxStatus
from smsapp.models.timers import TimerStatus
from smsapp.models.users import Role
from smsapp.receive import receive_sms
from smsapp.runtime import Runtime
from smsapp.services.conversation import conversations
from smsapp.services.core import consent, outbox
from smsapp.services.domain import groups, meetings, members, organisations, staff
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy
from smsapp.services.domain.groups import GroupInput
from smsapp.services.domain.members import MemberInput
from smsapp.services.domain.schedule import format_local
from smsapp.transport.local import LocalTransport

DEFAULT_NOW = "2026-03-02T10:00 America/New_York"
_STEP = re.compile(r"^(member>|facilitator>|app<|facilitator<|wait|@start|@scores)(?:\s+|$)(.*)$")


class TranscriptError(ValueError):
    """The transcript itself is malformed (not a failed expectation)."""


@dataclass(frozen=True)
class Step:
    line: int
    kind: str
    arg: str


@dataclass
class Script:
    now: datetime
    tz: str
    member: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    line: int
    expected: str
    actual: str

    def format(self, name: str = "") -> str:
        """`file:line: expected ..., got ...`."""
        where = f"{name}:{self.line}" if name else f"line {self.line}"
        return f"{where}: expected {self.expected!r}, got {self.actual!r}"


@dataclass
class TranscriptResult:
    name: str
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def parse(text: str) -> Script:
    """Read a transcript into its header and steps; raises TranscriptError."""
    script = Script(*_parse_now(DEFAULT_NOW))
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@now ") and not script.steps:
            script.now, script.tz = _parse_now(line[5:])
        elif line.startswith("@member") and not script.steps:
            script.member = _parse_fields(line[len("@member") :], number)
        elif found := _STEP.match(line):
            script.steps.append(Step(number, found.group(1), found.group(2).strip()))
        else:
            raise TranscriptError(f"line {number}: cannot read {line!r}")
    return script


def _parse_now(value: str) -> tuple[datetime, str]:
    parts = value.split()
    tz = parts[1] if len(parts) > 1 else "America/New_York"
    return datetime.fromisoformat(parts[0]).replace(tzinfo=ZoneInfo(tz)), tz


def _parse_fields(value: str, number: int) -> dict[str, str]:
    fields = {}
    for item in value.split():
        key, sep, val = item.partition("=")
        if not sep:
            raise TranscriptError(f"line {number}: expected key=value, got {item!r}")
        fields[key] = val
    return fields


def matches(expected: str, actual: str) -> bool:
    """Whole-text match, whitespace runs as one space, `...` as a wildcard."""
    want, got = " ".join(expected.split()), " ".join(actual.split())
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got, re.DOTALL) is not None


def run_file(path: str | Path, runtime: Runtime | None = None) -> TranscriptResult:
    """Run one transcript file (in an isolated world of its own when no runtime is given)."""
    return run_text(Path(path).read_text(encoding="utf-8"), runtime=runtime, name=str(path))


def run_text(text: str, *, runtime: Runtime | None = None, name: str = "") -> TranscriptResult:
    """Run a transcript; `runtime` must have a ManualClock and a LocalTransport."""
    script = parse(text)
    if runtime is not None:
        return _Runner(runtime, script, name).run()
    with isolated_runtime(script.now) as own:
        return _Runner(own, script, name).run()


@contextmanager
def isolated_runtime(start: datetime) -> Iterator[Runtime]:
    """A runtime on SQLite in a temp dir (or DATABASE_URL / REDIS_URL when set)."""
    with tempfile.TemporaryDirectory(prefix="smsapp-transcript-") as tmp:
        base = Settings.from_env()
        settings = base.with_(
            env="test",
            database_url=base.database_url or f"sqlite:///{Path(tmp) / 'transcript.sqlite3'}",
            encryption_keys=base.encryption_keys or Keyring.generate_key(),
            lookup_secret=base.lookup_secret or secrets.token_hex(16),
            transport="local",
            send_rate=0,
            instance_path=Path(tmp) / "instance",
        )
        clock = ManualClock(start)
        app = create_app(settings, web=False, clock=clock, transport=LocalTransport())
        runtime = runtime_of(app)
        upgrade(runtime.engine)
        try:
            yield runtime
        finally:
            runtime.engine.dispose()


class _Runner:
    """Builds the transcript's world, then plays its steps in order."""

    def __init__(self, runtime: Runtime, script: Script, name: str) -> None:
        if not isinstance(runtime.clock, ManualClock):
            raise TranscriptError("transcripts need a runtime with a ManualClock")
        if not isinstance(runtime.transport, LocalTransport):
            raise TranscriptError("transcripts need a runtime with a LocalTransport")
        self.rt, self.clock, self.transport = runtime, runtime.clock, runtime.transport
        self.script, self.result = script, TranscriptResult(name)
        self.inbox: dict[str, deque[str]] = {"member": deque(), "facilitator": deque()}
        self.seen = len(self.transport.sent)
        self.code = "T" + secrets.token_hex(3).upper()
        # The line this transcript's organisation owns (a Messaging Service SID: unique).
        self.number = "MG" + secrets.token_hex(16)
        member_phone, facilitator_phone = _phones()
        self.phones = {"member": member_phone, "facilitator": facilitator_phone}
        self.member_id: int | None = None

    def run(self) -> TranscriptResult:
        self.clock.set(self.script.now)
        self._build_world()
        for step in self.script.steps:
            if not self._play(step):
                return self.result
        self._check_nothing_left(self.script.steps[-1].line + 1 if self.script.steps else 1)
        return self.result

    # --- steps ---------------------------------------------------------------

    def _play(self, step: Step) -> bool:
        if step.kind in ("app<", "facilitator<"):
            return self._expect("member" if step.kind == "app<" else "facilitator", step)
        if not self._check_nothing_left(step.line):
            return False
        if step.kind in ("member>", "facilitator>"):
            self._text(step.kind[:-1], self._fill(step.arg))
        elif step.kind == "wait":
            self._wait(step)
        elif step.kind == "@start":
            self._start(step.arg.strip(), step.line)
        elif step.kind == "@scores":
            self._seed_scores(step)
        return True

    def _expect(self, who: str, step: Step) -> bool:
        expected = self._fill(step.arg)
        if not self.inbox[who]:
            self.result.failures.append(Failure(step.line, expected, "(nothing)"))
            return False
        actual = self.inbox[who].popleft()
        if not matches(expected, actual):
            self.result.failures.append(Failure(step.line, expected, actual))
            return False
        return True

    def _check_nothing_left(self, line: int) -> bool:
        if self.inbox["member"]:
            left = self.inbox["member"].popleft()
            self.result.failures.append(Failure(line, "(no more texts to the member)", left))
            return False
        return True

    def _text(self, who: str, body: str) -> None:
        sid = "SM" + secrets.token_hex(16)
        received = receive_sms(self.rt, sid=sid, phone=self.phones[who], body=body, to=self.number)
        if received.reply:
            self.inbox[who].append(received.reply)
        self._drain()

    def _wait(self, step: Step) -> None:
        try:
            until = self.clock.now() + parse_duration(step.arg)
        except (KeyError, ValueError):
            raise TranscriptError(f"line {step.line}: bad duration {step.arg!r}") from None
        self._drain()
        for _ in range(1000):
            stop = self._next_due(until)
            if stop is None:
                break
            self.clock.set(stop)
            self._drain()
        self.clock.set(until)
        self._drain()

    def _next_due(self, until: datetime) -> datetime | None:
        now = self.clock.now()
        with self.rt.session() as s:
            timer_at = s.scalar(
                select(func.min(Timer.due_at)).where(
                    Timer.status == TimerStatus.PENDING, Timer.due_at > now, Timer.due_at <= until
                )
            )
            send_at = s.scalar(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == OutboxStatus.QUEUED,
                    OutboxMessage.due_at > now,
                    OutboxMessage.due_at <= until,
                )
            )
        stops = [_aware(t) for t in (timer_at, send_at) if t is not None]
        return min(stops) if stops else None

    def _drain(self) -> None:
        drain(self.rt)
        sent = self.transport.sent[self.seen :]
        self.seen += len(sent)
        for message in sent:
            for who, phone in self.phones.items():
                if message.to == phone:
                    self.inbox[who].append(message.body)

    def _fill(self, text: str) -> str:
        return text.replace("{group.code}", self.code)

    # --- world -----------------------------------------------------------------

    def _build_world(self) -> None:
        """An organisation owning the transcript's line, a group, an on-call facilitator
        and the member, all made by the services the console and the CLI use."""
        now, fields = self.clock.now(), self.script.member
        with self.rt.session() as s:
            org = organisations.create_organisation(
                s, "Transcript Peer Support " + self.code, [self.number], now,
                tz=self.script.tz, help_contact="help@example.org",
            )  # fmt: skip
            org.program_name = "Peer Check-ins"
            user = staff.add_staff(
                s, org, role=Role.FACILITATOR, email=f"facilitator-{self.code.lower()}@example.org",
                name="Alex Facilitator", password=None, phone=self.phones["facilitator"],
                on_call=True, now=now,
            )  # fmt: skip
            group = groups.create_group(
                s, org.id, GroupInput(self.code, "Hope Circle", self.script.tz, (user.id,)), now
            )
            group.checkin_days = ""  # no planned check-ins: the script starts flows itself
            group.checkin_time = time(19, 0)
            set_policy(
                s,
                group,
                [LevelSpec(LevelTarget.GROUP_FACILITATORS), LevelSpec(LevelTarget.ON_CALL)],
                now,
            )
            status = fields.get("status", "active")
            if status != "none":
                self.member_id = self._add_member(s, group, fields, status, now).id
            s.commit()

    def _add_member(
        self, s: Session, group: Group, fields: dict[str, str], status: str, now: datetime
    ) -> Member:
        data = MemberInput(
            fields.get("name", "Sam Rivera"), self.phones["member"], group,
            fields.get("language", "en"),
        )  # fmt: skip
        member = members.add_member(s, data, now)
        if status == MemberStatus.ACTIVE:
            consent.record_opt_in(
                s, member, now, method="console", disclosure="transcript", version="t"
            )
        else:
            member.status = status
        return member

    def _member(self, s: Session) -> Member:
        member = s.get(Member, self.member_id) if self.member_id else None
        if member is None:
            member = s.scalar(
                select(Member).where(Member.group_id == self._group_id(s)).order_by(Member.id)
            )
        if member is None:
            raise TranscriptError("the transcript has no member yet")
        self.member_id = member.id
        return member

    def _group_id(self, s: Session) -> int | None:
        return s.scalar(select(Group.id).where(Group.code == self.code))

    def _start(self, flow_id: str, step_line: int) -> None:
        now = self.clock.now()
        with self.rt.session() as s:
            member = self._member(s)
            context = self._meeting_context(s, member) if flow_id == "reminder" else None
            texts = conversations.start_flow(s, member, flow_id, now, context=context)
            key = f"transcript:{self.code}:{step_line}"
            outbox.queue_member_texts(s, member, texts, key=key, now=now)
            s.commit()
        self._drain()

    def _meeting_context(self, s: Session, member: Member) -> dict[str, object]:
        group = s.get(Group, member.group_id)
        assert group is not None
        local = self.clock.now().astimezone(ZoneInfo(group.tz)) + timedelta(days=1)
        start_local = local.replace(hour=18, minute=30, second=0, microsecond=0, tzinfo=None)
        series = meetings.create_series(
            s,
            group,
            title="Weekly meeting",
            start_local=start_local,
            now=self.clock.now(),
            location="Room 2",
            # The script starts the reminder itself; the series' own comes a minute before.
            reminder_offsets_minutes=(1,),
        )
        s.flush()
        occurrence_utc = start_local.replace(tzinfo=ZoneInfo(group.tz)).astimezone(UTC)
        return {
            "meeting": {
                "when": format_local(occurrence_utc, member.tz, member.language),
                "location": series.location,
            },
            "series_id": series.id,
            "occurrence": occurrence_utc.isoformat(),
        }

    def _seed_scores(self, step: Step) -> None:
        try:
            scores = [int(value) for value in step.arg.split()]
        except ValueError:
            raise TranscriptError(f"line {step.line}: @scores takes whole numbers") from None
        now = self.clock.now()
        with self.rt.session() as s:
            member = self._member(s)
            for back, score in enumerate(reversed(scores), start=1):
                s.add(
                    MoodScore(
                        member_id=member.id,
                        group_id=member.group_id,
                        score=score,
                        at=now - timedelta(days=back),
                    )
                )
            s.commit()


def _phones() -> tuple[str, str]:
    # 555-01xx numbers are reserved for fiction; a random pair keeps scripts apart.
    first = secrets.randbelow(100)
    second = (first + 1 + secrets.randbelow(99)) % 100
    return f"+12025550{first + 100:03d}", f"+12025550{second + 100:03d}"


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
