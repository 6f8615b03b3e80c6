"""Loading flow definitions from YAML, with precise paths and line numbers.

`parse_flow` is the one gate a definition passes before it can reach members:
YAML syntax, the schema, references and templates are all checked, and a flow
with any error comes back as None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from smsapp.flows.lint import Issue, lint, with_line
from smsapp.flows.schema import FlowDefinition

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class _FlowYamlLoader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans.

    YAML 1.1 reads `yes`, `no`, `on`, `off` as booleans, which would turn the
    choice names every flow uses into True/False.
    """


_FlowYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FlowYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class ParseResult:
    """A validated flow (None when there are errors) and every issue found."""

    flow: FlowDefinition | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Only the issues that block the flow."""
        return [issue for issue in self.issues if issue.severity == "error"]


def _line_of(root: yaml.Node | None, path: str) -> int | None:
    """The 1-based line of `path` (e.g. `nodes.ask.wait.routes[1]`) in a composed YAML tree."""
    node, line = root, (root.start_mark.line + 1) if root else None
    for key, index in _PATH_PART.findall(path):
        if isinstance(node, yaml.MappingNode) and key:
            match = next((kv for kv in node.value if kv[0].value == key), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _is_union_tag(node: yaml.MappingNode, seg: str) -> bool:
    return any(k.value == "type" and getattr(v, "value", None) == seg for k, v in node.value)


def _loc_to_path(root: yaml.Node | None, loc: tuple[int | str, ...]) -> str:
    # Pydantic puts the union tag (e.g. 'number') in the location; the YAML has no
    # such key, so a segment that is neither in the YAML nor last is dropped.
    parts: list[str] = []
    node = root
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
            ok = isinstance(node, yaml.SequenceNode) and seg < len(node.value)
            node = node.value[seg] if ok and node is not None else None
            continue
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == seg), None)
            if match is None and (not last or _is_union_tag(node, seg)):
                continue
            node = match[1] if match else None
        parts.append(f".{seg}")
    return "".join(parts).lstrip(".")


def _schema_issues(root: yaml.Node | None, exc: ValidationError) -> list[Issue]:
    issues = []
    for err in exc.errors(include_url=False):
        path = _loc_to_path(root, tuple(err["loc"]))
        message = err["msg"].removeprefix("Value error, ")
        issues.append(Issue(path, message, "error", _line_of(root, path)))
    return issues


def parse_flow(yaml_text: str) -> ParseResult:
    """Parse and validate a flow definition; issues include lint warnings, with lines."""
    try:
        root = yaml.compose(yaml_text, Loader=_FlowYamlLoader)
        data: Any = yaml.load(yaml_text, Loader=_FlowYamlLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return ParseResult(None, [Issue("", f"invalid YAML: {exc}", "error", line)])
    if not isinstance(data, dict):
        return ParseResult(None, [Issue("", "a flow must be a YAML mapping", "error", 1)])
    try:
        flow = FlowDefinition.model_validate(data)
    except ValidationError as exc:
        return ParseResult(None, _schema_issues(root, exc))
    issues = [with_line(issue, _line_of(root, issue.path)) for issue in lint(flow)]
    blocked = any(issue.severity == "error" for issue in issues)
    return ParseResult(None if blocked else flow, issues)


def validate_file(path: str | Path) -> list[Issue]:
    """Every issue in a flow file (schema, references, templates, lints), with lines."""
    return parse_flow(Path(path).read_text(encoding="utf-8")).issues


def builtin_ids() -> list[str]:
    """Ids of the flows shipped in smsapp/flows/definitions/."""
    return sorted(path.stem for path in DEFINITIONS_DIR.glob("*.yaml"))


@cache
def load_builtin(flow_id: str) -> FlowDefinition:
    """Load a built-in flow; a broken built-in is a bug, so it raises ValueError."""
    path = DEFINITIONS_DIR / f"{flow_id}.yaml"
    if flow_id not in builtin_ids():
        raise KeyError(f"no built-in flow {flow_id!r}")
    result = parse_flow(path.read_text(encoding="utf-8"))
    if result.flow is None:
        details = "; ".join(issue.format(path.name) for issue in result.errors)
        raise ValueError(f"built-in flow {flow_id!r} is invalid: {details}")
    if result.flow.id != flow_id:
        raise ValueError(f"{path.name} declares id {result.flow.id!r}")
    return result.flow
