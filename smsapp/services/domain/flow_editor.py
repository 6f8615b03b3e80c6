"""The flow editor: an organisation's own copies of built-in flows, as versioned YAML.

A copy starts as a draft; saving a draft checks it (errors and lints with line numbers,
each message's segments and a preview for a sample member); publishing turns the draft
into a new immutable version, refused while errors remain. Old versions stay, so running
sessions finish on the version they started with, and any two versions can be diffed.

The YAML's `version:` line is kept equal to the row's version number because running
sessions find their definition by that number (see flow_catalog.for_session).
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

import yaml
from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from smsapp.flows.lint import Issue, texts
from smsapp.flows.loader import (
    DEFINITIONS_DIR,
    _FlowYamlLoader,  # the loader's YAML rules (yes/no stay strings) must match exactly
    _line_of,
    builtin_ids,
    load_builtin,
    parse_flow,
)
from smsapp.flows.schema import FlowDefinition
from smsapp.flows.segments import segment_info
from smsapp.flows.templates import SAMPLE_CONTEXT, RenderError, render
from smsapp.models import FlowVersion, Group, GroupFlow, User
from smsapp.models.flows import FlowVersionStatus

log = logging.getLogger(__name__)
_VERSION_LINE = re.compile(r"^version:[^\n]*$", re.MULTILINE)
_ID_LINE = re.compile(r"^id:[^\n]*$", re.MULTILINE)
MAX_YAML_CHARS = 100_000


class PublishRefused(ValueError):
    """The draft still has errors; `issues` lists them."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"cannot publish: {len(issues)} error(s) remain")
        self.issues = issues


@dataclass(frozen=True)
class MessageInfo:
    """One message template: where it is, how it travels, and how it reads."""

    path: str
    line: int | None
    preview: str | None
    encoding: str | None = None
    segments: int | None = None
    chars: int | None = None
    ucs2_char: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Check:
    """Everything the editor shows about a YAML text."""

    issues: list[Issue] = field(default_factory=list)
    messages: list[MessageInfo] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SaveResult:
    version: FlowVersion
    check: Check


def check_yaml(yaml_text: str, flow_id: str | None = None) -> Check:
    """Validate and lint `yaml_text`, and describe each message (pure)."""
    if len(yaml_text) > MAX_YAML_CHARS:
        return Check([Issue("", f"a flow may be at most {MAX_YAML_CHARS} characters", "error")])
    result = parse_flow(yaml_text)
    issues = list(result.issues)
    definition = result.flow or _schema_only(yaml_text)
    if flow_id is not None and definition is not None and definition.id != flow_id:
        line = _first_line(_ID_LINE, yaml_text)
        issues.insert(0, Issue("id", f"the id must stay '{flow_id}'", "error", line))
    messages = _messages(yaml_text, definition) if definition is not None else []
    return Check(issues, messages)


def _schema_only(yaml_text: str) -> FlowDefinition | None:
    # A flow with lint errors (say, an unknown node) still has messages worth previewing.
    try:
        data = yaml.load(yaml_text, Loader=_FlowYamlLoader)  # a SafeLoader subclass
        return FlowDefinition.model_validate(data)
    except (yaml.YAMLError, ValidationError):
        return None


