"""Coordinators manage members: add, edit, invite by SMS, and import a CSV.

Numbers are stored in E.164. An import adds the good rows and reports each bad one
(row number and why); the caller commits once, so a crash leaves nothing half-imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Group, Member
from smsapp.models.members import UNREACHABLE, MemberStatus
from smsapp.phones import InvalidPhone, normalise_phone
from smsapp.services.core import consent, directory
from smsapp.services.domain.schedule import validate_tz

LANGUAGES = ("en", "es")
REQUIRED_COLUMNS = ("name", "phone")
MAX_ROWS = 5000
UNREADABLE = "this line cannot be read as CSV (a field far too long, or a NUL byte)"
NO_INVITE_STATUSES = (MemberStatus.ACTIVE, *UNREACHABLE)


class MemberError(ValueError):
    """A member change refused; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class MemberInput:
    name: str
    phone: str
    group: Group
    language: str = "en"
    region: str = "US"
    tz: str = ""  # a member who lives elsewhere; the group's zone when empty


@dataclass
class RowProblem:
    row: int  # the line in the file, header = 1
    reason: str


@dataclass
class ImportReport:
    added: list[Member] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)


def add_member(session: Session, data: MemberInput, now: datetime) -> Member:
    """A new pending member of `data.group` (they join by answering the invite).

    The name may be empty (the member can give it later); the number must be new to the
    organisation. Console, API, CLI and the CSV import all add members here.
    """
    phone = _phone(data)
    _check(data)
    if _existing(session, data.group.organisation_id, phone) is not None:
        raise MemberError("a member with this phone number already exists", "phone")
    member = Member(
        organisation_id=data.group.organisation_id,
        group_id=data.group.id,
        name=data.name.strip() or None,
        language=data.language,
        tz=_zone(data),
        status=MemberStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, phone)
    session.add(member)
    session.flush()
    return member


def add_by_operator(session: Session, data: MemberInput, now: datetime) -> Member:
    """An active member added by the server's operator, who collected their consent."""
    member = add_member(session, data, now)
    consent.record_opt_in(
        session,
        member,
        now,
        method="operator",
        disclosure="added by an operator with the member's consent",
        version="operator",
    )
    return member


def edit_member(session: Session, member: Member, data: MemberInput, now: datetime) -> Member:
    """Change name, number, group or language; the number stays unique in the organisation."""
    phone = _phone(data)
    _check(data)
    other = _existing(session, member.organisation_id, phone)
    if other is not None and other.id != member.id:
        raise MemberError("another member has this phone number", "phone")
    if data.group.organisation_id != member.organisation_id:
        raise MemberError("unknown group", "group_id")
    member.name = data.name.strip()
    member.language = data.language
    if member.group_id != data.group.id:
        member.group_id = data.group.id
        member.tz = data.group.tz
    directory.set_member_phone(member, phone)
    member.updated_at = now
    return member


def decline_join(session: Session, member: Member) -> None:
    """A coordinator turns down a join request: the request (a number and nothing else)
    is removed, and nothing is texted."""
    if member.status != MemberStatus.AWAITING_APPROVAL:
        raise MemberError("this person is not waiting for approval")
    session.delete(member)


def import_csv(
    session: Session,
    data: bytes,
    groups: list[Group],
    now: datetime,
    *,
    region: str = "US",
    default_group: Group | None = None,
) -> ImportReport:
    """Add a member per good row of a CSV (name, phone, group code, language).

    Rejected rows are reported with their line number and reason: a bad number, a
    duplicate (in the file or already a member), an unknown group, a missing value, or
    text that is not UTF-8. Missing columns reject the whole file.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig", errors="surrogateescape")))
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        report.rejected.append(RowProblem(1, UNREADABLE))
        return report
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if "group" not in header and default_group is None:
        missing.append("group")
    if missing:
        report.rejected.append(RowProblem(1, f"missing column(s): {', '.join(missing)}"))
        return report
    reader.fieldnames = header
    by_code = {g.code.upper(): g for g in groups}
    seen: set[str] = set()
    for line, row in _rows(reader, report):
        if line > MAX_ROWS + 1:
            report.rejected.append(RowProblem(line, f"more than {MAX_ROWS} rows; the rest skipped"))
            break
        try:
            member = _import_row(session, row, by_code, default_group, region, seen, now)
        except MemberError as exc:
            report.rejected.append(RowProblem(line, str(exc)))
            continue
        report.added.append(member)
    return report


def _rows(
    reader: csv.DictReader[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """The rows with their line numbers, until the file stops being readable CSV (a field
    over the csv module's 131,072-character limit, a NUL byte): that line is reported and
    the rest skipped."""
    line = 1
    while True:
        line += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            report.rejected.append(RowProblem(line, UNREADABLE + "; the rest skipped"))
            return
        yield line, row


def _import_row(
    session: Session,
    row: dict[str, str | None],
    by_code: dict[str, Group],
    default_group: Group | None,
    region: str,
    seen: set[str],
    now: datetime,
) -> Member:
    values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    if any(_not_utf8(v) for v in values.values()):
        raise MemberError("the row is not UTF-8 text (save the file as 'CSV UTF-8')")
    code = values.get("group", "").upper()
    group = by_code.get(code) if code else default_group
    if group is None:
        raise MemberError(f"unknown group code {code!r}" if code else "the group is missing")
    language = (values.get("language") or "en").lower()
    # An exported list marks cells that start like a formula ("+1…") with an apostrophe.
    phone = values.get("phone", "").removeprefix("'")
    data = MemberInput(values.get("name", "").removeprefix("'"), phone, group, language, region)
    if not data.name:  # a list of people carries their names; a blank is a mistake
        raise MemberError("the name is missing", "name")
    phone = _phone(data)
    if phone in seen:
        raise MemberError("duplicate: the same number appears earlier in the file")
    seen.add(phone)
    return add_member(session, data, now)


def _not_utf8(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _phone(data: MemberInput) -> str:
    try:
        return normalise_phone(data.phone, data.region)
    except InvalidPhone as exc:
        raise MemberError(str(exc), "phone") from None


def _zone(data: MemberInput) -> str:
    if not data.tz.strip():
        return data.group.tz
    try:
        return validate_tz(data.tz.strip())
    except ValueError as exc:
        raise MemberError(str(exc), "tz") from None


def _check(data: MemberInput) -> None:
    if len(data.name.strip()) > 120:
        raise MemberError("the name is too long (120 characters at most)", "name")
    if data.language not in LANGUAGES:
        raise MemberError(f"language must be one of {', '.join(LANGUAGES)}", "language")


def _existing(session: Session, organisation_id: int, e164: str) -> Member | None:
    return session.scalar(
        select(Member).where(
            Member.organisation_id == organisation_id,
            Member.phone_hash == directory.phone_hash(e164),
        )
    )


def count_in(session: Session, organisation_id: int) -> int:
    """How many members the organisation has."""
    query = select(func.count(Member.id)).where(Member.organisation_id == organisation_id)
    return int(session.scalar(query) or 0)
