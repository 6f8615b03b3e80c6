"""The daily retention job: every organisation's rules, in committed batches, then an audit row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from smsapp.models import Organisation
from smsapp.runtime import Runtime, current_runtime
from smsapp.services.domain.privacy import retention

log = logging.getLogger(__name__)
MAX_BATCHES = 100_000  # a guard against a rule that never runs out of rows


@dataclass(frozen=True)
class OrgRetention:
    organisation_id: int
    counts: retention.RetentionCounts


def retention_daily() -> None:
    """RQ entry point: run once a day (the worker schedules it)."""
    run_retention(current_runtime())


def run_retention(
    runtime: Runtime, *, batch_size: int = retention.DEFAULT_BATCH_SIZE
) -> list[OrgRetention]:
    """Apply retention to every organisation; each batch is its own transaction."""
    now = runtime.now()
    with runtime.session() as session:
        org_ids = list(session.scalars(select(Organisation.id).order_by(Organisation.id)))
    return [_run_org(runtime, org_id, now, batch_size) for org_id in org_ids]


def _run_org(runtime: Runtime, org_id: int, now: datetime, batch_size: int) -> OrgRetention:
    totals = retention.RetentionCounts()
    with runtime.session() as session:
        for _ in range(MAX_BATCHES):
            org = session.get(Organisation, org_id)
            if org is None:
                break
            counts = retention.prune_batch(session, org, now, batch_size)
            session.commit()
            totals.add(counts)
            if counts.total == 0:
                break
        org = session.get(Organisation, org_id)
        if org is not None:
            retention.record_run(session, org, totals, now)
            session.commit()
    log.info("retention.done", extra={"count": totals.total, "rows": totals.summary()})
    return OrgRetention(org_id, totals)
