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
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from smsapp.flows.schema import ANY_LANGUAGE

ALLOWED_VARIABLES = frozenset(
    {
        "member.first_name",
        "member.name",
        "member.language",
        "group.name",
        "group.code",
        "group.texts_per_week",
        "meeting.when",
        "meeting.location",
        "organisation.name",
        "organisation.help_contact",
        "organisation.program_name",
    }
)

MAX_OUTPUT = 1600  # Twilio's limit for one message body
# What a message may contain besides text: variables, if/else, and a few filters whose
# output is bounded by their input. No arithmetic, calls, loops or assignments, so no
# template can grow its output (`{{ 'x' * 10**8 }}`) or run for long.
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
    nodes.Filter,
)
ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d"})


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with every arithmetic operator refused at run time too (and so never
    folded into a constant at compile time) and no globals such as range or lipsum."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"'{operator}' is not allowed in messages")

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        raise SecurityError(f"'{operator}' is not allowed in messages")

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed in messages")


_ENV = _BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
_ENV.globals.clear()
_ENV.filters = {name: f for name, f in _ENV.filters.items() if name in ALLOWED_FILTERS}


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
    group={"name": "Tuesday Evening Circle", "code": "TUES", "texts_per_week": 9},
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
    unsupported = sorted(set(_unsupported(tree)))
    if unsupported:
        return [f"{what} is not allowed in messages" for what in unsupported]
    seen: list[str] = []
    for ref in _references(tree):
        if ref not in ALLOWED_VARIABLES and ref not in seen:
            seen.append(ref)
    return [f"unknown variable '{ref}'" for ref in seen]


def _unsupported(node: nodes.Node) -> Iterator[str]:
    if not isinstance(node, _ALLOWED_NODES):
        yield _describe(node)
    elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
        yield f"the filter '{node.name}'"
    for child in node.iter_child_nodes():
        yield from _unsupported(child)


def _describe(node: nodes.Node) -> str:
    operator = getattr(node, "operator", None)
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr) and operator:
        return f"'{operator}'"
    return f"'{type(node).__name__.lower()}'"


@lru_cache(maxsize=512)
def _compile(source: str) -> Any:
    return _ENV.from_string(source)


def render(source: str, ctx: RenderContext) -> str:
    """Render one template; raise RenderError when it fails (never a blank)."""
    try:
        text = str(_compile(source).render(ctx.variables())).strip()
    except TemplateError as exc:
        raise RenderError(str(exc)) from exc
    if len(text) > MAX_OUTPUT:
        raise RenderError(f"the message is longer than {MAX_OUTPUT:,} characters")
    return text


def pick_text(text: Mapping[str, str], language: str, default_language: str) -> str:
    """Choose the translation for `language`, else the flow default, else any."""
    for key in (language, language.split("-")[0], default_language, ANY_LANGUAGE):
        if key in text:
            return text[key]
    return next(iter(text.values()))


def render_text(text: Mapping[str, str], ctx: RenderContext, default_language: str = "en") -> str:
    """Pick the member's translation of `text` and render it."""
    return render(pick_text(text, ctx.language, default_language), ctx)
