"""GET /meetings: upcoming meeting occurrences with their RSVP counts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Group, Rsvp, User
from smsapp.services.domain import calendar
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import MeetingList, MeetingsQuery, OccurrenceOut
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


def groups_asked(session: Session, user: User, group_id: int | None) -> list[Group]:
    """The one group asked for (404 when not visible), or every visible group."""
    if group_id is not None:
        return [access.group_or_404(session, user, group_id)]
    return access.visible_groups(session, user)


def _rsvp_counts(session: Session, series_ids: set[int]) -> Counter[tuple[int, datetime, str]]:
    if not series_ids:
        return Counter()
    rows = session.execute(
        select(Rsvp.series_id, Rsvp.occurrence_start, Rsvp.answer, func.count())
        .where(Rsvp.series_id.in_(series_ids))
        .group_by(Rsvp.series_id, Rsvp.occurrence_start, Rsvp.answer)
    )
    return Counter({(s, at, answer): n for s, at, answer, n in rows})


def _out(found: calendar.Upcoming, counts: Counter[tuple[int, datetime, str]]) -> OccurrenceOut:
    series, occ = found.series, found.occurrence
    key = (series.id, occ.original_start_utc)
    return OccurrenceOut(
        series_id=series.id,
        group_id=series.group_id,
        title=series.title,
        location=series.location,
        start=occ.start_utc,
        end=occ.end_utc,
        original_start=occ.original_start_utc,
        moved=occ.moved,
        yes=counts[(*key, "yes")],
        no=counts[(*key, "no")],
        later=counts[(*key, "later")],
    )


@api_bp.get("/meetings")
@api_spec.validate(resp=answers(404, HTTP_200=MeetingList), tags=["meetings"])
def list_meetings(query: MeetingsQuery) -> MeetingList:
    """Meetings of the caller's groups (or one group) in the next `days` days, soonest first."""
    session, user = auth.db(), auth.current_user()
    groups = groups_asked(session, user, query.group_id)
    now = runtime().now()
    found = calendar.upcoming(session, groups, now, now + timedelta(days=query.days))
    counts = _rsvp_counts(session, {u.series.id for u in found})
    return MeetingList(meetings=[_out(u, counts) for u in found])
