"""Response and request models of the flow library in the API: the organisation's flows,
their versions, and which version each group starts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from smsapp.web.api.schemas import FlowCheckOut, _Body
from smsapp.web.hardening import MAX_ID


class FlowVersionInfo(BaseModel):
    version: int
    status: str = Field(description="draft or published")
    created_at: datetime
    published_at: datetime | None


class FlowSummaryOut(BaseModel):
    flow_id: str
    builtin: bool = Field(description="true for a flow that ships with smsapp")
    draft: FlowVersionInfo | None = Field(description="the open draft, if any")
    published: FlowVersionInfo | None = Field(description="the newest published version")


class FlowList(BaseModel):
    flows: list[FlowSummaryOut]


class GroupFlowOut(BaseModel):
    group_id: int
    group_name: str
    version: int | None = Field(description="the published version it starts; null: built-in")


class FlowDetailOut(BaseModel):
    """What the flow editor opens: the text (the draft, else the newest published
    version, else the built-in), its check, every version, and each group's choice."""

    flow_id: str
    builtin: bool
    yaml: str
    check: FlowCheckOut
    versions: list[FlowVersionInfo] = Field(description="newest first, drafts included")
    groups: list[GroupFlowOut]


class FlowAssignIn(_Body):
    group_id: int = Field(ge=1, le=MAX_ID)
    version: int | None = Field(
        ge=1, le=MAX_ID, description="a published version; null: back to the built-in flow"
    )


class FlowAssignOut(BaseModel):
    flow_id: str
    group_id: int
    version: int | None = Field(description="null: the built-in flow")
