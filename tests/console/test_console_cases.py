"""Facilitator pages: open cases first, ACK and DONE from the phone, scores, texts, trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import AuditEntry, Case, Member, MoodScore
from smsapp.services.domain import escalation


def _open(world: Any, who: str, urgency: str = "urgent", reason: str = "asked for help") -> int:
    rt = world.runtime
    with rt.session() as s:
        member = s.get(Member, world.members[who].id)
        case = escalation.open_case(
            s, member=member, urgency=urgency, source="talk", reason=reason, now=rt.now()
        )
        s.commit()
        return case.id


def test_open_cases_list_urgent_first(browser: Any, world: Any, clock: Any) -> None:
    normal = _open(world, "sam", "normal", "wants to talk")
    clock.advance(timedelta(minutes=5))
    urgent = _open(world, "maria", "urgent", "crisis words")
    page = browser("alice").get("/console/cases").data.decode()
    assert page.index(f"#{urgent}") < page.index(f"#{normal}")
    assert "Hope Circle" in page
    assert "5 min" in page


def test_facilitator_sees_only_their_groups_cases(browser: Any, world: Any) -> None:
    _open(world, "sam", reason="hope case")
    _open(world, "lee", reason="calm case")
    alice = browser("alice").get("/console/cases").data.decode()
    assert "hope case" in alice and "calm case" not in alice
    carol = browser("carol").get("/console/cases").data.decode()
    assert "hope case" in carol and "calm case" in carol


def test_ack_then_done_with_note(browser: Any, world: Any, phones: Any) -> None:
    case_id = _open(world, "sam")
    b = browser("alice")
    assert b.post(f"/console/cases/{case_id}/ack").status_code == 302
    refused = b.post(f"/console/cases/{case_id}/resolve", data={"note": " "}, follow_redirects=True)
    assert refused.status_code == 422  # the page again, the note marked, the summary focused
    assert b"write a short note" in refused.data and b"data-error-summary" in refused.data
    with world.runtime.session() as s:
        assert s.get(Case, case_id).status == "acked"
    response = b.post(f"/console/cases/{case_id}/resolve", data={"note": "called, safe now"})
    assert response.status_code == 302
    with world.runtime.session() as s:
        case = s.get(Case, case_id)
        assert case.status == "resolved"
        assert case.note == "called, safe now"
        assert case.resolved_by == world.users["alice"].id
    page = b.get(f"/console/cases/{case_id}").data.decode()
    assert "Alice took the case" in page and "Alice closed the case with a note" in page


def test_case_page_shows_scores_messages_and_audits_the_view(
    browser: Any, world: Any, phones: Any, clock: Any
) -> None:
    phones.text("sam", "TALK")
    with world.runtime.session() as s:
        s.add(
            MoodScore(
                member_id=world.members["sam"].id,
                group_id=world.hope.id,
                score=2,
                at=clock.now() - timedelta(days=1),
            )
        )
        s.commit()
        case_id = s.scalar(select(Case.id).where(Case.member_id == world.members["sam"].id))
    assert case_id is not None
    page = browser("alice").get(f"/console/cases/{case_id}").data.decode()
    assert "mood-chart" in page and '"score": 2' in page
    assert "TALK" in page  # decrypted inbound body
    assert "•••• 0111" in page and "+12025550111" not in page
    with world.runtime.session() as s:
        actions = set(
            s.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.subject_id == world.members["sam"].id,
                    AuditEntry.actor_user_id == world.users["alice"].id,
                )
            )
        )
    assert {"view_scores", "view_messages"} <= actions


def test_other_facilitator_and_outsider_get_404_and_learn_nothing(browser: Any, world: Any) -> None:
    case_id = _open(world, "sam", reason="secret reason")
    for who in ("bob", "dave"):
        b = browser(who)
        for method, url in (
            ("get", f"/console/cases/{case_id}"),
            ("post", f"/console/cases/{case_id}/ack"),
            ("post", f"/console/cases/{case_id}/resolve"),
        ):
            response = getattr(b, method)(url)
            assert response.status_code == 404, (who, url)
            assert b"secret reason" not in response.data and b"Sam" not in response.data
    with world.runtime.session() as s:
        assert s.get(Case, case_id).status == "open"
