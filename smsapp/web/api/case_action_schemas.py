"""Request and response models of the case page's actions in the API: a message to the
member, a bridged call, passing the case to a colleague."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from smsapp.services.domain.reach.conversation import MAX_REPLY
from smsapp.web.api.escalation_schemas import PersonOut
from smsapp.web.api.schemas import CaseOut
from smsapp.web.api.setup_schemas import _Setup
from smsapp.web.hardening import MAX_ID


class CaseMessageIn(_Setup):
    body: str = Field(
        min_length=1,
        max_length=MAX_REPLY,
        description="the words for the member; sent from the organisation's number and "
        "signed with your first name",
    )


class CaseMessageOut(BaseModel):
    """The message as the case keeps it (its words are not repeated here)."""

    id: int
    case_id: int
    at: datetime
    direction: str = Field(description="to_member")
    channel: str = Field(description="api")
    status: str = Field(description="the text's status, e.g. 'queued'")


class CaseCallOut(BaseModel):
    """The bridged call: Twilio rings your phone, and pressing 1 connects the member."""

    id: int
    case_id: int
    status: str = Field(description="the call's status, e.g. 'queued'")
    created_at: datetime


class HandOverIn(_Setup):
    user_id: int = Field(ge=1, le=MAX_ID, description="the colleague who takes the case")


class HandOverOut(BaseModel):
    case: CaseOut
    taken_by: PersonOut = Field(description="who has the case (and its conversation) now")