def _first_line(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _messages(yaml_text: str, flow: FlowDefinition) -> list[MessageInfo]:
    root = yaml.compose(yaml_text, Loader=_FlowYamlLoader)
    found = []
    for path, source in texts(flow):
        line = _line_of(root, path)
        try:
            preview = render(source, SAMPLE_CONTEXT)
        except RenderError as exc:
            found.append(MessageInfo(path, line, None, error=str(exc)))
            continue
        info = segment_info(preview)
        found.append(
            MessageInfo(
                path, line, preview, info.encoding, info.segments, info.chars, info.ucs2_char
            )
        )
    return found


def with_version(yaml_text: str, version: int) -> str:
    """`yaml_text` with its top-level `version:` set to `version` (added after `id:` if absent)."""
    line = f"version: {version}"
    if _VERSION_LINE.search(yaml_text):
        return _VERSION_LINE.sub(line, yaml_text, count=1)
    match = _ID_LINE.search(yaml_text)
    if match is None:
        return f"{line}\n{yaml_text}"
    return f"{yaml_text[: match.end()]}\n{line}{yaml_text[match.end() :]}"


def builtin_yaml(flow_id: str) -> str:
    """The YAML text of a built-in flow (KeyError for an unknown id)."""
    if flow_id not in builtin_ids():
        raise KeyError(f"no built-in flow {flow_id!r}")
    return (DEFINITIONS_DIR / f"{flow_id}.yaml").read_text(encoding="utf-8")


def versions(session: Session, organisation_id: int, flow_id: str) -> list[FlowVersion]:
    """Every version of an organisation's flow, newest first (drafts included)."""
    return list(
        session.scalars(
            select(FlowVersion)
            .where(FlowVersion.organisation_id == organisation_id, FlowVersion.flow_id == flow_id)
            .order_by(FlowVersion.version.desc())
        )
    )


def get_version(session: Session, organisation_id: int, flow_id: str, version: int) -> FlowVersion:
    """One version of an organisation's flow (LookupError when it has none such)."""
    row = session.scalar(
        select(FlowVersion).where(
            FlowVersion.organisation_id == organisation_id,
            FlowVersion.flow_id == flow_id,
            FlowVersion.version == version,
        )
    )
    if row is None:
        raise LookupError(f"flow {flow_id} has no version {version}")
    return row


def draft_of(session: Session, organisation_id: int, flow_id: str) -> FlowVersion | None:
    """The organisation's open draft of a flow, if any (there is at most one)."""
    return session.scalar(
        select(FlowVersion).where(
            FlowVersion.organisation_id == organisation_id,
            FlowVersion.flow_id == flow_id,
            FlowVersion.status == FlowVersionStatus.DRAFT,
        )
    )


def latest_published(session: Session, organisation_id: int, flow_id: str) -> FlowVersion | None:
    """The newest published version of an organisation's flow."""
    return next(
        (
            v
            for v in versions(session, organisation_id, flow_id)
            if v.status == FlowVersionStatus.PUBLISHED
        ),
        None,
    )


def editable_flow_ids(session: Session, organisation_id: int) -> list[str]:
    """Built-in flows plus any flow the organisation already has versions of."""
    own = session.scalars(
        select(FlowVersion.flow_id).where(FlowVersion.organisation_id == organisation_id).distinct()
    )
    return sorted(set(builtin_ids()) | set(own))


def _next_version(session: Session, organisation_id: int, flow_id: str) -> int:
    highest = session.scalar(
        select(func.max(FlowVersion.version)).where(
            FlowVersion.organisation_id == organisation_id, FlowVersion.flow_id == flow_id
        )
    )
    # Start above the built-in's number so "v2" never means two different texts.
    builtin = load_builtin(flow_id).version if flow_id in builtin_ids() else 0
    return max(highest or 0, builtin) + 1


def copy_builtin(
    session: Session, organisation_id: int, flow_id: str, user: User | None, now: datetime
) -> FlowVersion:
    """Start an organisation draft from a built-in flow (returns the open draft if any)."""
    existing = draft_of(session, organisation_id, flow_id)
    if existing is not None:
        return existing
    return save_draft(session, organisation_id, flow_id, builtin_yaml(flow_id), user, now).version


def save_draft(
    session: Session,
    organisation_id: int,
    flow_id: str,
    yaml_text: str,
    user: User | None,
    now: datetime,
) -> SaveResult:
    """Store `yaml_text` as the flow's draft (even with errors) and report what is wrong."""
    draft = draft_of(session, organisation_id, flow_id)
    if draft is None:
        draft = FlowVersion(
            organisation_id=organisation_id,
            flow_id=flow_id,
            version=_next_version(session, organisation_id, flow_id),
            status=FlowVersionStatus.DRAFT,
            created_at=now,
            yaml_text="",
        )
        session.add(draft)
    draft.yaml_text = with_version(yaml_text.replace("\r\n", "\n"), draft.version)
    draft.created_by = user.id if user else None
    session.flush()
    return SaveResult(draft, check_yaml(draft.yaml_text, flow_id))


def publish(
    session: Session, organisation_id: int, flow_id: str, user: User | None, now: datetime
) -> FlowVersion:
    """Publish the draft as a new version; PublishRefused while it has errors."""
    draft = draft_of(session, organisation_id, flow_id)
    if draft is None:
        raise LookupError(f"flow {flow_id} has no draft to publish")
    errors = check_yaml(draft.yaml_text, flow_id).errors
    if errors:
        raise PublishRefused(errors)
    draft.status = FlowVersionStatus.PUBLISHED
    draft.published_at = now
    if user is not None:
        draft.created_by = user.id
    session.flush()
    log.info("flow.published", extra={"flow_id": flow_id, "count": draft.version})
    return draft


def diff(session: Session, organisation_id: int, flow_id: str, old: int, new: int) -> list[str]:
    """Unified diff lines from version `old` to version `new` (0 means the built-in)."""
    before = _text_of(session, organisation_id, flow_id, old)
    after = _text_of(session, organisation_id, flow_id, new)
    return list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=_label(flow_id, old),
            tofile=_label(flow_id, new),
            lineterm="",
        )
    )


