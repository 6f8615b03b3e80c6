"""All models, imported so metadata is complete for Alembic and create_all."""

from smsapp.models.announcements import Announcement, AnnouncementCopy
from smsapp.models.api_tokens import ApiToken
from smsapp.models.audit import AuditEntry
from smsapp.models.calls import Call, CaseMessage
from smsapp.models.checkins import MoodScore
from smsapp.models.consent import ConsentRecord
from smsapp.models.escalations import Case, CaseEvent, PolicyLevel
from smsapp.models.flows import FlowSession, FlowVersion, GroupFlow
from smsapp.models.meetings import MeetingException, MeetingSeries, Rsvp
from smsapp.models.members import Member
from smsapp.models.messages import InboundMessage, OutboxMessage
from smsapp.models.oncall import OnCallOverride, OnCallShift
from smsapp.models.organisations import Group, Organisation, SendingNumber
from smsapp.models.timers import Timer
from smsapp.models.users import AccountLink, LoginSession, User, group_facilitators

__all__ = [
    "Announcement",
    "AnnouncementCopy",
    "ApiToken",
    "AuditEntry",
    "Call",
    "Case",
    "CaseEvent",
    "CaseMessage",
    "ConsentRecord",
    "FlowSession",
    "FlowVersion",
    "Group",
    "GroupFlow",
    "InboundMessage",
    "MeetingException",
    "MeetingSeries",
    "Member",
    "MoodScore",
    "OnCallOverride",
    "OnCallShift",
    "Organisation",
    "OutboxMessage",
    "PolicyLevel",
    "Rsvp",
    "SendingNumber",
    "Timer",
    "AccountLink",
    "LoginSession",
    "User",
    "group_facilitators",
]
