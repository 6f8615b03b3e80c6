"""What a flow's templates may use: the member, their group, the meeting and the organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smsapp.flows.lint import texts
from smsapp.flows.schema import FlowDefinition
from smsapp.flows.templates import RenderContext
from smsapp.models import Group, Member, Organisation
from smsapp.services.domain import message_frequency


def render_context(
    session: Session,
    member: Member,
    meeting: dict[str, Any] | None,
    baseline: float | None = None,
    *,
    flow: FlowDefinition | None = None,
    now: datetime | None = None,
) -> RenderContext:
    """The values `flow`'s templates see. A group's texts per week (a few queries) is
    worked out only for a flow that mentions it (the join disclosure)."""
    group = session.get(Group, member.group_id) if member.group_id else None
    org = session.get(Organisation, member.organisation_id)
    per_week = 0
    if group is not None and now is not None and _mentions_frequency(flow):
        per_week = message_frequency.texts_per_week(session, group, now)
    return context_of(member, group, org, meeting, baseline, texts_per_week=per_week)


def context_of(
    member: Member,
    group: Group | None,
    org: Organisation | None,
    meeting: dict[str, Any] | None = None,
    baseline: float | None = None,
    *,
    texts_per_week: int = 0,
) -> RenderContext:
    """The same context from rows already loaded (a fan-out renders thousands at once)."""
    return RenderContext(
        language=member.language,
        member={
            "first_name": member.first_name,
            "name": member.name or "",
            "language": member.language,
            "baseline": baseline,
        },
        group={
            "name": group.name if group else "",
            "code": group.code if group else "",
            "texts_per_week": texts_per_week,
        },
        meeting=meeting or {"when": "", "location": ""},
        organisation={
            "name": org.name if org else "",
            "program_name": org.program_name if org else "",
            "help_contact": org.help_contact if org else "",
        },
    )


def _mentions_frequency(flow: FlowDefinition | None) -> bool:
    return flow is not None and any("texts_per_week" in source for _, source in texts(flow))
