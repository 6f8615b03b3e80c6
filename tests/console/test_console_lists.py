"""Lists that scale: members searched, filtered and paged; the message log with direction,
member, text, one-word status and local times, newest first; cases by tab; CSV exports
that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import Group, Member, Organisation, OutboxMessage
from smsapp.services.core import directory
from smsapp.services.domain import escalation
from smsapp.web.console.csv_files import safe_cell


def _add_members(runtime: Any, group_id: int, count: int, name: str = "Person") -> None:
    with runtime.session() as s:
        group = s.get(Group, group_id)
        for i in range(count):
            m = Member(
                organisation_id=group.organisation_id,
                group_id=group.id,
                name=f"{name} {i:03d}",
                tz=group.tz,
                status="active",
                created_at=runtime.now(),
                updated_at=runtime.now(),
            )
            directory.set_member_phone(m, f"+1202556{i:04d}")
            s.add(m)
        s.commit()


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_members_are_searched_by_name_and_last_digits_and_paged(
    browser: Any, world: Any, runtime: Any
) -> None:
    _add_members(runtime, world.hope.id, 60)
    carol = browser("carol")
    first = carol.get("/console/members").data.decode()
    assert "63 members" in first and "Page 1 of 2" in first and "Next →" in first
    assert "Person 059" not in first or "Person 000" not in first
    by_name = carol.get("/console/members?q=person 01").data.decode()
    assert "10 members match" in by_name and "Person 015" in by_name and "Sam" not in by_name
    by_digits = carol.get("/console/members?q=0111").data.decode()
    assert "1 member matches" in by_digits and ">Sam<" in by_digits
    calm = carol.get(f"/console/members?group={world.calm.id}").data.decode()
    assert ">Lee<" in calm and ">Sam<" not in calm
    page2 = carol.get("/console/members?page=2").data.decode()
    assert "Page 2 of 2" in page2 and "← Previous" in page2


def test_a_facilitator_finds_only_their_groups_members(browser: Any, world: Any) -> None:
    page = browser("bob").get("/console/members?q=a").data.decode()
    assert "Sam" not in page and "Maria" not in page


def test_member_export_neutralises_formulas_and_imports_back(
    browser: Any, world: Any, runtime: Any
) -> None:
    with runtime.session() as s:
        s.get(Member, world.members["sam"].id).name = '=HYPERLINK("http://evil","x")'
        s.commit()
    carol = browser("carol")
    rows = _csv(carol.get(f"/console/members.csv?group={world.hope.id}"))
    assert rows[0] == ["name", "phone", "group", "language", "status", "joined"]
    by_phone = {r[1]: r for r in rows[1:]}
    sam = by_phone["'+12025550111"]  # a + would start a formula too
    assert sam[0] == '\'=HYPERLINK("http://evil","x")' and sam[2] == "HOPE"
    assert len(rows) == 3  # Sam and Maria, not Calm's Lee

    again = carol.post(
        "/console/members/import",
        data={
            "file": (io.BytesIO(carol.get("/console/members.csv").data), "m.csv"),
            "region": "US",
        },
        content_type="multipart/form-data",
    ).data.decode()
    assert "already" in again and "not a valid" not in again.lower()


def test_every_formula_start_is_neutralised() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Sam") == "Sam" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_message_log_reads_like_a_conversation(
    browser: Any, world: Any, phones: Any, runtime: Any
) -> None:
    with runtime.session() as s:
        s.get(Organisation, world.org.id).tz = "America/Chicago"
        s.commit()
    phones.text("sam", "TALK")
    phones.drain()
    runtime.clock.advance(timedelta(minutes=5))
    phones.text("sam", "=cmd|' /C calc'!A0")
    phones.drain()
    page = browser("carol").get("/console/messages").data.decode()
    assert "Chicago time" in page and "Mon 2 Mar" in page
    assert page.index("=cmd|") < page.index(">TALK<")  # newest first
    assert "← received" in page and "→ sent" in page and ">Sam<" in page
    assert ">delivered<" in page or ">sent<" in page
    assert "+1202555" not in page

    only_in = browser("carol").get("/console/messages?direction=in").data.decode()
    assert "→ sent" not in only_in and "← received" in only_in
    found = browser("carol").get("/console/messages?q=talk").data.decode()
    assert ">TALK<" in found and "=cmd" not in found

    rows = _csv(browser("carol").get("/console/messages.csv?direction=in"))
    assert rows[0][0] == "time (America/Chicago)"
    assert [r[-1] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "TALK"]


def test_message_log_status_is_one_word_and_filters(
    browser: Any, world: Any, phones: Any, runtime: Any
) -> None:
    phones.text("sam", "TALK")
    phones.drain()
    with runtime.session() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.status != "inline")).first()
        row.status, row.delivery_status, row.error_code = "sent", "undelivered", "30005"
        s.commit()
    failed = browser("carol").get("/console/messages?status=failed").data.decode()
    assert ">failed<" in failed and "30005" in failed and "undelivered" not in failed
    assert "← received" not in failed


def test_facilitators_read_their_groups_texts_only(browser: Any, world: Any, phones: Any) -> None:
    phones.text("sam", "feeling low today")
    phones.text("lee", "a quiet week here")
    phones.drain()
    alice = browser("alice").get("/console/messages").data.decode()
    assert "feeling low today" in alice and "a quiet week here" not in alice
    assert (
        browser("alice").get(f"/console/messages?member={world.members['lee'].id}").status_code
        == 404
    )
    assert browser("alice").get("/console/messages.csv").status_code == 403


def test_messages_page_in_pages_of_fifty(browser: Any, world: Any, runtime: Any) -> None:
    with runtime.session() as s:
        for i in range(120):
            s.add(
                OutboxMessage(
                    idempotency_key=f"t:{i}",
                    organisation_id=world.org.id,
                    member_id=world.members["sam"].id,
                    to_phone="+12025550111",
                    body=f"note {i:03d}",
                    kind="system",
                    status="sent",
                    due_at=runtime.now(),
                    created_at=runtime.now() + timedelta(seconds=i),
                )
            )
        s.commit()
    carol = browser("carol")
    first = carol.get("/console/messages").data.decode()
    assert "note 119" in first and "note 070" in first and "note 069" not in first
    third = carol.get("/console/messages?page=3").data.decode()
    assert "note 019" in third and "note 000" in third and "Older →" not in third


def test_case_tabs_open_mine_resolved_all(browser: Any, world: Any, runtime: Any) -> None:
    now = runtime.now()
    with runtime.session() as s:
        sam, maria = (
            s.get(Member, world.members["sam"].id),
            s.get(Member, world.members["maria"].id),
        )
        mine = escalation.open_case(
            s, member=sam, urgency="normal", source="talk", reason="sam talk", now=now
        )
        other = escalation.open_case(
            s, member=maria, urgency="normal", source="talk", reason="maria talk", now=now
        )
        s.flush()
        mine.status, mine.acked_by = "acked", world.users["alice"].id
        other.status, other.resolved_at = "resolved", now
        s.commit()
    alice = browser("alice")
    opened = alice.get("/console/cases").data.decode()
    assert "sam talk" in opened and "Open cases" in opened
    assert "sam talk" in alice.get("/console/cases?show=mine").data.decode()
    assert "sam talk" not in browser("carol").get("/console/cases?show=mine").data.decode()
    resolved = alice.get("/console/cases?show=resolved").data.decode()
    assert "maria talk" in resolved and "sam talk" not in resolved
    every = alice.get("/console/cases?show=all").data.decode()
    assert "maria talk" in every and "sam talk" in every


def test_report_export(browser: Any, world: Any) -> None:
    rows = _csv(browser("alice").get(f"/console/reports.csv?group={world.hope.id}&weeks=4"))
    assert rows[0][:3] == ["row", "week or meeting", "title"]
    assert [r[0] for r in rows[1:]] == ["week"] * 4
    assert browser("alice").get(f"/console/reports.csv?group={world.calm.id}").status_code == 404
