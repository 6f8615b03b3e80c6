"""POST /members and POST /members/import (coordinators only)."""

from __future__ import annotations

from flask import abort
from sqlalchemy.exc import IntegrityError

from smsapp.models import Group, User
from smsapp.services.domain import members as members_service
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.groups import member_out
from smsapp.web.api.schemas import ImportIn, ImportOut, MemberIn, MemberOut, RowProblemOut
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime

_TAKEN = "a member with this phone number already exists"


@api_bp.post("/members")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_201=MemberOut), tags=["members"])
def create_member(json: MemberIn) -> tuple[MemberOut, int]:
    """Add a member (coordinators); they stay pending until they reply YES to the invite."""
    session, user = auth.db(), auth.current_user()
    group = access.group_or_404(session, user, json.group_id)
    access.require_coordinator(user)
    data = members_service.MemberInput(
        name=json.name or "", phone=json.phone, group=group, language=json.language
    )
    try:
        member = members_service.add_member(session, data, runtime().now())
    except members_service.MemberError as exc:
        abort(409 if exc.field == "phone" and "already" in str(exc) else 400, str(exc))
    except IntegrityError:  # a concurrent insert of the same number
        session.rollback()
        abort(409, _TAKEN)
    access.audit_view(session, user, "change_member", ("member", member.id))
    session.commit()
    return member_out(member), 201


def _default_group(user: User, group_id: int | None) -> Group | None:
    # The group is checked before the role, so an outsider gets the same 404 as for
    # an id nobody has, and a facilitator of that group a 403.
    group = access.group_or_404(auth.db(), user, group_id) if group_id is not None else None
    access.require_coordinator(user)
    return group


@api_bp.post("/members/import")
@api_spec.validate(resp=answers(400, 403, 404, HTTP_200=ImportOut), tags=["members"])
def import_members(json: ImportIn) -> ImportOut:
    """Add a member per good CSV row; every rejected row is reported with its line and why.

    One transaction: the good rows are added together, or (on a crash) none are.
    """
    session, user = auth.db(), auth.current_user()
    default_group = _default_group(user, json.group_id)
    report = members_service.import_csv(
        session,
        # Lone surrogates become bytes that are not UTF-8: their rows are reported as such.
        json.csv.encode("utf-8", errors="surrogatepass"),
        access.visible_groups(session, user),
        runtime().now(),
        region=json.region.upper(),
        default_group=default_group,
    )
    result = ImportOut(
        added=[member_out(m) for m in report.added],
        rejected=[RowProblemOut(row=p.row, reason=p.reason) for p in report.rejected],
    )
    detail = f"api added={len(report.added)} rejected={len(report.rejected)}"
    access.audit_view(session, user, "import_members", ("group", json.group_id), detail)
    session.commit()
    return result
