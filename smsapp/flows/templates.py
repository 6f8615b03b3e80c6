"""Message templates: sandboxed Jinja2 with a fixed set of variables.

Coordinators write these texts, so they run in a sandbox, and a variable outside
the allowed list is a validation error at publish time instead of a blank in an
SMS. Rendering with a value missing at run time raises (StrictUndefined).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from smsapp.flows.schema import ANY_LANGUAGE

ALLOWED_VARIABLES = frozenset(
    {
        "member.first_name",
        "member.name",
        "member.language",
        "group.name",
        "group.code",
        "meeting.when",
        "meeting.location",
        "organisation.name",
        "organisation.help_contact",
        "organisation.program_name",
    }
)

_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)


class RenderError(Exception):
    """A template could not be rendered with the values given."""


@dataclass(frozen=True)
class RenderContext:
    """The member's language and the fields templates may use."""

    language: str = "en"
    member: Mapping[str, Any] = field(default_factory=dict)
    group: Mapping[str, Any] = field(default_factory=dict)
    meeting: Mapping[str, Any] = field(default_factory=dict)
    organisation: Mapping[str, Any] = field(default_factory=dict)

    def variables(self) -> dict[str, Mapping[str, Any]]:
        """The top-level template variables."""
        return {
            "member": dict(self.member),
            "group": dict(self.group),
            "meeting": dict(self.meeting),
            "organisation": dict(self.organisation),
        }


# Values long enough to make segment lints honest about real names and places.
SAMPLE_CONTEXT = RenderContext(
    language="en",
    member={"first_name": "Alexandra", "name": "Alexandra Martinez", "language": "en"},
    group={"name": "Tuesday Evening Circle", "code": "TUES"},
    meeting={"when": "Tue 12 Mar, 6:30 PM", "location": "Community Center, Room 2"},
    organisation={
        "name": "Riverside Peer Support",
        "help_contact": "555-0100",
        "program_name": "Riverside Check-ins",
    },
)


def _references(node: nodes.Node) -> Iterator[str]:
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        yield f"{node.node.name}.{node.attr}"
        return
    if isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name):
        arg = node.arg
        key = arg.value if isinstance(arg, nodes.Const) else "?"
        yield f"{node.node.name}.{key}"
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        yield node.name
        return
    for child in node.iter_child_nodes():
        yield from _references(child)


def template_errors(source: str) -> list[str]:
    """Problems with a template: syntax errors and variables outside the allowed list."""
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [f"template syntax error on line {exc.lineno}: {exc.message}"]
    seen: list[str] = []
    for ref in _references(tree):
        if ref not in ALLOWED_VARIABLES and ref not in seen:
            seen.append(ref)
    return [f"unknown variable '{ref}'" for ref in seen]


@lru_cache(maxsize=512)
def _compile(source: str) -> Any:
    return _ENV.from_string(source)


def render(source: str, ctx: RenderContext) -> str:
    """Render one template; raise RenderError when it fails (never a blank)."""
    try:
        return str(_compile(source).render(ctx.variables())).strip()
    except TemplateError as exc:
        raise RenderError(str(exc)) from exc


def pick_text(text: Mapping[str, str], language: str, default_language: str) -> str:
    """Choose the translation for `language`, else the flow default, else any."""
    for key in (language, language.split("-")[0], default_language, ANY_LANGUAGE):
        if key in text:
            return text[key]
    return next(iter(text.values()))


def render_text(text: Mapping[str, str], ctx: RenderContext, default_language: str = "en") -> str:
    """Pick the member's translation of `text` and render it."""
    return render(pick_text(text, ctx.language, default_language), ctx)
