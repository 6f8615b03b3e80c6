"""Checks on a parsed flow: broken references (errors) and risky shapes (warnings).

Paths name the place in the YAML (`nodes.ask.wait.routes[1]`); the loader adds
line numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from smsapp.flows.schema import (
    ANY_LANGUAGE,
    ChoiceRouter,
    EscalateSpec,
    FlowDefinition,
    Node,
    NumberRouter,
)
from smsapp.flows.segments import segment_info
from smsapp.flows.templates import SAMPLE_CONTEXT, RenderError, render, template_errors

Severity = Literal["error", "warning"]
LOW_MOOD_MAX = 2


@dataclass(frozen=True)
class Issue:
    """One finding about a flow definition."""

    path: str
    message: str
    severity: Severity = "error"
    line: int | None = None

    def format(self, filename: str = "") -> str:
        """`file:line: severity: path: message`, as `smsapp flows validate` prints it."""
        where = filename
        if self.line:
            where = f"{filename}:{self.line}" if filename else f"line {self.line}"
        prefix = f"{where}: " if where else ""
        path = f"{self.path}: " if self.path else ""
        return f"{prefix}{self.severity}: {path}{self.message}"


@dataclass(frozen=True)
class Edge:
    path: str
    source: str
    target: str
    kind: Literal["next", "route", "timeout", "give_up"]


def edges(flow: FlowDefinition) -> Iterator[Edge]:
    """Every reference from one node to another, with its path."""
    for node_id, node in flow.nodes.items():
        base = f"nodes.{node_id}"
        if node.next:
            yield Edge(f"{base}.next", node_id, node.next, "next")
        if node.wait is None:
            continue
        wait = node.wait
        for i, router in enumerate(wait.routes):
            rpath = f"{base}.wait.routes[{i}]"
            if isinstance(router, ChoiceRouter):
                for name, target in router.routes.items():
                    yield Edge(f"{rpath}.routes.{name}", node_id, target, "route")
            else:
                yield Edge(rpath, node_id, router.to, "route")
        if wait.timeout_route:
            yield Edge(f"{base}.wait.timeout_route", node_id, wait.timeout_route, "timeout")
        if wait.give_up_route:
            yield Edge(f"{base}.wait.give_up_route", node_id, wait.give_up_route, "give_up")


def texts(flow: FlowDefinition) -> Iterator[tuple[str, str]]:
    """Every message template with its path (`nodes.ask.message.en`)."""
    for node_id, node in flow.nodes.items():
        items = [("message", node.message)]
        if node.wait is not None:
            items.append(("wait.reprompt", node.wait.reprompt))
        for name, text in items:
            for lang, source in (text or {}).items():
                suffix = "" if lang == ANY_LANGUAGE else f".{lang}"
                yield f"nodes.{node_id}.{name}{suffix}", source


def _reference_errors(flow: FlowDefinition) -> list[Issue]:
    found = []
    if flow.start not in flow.nodes:
        found.append(Issue("start", f"unknown node '{flow.start}'"))
    for edge in edges(flow):
        if edge.target not in flow.nodes:
            found.append(Issue(edge.path, f"unknown node '{edge.target}'"))
    return found


def _template_issues(flow: FlowDefinition) -> list[Issue]:
    return [Issue(path, msg) for path, source in texts(flow) for msg in template_errors(source)]


def _graph(flow: FlowDefinition) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {node_id: [] for node_id in flow.nodes}
    for edge in edges(flow):
        if edge.target in flow.nodes:
            graph[edge.source].append(edge.target)
    return graph


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node in seen or node not in graph:
            continue
        seen.add(node)
        todo.extend(graph[node])
    return seen


def _unreachable(flow: FlowDefinition) -> list[Issue]:
    seen = _reachable(_graph(flow), flow.start)
    return [
        Issue(f"nodes.{node_id}", "unreachable node: no route leads here", "warning")
        for node_id in flow.nodes
        if node_id not in seen
    ]


def _missing_timeouts(flow: FlowDefinition) -> list[Issue]:
    return [
        Issue(f"nodes.{node_id}.wait", "wait has no timeout: the session never closes", "warning")
        for node_id, node in flow.nodes.items()
        if node.wait is not None and node.wait.timeout is None
    ]


def _is_exit(node: Node) -> bool:
    ends = any(spec.type == "end" for spec in node.actions)
    return ends or (node.wait is None and node.next is None)


def _loops(flow: FlowDefinition) -> list[Issue]:
    """Cycles of nodes from which no path reaches an end."""
    graph = _graph(flow)
    found, reported = [], set()
    for node_id in flow.nodes:
        reach = frozenset(_reachable(graph, node_id))
        in_cycle = any(node_id in graph[other] for other in reach)
        if not in_cycle or reach in reported or any(_is_exit(flow.nodes[o]) for o in reach):
            continue
        reported.add(reach)  # one finding per closed loop, not one per node in it
        waits = any(flow.nodes[other].wait is not None for other in reach)
        if not waits:
            found.append(Issue(f"nodes.{node_id}", "loop with no wait and no exit", "error"))
        else:
            found.append(
                Issue(f"nodes.{node_id}", "loop with no exit: the flow never ends", "warning")
            )
    return found


def _offers_help(flow: FlowDefinition, node_id: str) -> bool:
    seen: set[str] = set()
    current: str | None = node_id
    while current in flow.nodes and current not in seen:
        seen.add(current)
        node = flow.nodes[current]
        if any(isinstance(spec, EscalateSpec) for spec in node.actions):
            return True
        if any("TALK" in text for text in (node.message or {}).values()):
            return True
        current = node.next
    return False


def _low_mood(flow: FlowDefinition) -> list[Issue]:
    found = []
    for node_id, node in flow.nodes.items():
        for i, router in enumerate(node.wait.routes if node.wait else []):
            if not isinstance(router, NumberRouter):
                continue
            if router.min > LOW_MOOD_MAX and router.below_baseline is None:
                continue
            if router.to in flow.nodes and not _offers_help(flow, router.to):
                found.append(
                    Issue(
                        f"nodes.{node_id}.wait.routes[{i}]",
                        f"low-mood route to '{router.to}' neither escalates nor offers TALK",
                        "warning",
                    )
                )
    return found


def _segments(flow: FlowDefinition) -> list[Issue]:
    found = []
    for path, source in texts(flow):
        try:
            info = segment_info(render(source, SAMPLE_CONTEXT))
        except RenderError:
            continue  # already reported as a template error
        if info.ucs2_char is not None:
            char = info.ucs2_char
            found.append(
                Issue(
                    path,
                    f"UCS-2 encoding forced by {char!r} (U+{ord(char):04X}): "
                    f"{info.segments} segment(s), {info.chars} chars",
                    "warning",
                )
            )
        elif info.segments > 1:
            msg = f"{info.segments} SMS segments (GSM-7, {info.chars} chars)"
            found.append(Issue(path, msg, "warning"))
    return found


def lint(flow: FlowDefinition) -> list[Issue]:
    """All findings for a flow: errors first, then warnings, each in definition order."""
    errors = _reference_errors(flow) + _template_issues(flow)
    found = errors + _loops(flow) + _unreachable(flow) + _missing_timeouts(flow)
    found += _low_mood(flow) + _segments(flow)
    return sorted(found, key=lambda issue: issue.severity != "error")


def with_line(issue: Issue, line: int | None) -> Issue:
    """The same issue with its YAML line."""
    return replace(issue, line=line)
