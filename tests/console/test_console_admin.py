"""Coordinator pages: settings, groups, policy, members, CSV import, invite, meetings, logs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from smsapp.models import (
    AuditEntry,
    Group,
    MeetingSeries,
    Member,
    Organisation,
    OutboxMessage,
    PolicyLevel,
)


def test_every_coordinator_page_renders(browser: Any, world: Any) -> None:
    b = browser("carol")
    for url in (
        "/console/settings",
        "/console/groups",
        "/console/groups/new",
        f"/console/groups/{world.hope.id}",
        f"/console/groups/{world.hope.id}/checkins",
        "/console/members",
        "/console/members/new",
        "/console/members/import",
        f"/console/members/{world.members['sam'].id}",
        f"/console/members/{world.members['sam'].id}/edit",
        "/console/meetings",
        "/console/meetings/new",
        "/console/messages",
        "/console/opt-outs",
    ):
        response = b.get(url)
        assert response.status_code == 200, url
        assert b"Log out" in response.data


def test_facilitator_nav_has_no_coordinator_pages(browser: Any, world: Any) -> None:
    page = browser("alice").get("/console/cases").data.decode()
    assert "/console/members" in page and "/console/settings" not in page
    assert browser("alice").get("/console/settings").status_code == 403


def test_settings_refuse_shorter_quiet_hours(browser: Any, world: Any) -> None:
    b = browser("carol")
    form = {
        "name": "Harbor",
        "program_name": "Harbor Check-ins",
        "help_contact": "555",
        "crisis_text_en": "Call 988",
        "crisis_text_es": "",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    page = b.post("/console/settings", data=form)
    assert page.status_code == 200 and b"would allow messages at night" in page.data
    form.update(quiet_start="20:00", quiet_end="09:00")
    assert b.post("/console/settings", data=form).status_code == 302
    with world.runtime.session() as s:
        org = s.get(Organisation, world.org.id)
        assert (org.crisis_text_en, f"{org.quiet_start:%H:%M}") == ("Call 988", "20:00")
        assert org.crisis_text_es is None


def test_create_group_with_facilitator_then_change_policy(browser: Any, world: Any) -> None:
    b = browser("carol")
    alice = world.users["alice"].id
    bad = b.post("/console/groups/new", data={"code": "NEWONE", "name": "New", "tz": "Mars/Base"})
    assert b"unknown time zone" in bad.data
    dup = b.post("/console/groups/new", data={"code": "hope", "name": "X", "tz": "UTC"})
    assert b"already used" in dup.data
    short = b.post("/console/groups/new", data={"code": "new1", "name": "X", "tz": "UTC"})
    assert "6–20 letters".encode() in short.data
    response = b.post(
        "/console/groups/new",
        data={
            "code": "new123",
            "name": "New Circle",
            "tz": "America/Chicago",
            "facilitator_ids": [alice],
        },
    )
    assert response.status_code == 302
    with world.runtime.session() as s:
        group = s.scalar(select(Group).where(Group.code == "NEW123"))
        assert group is not None
        gid = group.id
    with world.runtime.session() as s:
        assert sorted(g.code for g in s.get(type(world.users["alice"]), alice).groups) == [
            "HOPE",
            "NEW123",
        ]
    one_level = b.post(
        f"/console/groups/{gid}/policy", data={"level-0-target": "on_call"}, follow_redirects=True
    )
    assert b"at least 2 levels" in one_level.data
    b.post(
        f"/console/groups/{gid}/policy",
        data={
            "level-0-target": "group_facilitators",
            "level-0-urgent": "3",
            "level-1-target": "user",
            "level-1-user": str(world.users["carol"].id),
        },
    )
    with world.runtime.session() as s:
        levels = list(
            s.scalars(
                select(PolicyLevel)
                .where(PolicyLevel.group_id == gid)
                .order_by(PolicyLevel.position)
            )
        )
        assert [(lv.target, lv.urgent_timeout_minutes) for lv in levels] == [
            ("group_facilitators", 3),
            ("user", 5),
        ]


def test_add_member_normalises_phone_and_invite_texts_them(
    browser: Any, world: Any, phones: Any
) -> None:
    b = browser("carol")
    bad = b.post(
        "/console/members/new",
        data={
            "name": "Ana",
            "phone": "12345",
            "region": "US",
            "group_id": world.hope.id,
            "language": "es",
        },
    )
    assert b"not a valid phone number" in bad.data
    response = b.post(
        "/console/members/new",
        data={
            "name": "Ana Ruiz",
            "phone": "(202) 555-0177",
            "region": "US",
            "group_id": world.hope.id,
            "language": "es",
        },
    )
    assert response.status_code == 302
    with world.runtime.session() as s:
        ana = s.scalar(select(Member).where(Member.phone_last4 == "0177"))
        assert ana is not None and ana.phone == "+12025550177" and ana.status == "pending"
        ana_id = ana.id
    page = b.get(f"/console/members/{ana_id}/edit").data.decode()
    assert "Invite by SMS" in page
    assert b.post(f"/console/members/{ana_id}/invite").status_code == 302
    phones.drain()
    assert phones.received("+12025550177"), "the invite text was sent"
    with world.runtime.session() as s:
        assert (
            s.scalar(select(OutboxMessage.kind).where(OutboxMessage.member_id == ana_id))
            == "system"
        )
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == ana_id)))
    assert {"change_member", "view_member", "invite_member"} <= actions


def test_member_list_masks_phones_and_shows_consent(browser: Any, world: Any) -> None:
    page = browser("carol").get("/console/members").data.decode()
    assert "•••• 0111" in page and "+12025550111" not in page
    assert "opt in" in page


def test_csv_import_adds_good_rows_and_reports_each_bad_one(browser: Any, world: Any) -> None:
    csv = (
        b"name,phone,group,language\n"
        b"Ana,202-555-0170,HOPE,es\n"
        b"Bea,not a number,HOPE,en\n"
        b"Cy,202-555-0170,HOPE,en\n"  # duplicate in file
        b"Dee,+12025550111,HOPE,en\n"  # already a member (sam)
        b"Eve,202-555-0171,NOPE,en\n"  # unknown group
        b",202-555-0172,CALM,en\n"  # missing name
        b"Fay,202-555-0173,CALM,en\n"
    ) + "G\xe9,202-555-0174,CALM,en\n".encode("latin-1")
    response = browser("carol").post(
        "/console/members/import",
        data={"file": (io.BytesIO(csv), "members.csv"), "region": "US"},
        content_type="multipart/form-data",
    )
    page = response.data.decode()
    assert "<strong>2 members</strong> added" in page and "<strong>6 rows</strong> rejected" in page
    for row, why in (
        (3, "not a valid phone"),
        (4, "earlier in the file"),
        (5, "already exists"),
        (6, "unknown group"),
        (7, "name is missing"),
        (9, "not UTF-8"),
    ):
        assert f'<td data-label="Row">{row}</td>' in page, row
        assert why in page, why
    with world.runtime.session() as s:
        names = {m.name for m in s.scalars(select(Member))}
    assert {"Ana", "Fay"} <= names and "Bea" not in names


def test_csv_without_phone_column_is_rejected_whole(browser: Any, world: Any) -> None:
    response = browser("carol").post(
        "/console/members/import",
        data={"file": (io.BytesIO(b"name,group\nAna,HOPE\n"), "m.csv"), "region": "US"},
        content_type="multipart/form-data",
    )
    assert b"missing column(s): phone" in response.data


def test_meeting_series_and_checkin_schedule(browser: Any, world: Any) -> None:
    b = browser("carol")
    meeting = {
        "group_id": world.hope.id,
        "title": "Circle",
        "first_date": "2026-03-05",
        "start_time": "19:00",
        "duration_minutes": 90,
        "repeat": "weekly",
        "interval": 1,
        "nth": 1,
        "reminders": ["1440", "120"],
    }
    bad = b.post("/console/meetings/new", data={**meeting, "title": "", "start_time": ""})
    page = bad.data.decode()  # every problem at once, typed values kept
    assert "This field is required" in page and "pick a time" in page
    assert "pick at least one day of the week" in page and 'value="2026-03-05"' in page
    ok = b.post("/console/meetings/new", data={**meeting, "days": ["3"]})
    assert ok.status_code == 302
    page = b.get("/console/meetings").data.decode()
    assert "Every Thursday, 7:00 PM New York time" in page
    assert "1 day before, 2 hours before" in page and "FREQ=" not in page
    with world.runtime.session() as s:
        series = s.scalars(select(MeetingSeries)).one()
        assert series.duration_minutes == 90
    first = "2026-03-06T00:00:00+00:00"  # Thu 19:00 in New York (EST; EDT from 8 March)
    url = f"/console/meetings/{series.id}/occurrence"
    asked = b.get(
        url, query_string={"original": first, "action": "move", "new_start": "2026-03-07T18:00"}
    ).data.decode()
    assert "Thu 5 Mar, 7:00 PM New York time" in asked and "Sat 7 Mar, 6:00 PM" in asked
    assert "2 members will get a text" in asked
    moved = b.post(
        url,
        data={"original": first, "action": "move", "new_start": "2026-03-07T18:00"},
        follow_redirects=True,
    )
    assert b"2 members will be told by text in 2 minutes" in moved.data
    assert b"Sat 7 Mar, 6:00 PM New York time (moved)" in moved.data
    again = b.post(
        url,
        data={"original": "2026-03-12T23:00:00+00:00", "action": "cancel"},
        follow_redirects=True,
    )
    assert b"will be told" in again.data and b"Thu 12 Mar" not in again.data
    url = f"/console/groups/{world.calm.id}/checkins"
    assert b"not a valid time" in b.post(url, data={"days": ["0"], "time": "7"}).data.lower()
    assert b.post(url, data={"days": ["0", "2"], "time": "18:30"}).status_code == 302
    with world.runtime.session() as s:
        calm = s.get(Group, world.calm.id)
        assert (calm.checkin_days, f"{calm.checkin_time:%H:%M}") == ("02", "18:30")


def test_message_log_shows_status_and_error_codes_masked(
    browser: Any, world: Any, phones: Any
) -> None:
    phones.text("sam", "TALK")
    phones.drain()
    with world.runtime.session() as s:
        row = s.scalars(select(OutboxMessage)).first()
        row.delivery_status, row.error_code = "undelivered", "30005"
        s.commit()
    page = browser("carol").get("/console/messages").data.decode()
    assert "30005" in page and ">failed<" in page  # undelivered: one word
    assert "+1202555" not in page and "+447700" not in page


def test_opt_out_list(browser: Any, world: Any, phones: Any) -> None:
    phones.text("sam", "STOP")
    page = browser("carol").get("/console/opt-outs").data.decode()
    assert "Sam" in page and "•••• 0111" in page and "Lee" not in page


def test_csv_import_crash_leaves_nothing_half_imported(
    browser: Any, world: Any, monkeypatch: Any
) -> None:
    from smsapp.services.domain import members as member_service

    real = member_service.add_member
    calls = []

    def crash_on_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(member_service, "add_member", crash_on_second)
    csv = b"name,phone,group\nAna,202-555-0170,HOPE\nBea,202-555-0171,HOPE\n"
    with pytest.raises(RuntimeError):
        browser("carol").post(
            "/console/members/import",
            data={"file": (io.BytesIO(csv), "m.csv"), "region": "US"},
            content_type="multipart/form-data",
        )
    with world.runtime.session() as s:
        assert s.scalar(select(Member).where(Member.phone_last4 == "0170")) is None


def test_one_row_reads_in_the_singular(browser: Any, world: Any) -> None:
    data = "name,phone,group,language\nAna,+12025550150,HOPE,en\nBo,12,HOPE,en\n"
    page = (
        browser("carol")
        .post(
            "/console/members/import",
            data={"file": (io.BytesIO(data.encode()), "m.csv"), "region": "US"},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        .get_data(as_text=True)
    )
    assert "<strong>1 member</strong> added" in page and "<strong>1 row</strong> rejected" in page
    assert "1 members" not in page and "1 rows" not in page
