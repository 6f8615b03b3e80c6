"""The one inbound edge: the webhook and the simulator both hand texts to receive_sms."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smsapp.models import InboundMessage
from smsapp.runtime import Runtime
from smsapp.services.conversation import crisis, inbound_text
from smsapp.services.conversation import router as inbound
from smsapp.services.core import directory
from smsapp.services.core.outbox import record_inline_reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    reply: str | None
    duplicate: bool = False


def receive_sms(
    runtime: Runtime,
    *,
    sid: str,
    phone: str,
    body: str,
    to: str = "",
    sandbox_group_id: int | None = None,
) -> Received:
    """Route one text and store it with its answer, once per MessageSid.

    `to`, the number that was texted, picks the organisation; the simulator passes its
    sandbox group instead. The inbound row is written last, in the same transaction as
    everything the text caused: a retried MessageSid fails the unique insert, rolls
    back, and gets the first answer again, so nothing happens twice.
    """
    now = runtime.now()
    with runtime.session() as session:
        if (stored := _stored_reply(session, sid)) is not None:
            return stored
        try:
            outcome = inbound.route(session, phone, body, now, to=to, sandbox=sandbox_group_id)
        except Exception:
            log.exception("sms.route_failed", extra={"sid": sid})
            session.rollback()
            outcome = _safe_outcome(runtime, session, to, sandbox_group_id, phone, body)
        session.add(
            InboundMessage(
                message_sid=sid,
                organisation_id=outcome.organisation_id,
                member_id=outcome.member_id,
                user_id=outcome.user_id,
                phone_hash=directory.phone_hash(phone),
                to_number=to or None,
                body=body if outcome.keep_body else None,
                reply=outcome.reply,
                reply_kind=outcome.reply_kind,
                crisis=outcome.crisis,
                received_at=now,
            )
        )
        if outcome.reply:
            record_inline_reply(
                session,
                to=phone,
                body=outcome.reply,
                key=f"inline:{sid}",
                now=now,
                organisation_id=outcome.organisation_id,
                member_id=outcome.member_id,
                sender=to or None,
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return _stored_reply(session, sid) or Received(reply=None, duplicate=True)
    log.info("sms.received", extra={"sid": sid, "member_id": outcome.member_id})
    return Received(reply=outcome.reply)


def _stored_reply(session: Session, sid: str) -> Received | None:
    row = session.execute(
        select(InboundMessage.reply).where(InboundMessage.message_sid == sid)
    ).first()
    return None if row is None else Received(reply=row[0], duplicate=True)


def _safe_outcome(
    runtime: Runtime,
    session: Session,
    to: str,
    sandbox_group_id: int | None,
    phone: str,
    body: str,
) -> inbound.Outcome:
    """Routing failed: the message is still stored, and a crisis still gets resources."""
    org = member = None
    try:
        line, member = inbound.locate(session, to, phone, sandbox_group_id)
        org = line.organisation
        lexicon_extra = org.lexicon_extra if org is not None else ""
        text = inbound_text.read(body, lexicon_extra=lexicon_extra)  # routing may have failed first
        reply = crisis.screen_and_respond(
            session, phone, text, member, runtime.now(), organisation=org
        )
    except Exception:
        log.exception("sms.crisis_fallback_failed")
        session.rollback()
        reply = None
    return inbound.Outcome(
        reply=reply,
        crisis=reply is not None,
        organisation_id=org.id if org is not None else None,
        member_id=member.id if member is not None else None,
        reply_kind="crisis" if reply is not None else None,
    )
