"""POST /groups/{id}/announcements (and /preview), GET the list and one announcement."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import Response, abort
from sqlalchemy.orm import Session

from smsapp.flows.segments import segment_info
from smsapp.models import Announcement, Group
from smsapp.services.domain import announcements
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import (
    AnnouncementIn,
    AnnouncementList,
    AnnouncementOut,
    AnnouncementPreviewOut,
    DeliveryCountsOut,
)
from smsapp.web.api.spec import answers, api_spec, error_json
from smsapp.web.runtime import runtime


def _out(item: Announcement, counts: Counter[str]) -> AnnouncementOut:
    info = segment_info(item.body)
    return AnnouncementOut(
        id=item.id,
        group_id=item.group_id,
        text=item.body,
        send_at=item.send_at,
        created_at=item.created_at,
        created_by_user_id=item.created_by_user_id,
        encoding=info.encoding,
        segments=info.segments,
        deliveries=DeliveryCountsOut(**{s: counts[s] for s in announcements.DELIVERY_STATES}),
    )


def _coordinators_group(group_id: int) -> tuple[Session, Group]:
    session, user = auth.db(), auth.current_user()
    group = access.group_or_404(session, user, group_id)
    access.require_coordinator(user)
    return session, group


def _refused(exc: announcements.AnnouncementError) -> Response:
    return error_json(422, str(exc), [{"path": exc.field, "message": str(exc)}])


def _at(json: AnnouncementIn) -> datetime | None:
    return announcements.parse_local(json.send_at) if json.send_at else None


@api_bp.post("/groups/<int:group_id>/announcements/preview")
@api_spec.validate(
    resp=answers(400, 403, 404, 422, HTTP_200=AnnouncementPreviewOut), tags=["announcements"]
)
def preview_announcement(group_id: int, json: AnnouncementIn) -> object:
    """What sending would do: encoding, segments, who gets it and who waits for morning."""
    session, group = _coordinators_group(group_id)
    try:
        checked = announcements.preview(session, group, json.text, _at(json), runtime().now())
    except announcements.AnnouncementError as exc:
        return _refused(exc)
    return AnnouncementPreviewOut(
        encoding=checked.info.encoding,
        segments=checked.info.segments,
        characters=checked.info.chars,
        ucs2_char=checked.info.ucs2_char,
        send_at=checked.send_at,
        recipients=checked.recipients,
        left_out=checked.left_out,
        after_quiet_hours=checked.after_quiet_hours,
    )


@api_bp.post("/groups/<int:group_id>/announcements")
@api_spec.validate(
    resp=answers(400, 403, 404, 422, HTTP_201=AnnouncementOut), tags=["announcements"]
)
def create_announcement(group_id: int, json: AnnouncementIn) -> object:
    """Text every member of the group once, now or at `send_at` (the group's local time).

    Paused and opted-out members get nothing; a member in their quiet hours gets it when
    they end. Coordinators only."""
    session, group = _coordinators_group(group_id)
    user = auth.current_user()
    try:
        item = announcements.announce(
            session, group, json.text, _at(json), runtime().now(), user_id=user.id
        )
    except announcements.AnnouncementError as exc:
        session.rollback()
        return _refused(exc)
    session.commit()
    return _out(item, announcements.deliveries(session, [item.id])[item.id]), 201


@api_bp.get("/groups/<int:group_id>/announcements")
@api_spec.validate(resp=answers(404, HTTP_200=AnnouncementList), tags=["announcements"])
def list_announcements(group_id: int) -> AnnouncementList:
    """The group's announcements, newest first, with their delivery counts."""
    session = auth.db()
    group = access.group_or_404(session, auth.current_user(), group_id)
    items = announcements.of_group(session, group)
    counts = announcements.deliveries(session, [i.id for i in items])
    return AnnouncementList(announcements=[_out(i, counts[i.id]) for i in items])


@api_bp.get("/groups/<int:group_id>/announcements/<int:announcement_id>")
@api_spec.validate(resp=answers(404, HTTP_200=AnnouncementOut), tags=["announcements"])
def get_announcement(group_id: int, announcement_id: int) -> AnnouncementOut:
    """One announcement with its delivery counts."""
    session = auth.db()
    group = access.group_or_404(session, auth.current_user(), group_id)
    item = session.get(Announcement, announcement_id)
    if item is None or item.group_id != group.id:
        abort(404)
    return _out(item, announcements.deliveries(session, [item.id])[item.id])
