"""Check-ins fired as a set give exactly the rows that firing them one by one gives.

The same claimed timers, on the same data, are fired both ways inside savepoints, and every
row either way writes is compared: flow sessions, their wait timeouts, outbox rows (and
which of them are enqueued after commit), the fired timers' outcome and the next plans.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from smsapp.models import FlowSession, Group, Member, OutboxMessage, Timer
from smsapp.services.conversation import checkin_fanout, conversations
from smsapp.services.core import directory, outbox, timers
from smsapp.services.domain import flow_editor, meetings
from smsapp.services.domain.planning.planner import plan_all

CHECKIN = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # Mon 19:00 New York
NY = "America/New_York"


def _member(s: Session, group: Group, n: int, **kw: Any) -> Member:
    member = Member(
        organisation_id=group.organisation_id, group_id=group.id, name=f"Member{n} X",
        tz=kw.pop("tz", NY), status=kw.pop("status", "active"), created_at=CHECKIN,
        updated_at=CHECKIN, **kw,
    )  # fmt: skip
    directory.set_member_phone(member, f"+1202555{n:04d}")
    s.add(member)
    s.flush()
    return member


def _variant(s: Session, world: Any, group: Group, replace: tuple[str, str]) -> None:
    """Publish a changed copy of the check-in flow and give it to `group`."""
    draft = flow_editor.copy_builtin(s, world.org.id, "checkin", None, CHECKIN)
    text = draft.yaml_text.replace(*replace)
    flow_editor.save_draft(s, world.org.id, "checkin", text, None, CHECKIN)
    published = flow_editor.publish(s, world.org.id, "checkin", None, CHECKIN)
    flow_editor.use_for_group(s, group, "checkin", published.version)


def _setup(runtime: Any, world: Any) -> dict[str, Member]:
    """Members in every situation a fire meets, each with a check-in timer due at 19:00."""
    with runtime.session() as s:
        hope = s.get_one(Group, world.hope.id)
        calm = s.get_one(Group, world.calm.id)
        calm.tz, calm.checkin_days, calm.checkin_time = NY, "0123456", time(19, 0)
        meetings.create_one_off(
            s, hope, title="Circle", start_local="2026-03-04T18:00", now=CHECKIN
        )
        people = {
            "plain": _member(s, hope, 1),
            "spanish": _member(s, hope, 2, language="es"),
            "paused": _member(s, hope, 3),
            "opted_out": _member(s, hope, 4),
            "no_phone": _member(s, hope, 5),
            "london": _member(s, hope, 6),  # moves to London after planning: 00:00 there
            "waiting": _member(s, hope, 7),  # a question asked 20 min ago holds the fire
            "held_long": _member(s, hope, 8),  # asked 2 h ago: no longer holds it
            "already_queued": _member(s, hope, 9),  # its text was queued before (a rerun)
            "two_timers": _member(s, hope, 10),
            "variant": _member(s, calm, 11),  # calm's published copy only changes a text
        }
        plan_all(s, CHECKIN - timedelta(hours=1))
        people["paused"].automation_paused = True
        people["opted_out"].status = "opted_out"
        people["no_phone"].phone = None
        people["london"].tz = "Europe/London"
        conversations.start_flow(s, people["waiting"], "checkin", CHECKIN - timedelta(minutes=20))
        meeting = {"meeting": {"when": "Wed", "location": "Hall"}}
        conversations.start_flow(
            s, people["held_long"], "reminder", CHECKIN - timedelta(hours=2), context=meeting
        )
        _variant(
            s,
            world,
            calm,
            ("Hi {{ member.first_name }}, how", "Hello {{ member.first_name }}, how"),
        )
        key = s.scalar(select(Timer.key).where(Timer.member_id == people["already_queued"].id,
                                               Timer.kind == "checkin"))  # fmt: skip
        outbox.queue_message(s, to="+12025550009", body="earlier", kind="scheduled",
                             key=f"{key}:0", now=CHECKIN, organisation_id=world.org.id,
                             member_id=people["already_queued"].id)  # fmt: skip
        timers.schedule(s, key=f"checkin:{people['two_timers'].id}:deferred", kind="checkin",
                        due_at=CHECKIN - timedelta(minutes=5), now=CHECKIN,
                        member_id=people["two_timers"].id)  # fmt: skip
        s.commit()
        return people


def _snapshot(s: Session) -> dict[str, Any]:
    s.flush()
    sessions = s.scalars(select(FlowSession).order_by(FlowSession.id)).all()
    owner = {fs.id: fs.member_id for fs in sessions}

    def norm(text: str) -> str:  # session ids differ between the two runs, owners do not
        for fs_id, member_id in owner.items():
            text = text.replace(f"wait:{fs_id}:", f"wait:member{member_id}:")
        return text

    timer_rows = {
        norm(t.key): (t.kind, t.due_at, t.status, t.member_id, t.reason, t.claimed_at,
                      {k: owner.get(v, v) if k == "flow_session_id" else v
                       for k, v in (t.payload or {}).items()})
        for t in s.scalars(select(Timer))
    }  # fmt: skip
    rows = s.scalars(select(OutboxMessage)).all()
    by_id = {r.id: r.idempotency_key for r in rows}
    enqueued = {r.idempotency_key for r in s.info.get("outbox_to_enqueue", [])}
    enqueued |= {by_id[i] for i, _ in s.info.get("outbox_ids_to_enqueue", [])}
    return {
        "sessions": sorted(
            (
                fs.member_id,
                fs.flow_id,
                fs.flow_version,
                fs.flow_source,
                fs.active,
                sorted(fs.state.items()),
                sorted(fs.context.items()),
                fs.started_at,
                fs.updated_at,
            )
            for fs in sessions
        ),  # fmt: skip
        "timers": timer_rows,
        "outbox": {
            r.idempotency_key: (
                r.organisation_id,
                r.member_id,
                r.to_phone,
                r.sender,
                r.body,
                r.kind,
                r.priority,
                r.status,
                r.due_at,
                r.enqueued_at,
                r.created_at,
            )
            for r in rows
        },  # fmt: skip
        "enqueued": enqueued,
    }


def _fire_both_ways(runtime: Any) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    with runtime.session() as s:
        ids = [i for i, _ in timers.claim_due(s, CHECKIN, 1000)]
        s.commit()
        results = []
        for fire in (_one_by_one, checkin_fanout.fire_checkins):
            savepoint = s.begin_nested()
            fire(s, ids, CHECKIN)
            results.append(_snapshot(s))
            s.info.pop("outbox_to_enqueue", None)
            s.info.pop("outbox_ids_to_enqueue", None)
            savepoint.rollback()
            s.expire_all()
        s.rollback()
    return results[0], results[1], ids


def _one_by_one(s: Session, ids: list[int], now: datetime) -> None:
    for timer_id in ids:
        timers.fire(s, timer_id, now)


def test_the_set_and_one_by_one_write_the_same_rows(runtime, world):
    people = _setup(runtime, world)
    single, fanned, ids = _fire_both_ways(runtime)
    assert len(ids) >= len(people) + 2  # world's own members and the second timer too
    assert fanned == single
    started = {row[0] for row in single["sessions"] if row[7] == CHECKIN}
    # What a member would notice, spelled out (the comparison above covers every column):
    texts = {row[1]: row[4] for key, row in single["outbox"].items() if key.startswith("checkin:")}
    assert texts[people["plain"].id].startswith("Hi Member1, how are you today?")
    assert texts[people["spanish"].id].startswith("Hola Member2")
    assert texts[people["variant"].id].startswith("Hello Member11, how")
    assert texts[people["held_long"].id].startswith("Hi Member8")
    assert texts[people["already_queued"].id] == "earlier"  # never queued twice
    for who in ("paused", "opted_out", "no_phone", "london", "waiting"):
        assert people[who].id not in texts
    assert people["two_timers"].id in started
    timers_by_key = single["timers"]
    london = next(v for k, v in timers_by_key.items()
                  if k.startswith(f"checkin:{people['london'].id}:"))  # fmt: skip
    assert london[2] == "pending" and london[1] == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    waiting = next(v for k, v in timers_by_key.items()
                   if k.startswith(f"checkin:{people['waiting'].id}:2026-03-02"))  # fmt: skip
    assert waiting[2] == "pending" and waiting[1] == CHECKIN + timedelta(minutes=15)
    deferred = timers_by_key[f"checkin:{people['two_timers'].id}:deferred"]
    assert deferred[2] == "done"  # the earlier one (by id) started the check-in …
    later = next(v for k, v in timers_by_key.items()
                 if k.startswith(f"checkin:{people['two_timers'].id}:2026-03-02"))  # fmt: skip
    assert later[2] == "pending"  # … and the planned one waits behind it
    assert any(k.startswith(f"checkin:{people['plain'].id}:2026-03-03") for k in timers_by_key)
    assert any(k.startswith("reminder:") and k.split(":")[-2] == str(people["plain"].id)
               for k in timers_by_key)  # fmt: skip


def test_a_group_whose_flow_does_more_at_its_start_goes_one_by_one(runtime, world):
    people = _setup(runtime, world)
    with runtime.session() as s:
        calm = s.get_one(Group, world.calm.id)
        _variant(
            s,
            world,
            calm,
            (
                "  ask:\n",
                "  ask:\n    actions:\n      - {type: set_field, field: language, value: es}\n",
            ),
        )
        s.commit()
    single, fanned, _ = _fire_both_ways(runtime)
    assert fanned == single
    assert any(m == people["variant"].id and source == "org"
               for m, _, _, source, *_ in fanned["sessions"])  # fmt: skip


def test_the_set_costs_the_same_statements_for_ten_members_or_forty(runtime, world):
    counts = []
    for size in (10, 40):
        with runtime.session() as s:
            s.execute(update(Member).values(status="opted_out"))
            hope = s.get_one(Group, world.hope.id)
            for n in range(size):
                _member(s, hope, 1000 * size + n)
            plan_all(s, CHECKIN - timedelta(hours=1))
            ids = [i for i, _ in timers.claim_due(s, CHECKIN, 1000)]
            statements: list[str] = []

            def listener(*args: Any, seen: list[str] = statements) -> None:
                seen.append(args[2])

            event.listen(s.get_bind(), "before_cursor_execute", listener)
            try:
                report = checkin_fanout.fire_checkins(s, ids, CHECKIN)
                s.flush()
            finally:
                event.remove(s.get_bind(), "before_cursor_execute", listener)
            assert report.started == size
            counts.append(len(statements))
            s.rollback()
    assert counts[0] == counts[1]
