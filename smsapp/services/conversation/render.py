"""What a flow's templates may use: the member, their group, the meeting and the organisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from smsapp.flows.templates import RenderContext
from smsapp.models import Group, Member, Organisation


def render_context(
    session: Session,
    member: Member,
    meeting: dict[str, Any] | None,
    baseline: float | None = None,
) -> RenderContext:
    group = session.get(Group, member.group_id) if member.group_id else None
    org = session.get(Organisation, member.organisation_id)
    return context_of(member, group, org, meeting, baseline)


def context_of(
    member: Member,
    group: Group | None,
    org: Organisation | None,
    meeting: dict[str, Any] | None = None,
    baseline: float | None = None,
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
        group={"name": group.name, "code": group.code} if group else {"name": "", "code": ""},
        meeting=meeting or {"when": "", "location": ""},
        organisation={
            "name": org.name if org else "",
            "program_name": org.program_name if org else "",
            "help_contact": org.help_contact if org else "",
        },
    )