def _label(flow_id: str, version: int) -> str:
    return f"{flow_id} (built-in)" if version == 0 else f"{flow_id} v{version}"


def _text_of(session: Session, organisation_id: int, flow_id: str, version: int) -> str:
    if version == 0:
        return builtin_yaml(flow_id)
    return get_version(session, organisation_id, flow_id, version).yaml_text


def assigned_version(session: Session, group_id: int, flow_id: str) -> FlowVersion | None:
    """The published version a group uses for `flow_id`, None for the built-in."""
    return session.scalar(
        select(FlowVersion)
        .join(GroupFlow, GroupFlow.flow_version_id == FlowVersion.id)
        .where(GroupFlow.group_id == group_id, GroupFlow.flow_id == flow_id)
    )


def use_for_group(
    session: Session, group: Group, flow_id: str, version: int | None
) -> GroupFlow | None:
    """Make `group` start `flow_id` at a published `version` (None: back to the built-in).

    Members already inside a session keep the version they started on.
    """
    row = None
    if version is not None:
        row = get_version(session, group.organisation_id, flow_id, version)
        if row.status != FlowVersionStatus.PUBLISHED:
            raise ValueError(f"{flow_id} v{version} is a draft: publish it first")
    session.execute(
        delete(GroupFlow).where(GroupFlow.group_id == group.id, GroupFlow.flow_id == flow_id)
    )
    if row is None:
        return None
    link = GroupFlow(group_id=group.id, flow_id=flow_id, flow_version_id=row.id)
    session.add(link)
    session.flush()
    log.info("flow.assigned", extra={"flow_id": flow_id, "group_id": group.id})
    return link


def try_draft(session: Session, sandbox_group: Group, flow_id: str) -> FlowVersion:
    """Let the phone simulator's group start `flow_id` with the organisation's draft,
    before anyone else gets it. Refused (ValueError) for a real group or a draft with
    errors; LookupError when there is no draft. Publishing later changes nothing here."""
    if not sandbox_group.sandbox:
        raise ValueError("only the simulator's group can try a draft")
    draft = draft_of(session, sandbox_group.organisation_id, flow_id)
    if draft is None:
        raise LookupError(f"flow {flow_id} has no draft to try")
    if check_yaml(draft.yaml_text, flow_id).errors:
        raise ValueError("the draft has errors: fix them first")
    session.execute(
        delete(GroupFlow).where(
            GroupFlow.group_id == sandbox_group.id, GroupFlow.flow_id == flow_id
        )
    )
    session.add(GroupFlow(group_id=sandbox_group.id, flow_id=flow_id, flow_version_id=draft.id))
    session.flush()
    return draft


def check_as_dict(check: Check) -> dict[str, object]:
    """What the editor's live preview redraws: the issues and each message's preview."""
    return {
        "issues": [
            {"severity": i.severity, "line": i.line, "path": i.path, "message": i.message}
            for i in check.issues
        ],
        "messages": [
            {
                "path": m.path,
                "line": m.line,
                "preview": m.preview,
                "error": m.error,
                "segments": m.segments,
                "encoding": m.encoding,
                "chars": m.chars,
                "ucs2_char": m.ucs2_char,
            }
            for m in check.messages
        ],
        "errors": len(check.errors),
    }
