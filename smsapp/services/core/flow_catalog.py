"""Which flow definition a member gets: a group's published version, else the built-in."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.flows.loader import load_builtin, parse_flow
from smsapp.flows.schema import FlowDefinition
from smsapp.models import FlowVersion, GroupFlow
from smsapp.models.flows import FlowSource


@lru_cache(maxsize=256)
def _parsed(version_id: int, yaml_text: str) -> FlowDefinition:
    result = parse_flow(yaml_text)
    if result.flow is None:  # publishing refuses errors, so this is a corrupted row
        raise ValueError(f"published flow version {version_id} does not parse")
    return result.flow


def for_group(session: Session, group_id: int | None, flow_id: str) -> tuple[FlowDefinition, str]:
    """The definition to start now, and its source ('builtin' or 'org')."""
    if group_id is not None:
        version = session.scalar(
            select(FlowVersion)
            .join(GroupFlow, GroupFlow.flow_version_id == FlowVersion.id)
            .where(GroupFlow.group_id == group_id, GroupFlow.flow_id == flow_id)
        )
        if version is not None:
            return _parsed(version.id, version.yaml_text), FlowSource.ORG
    return load_builtin(flow_id), FlowSource.BUILTIN


def for_session(
    session: Session, organisation_id: int, flow_id: str, version: int, source: str
) -> FlowDefinition:
    """The exact definition a running session started on, even after newer publishes."""
    if source == FlowSource.BUILTIN:
        flow = load_builtin(flow_id)
        if flow.version == version:
            return flow
    row = session.scalar(
        select(FlowVersion).where(
            FlowVersion.organisation_id == organisation_id,
            FlowVersion.flow_id == flow_id,
            FlowVersion.version == version,
        )
    )
    if row is None:
        raise LookupError(f"flow {flow_id} v{version} is not available")
    return _parsed(row.id, row.yaml_text)
