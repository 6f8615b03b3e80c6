"""The package's import graph: no cycles, and every import runs downward through the layers.

Imports inside functions count (they are still dependencies); imports under
`if TYPE_CHECKING:` do not (they never run). docs/ARCHITECTURE.md explains the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "smsapp"

# Lowest first: a module may import its own layer (without cycles) and anything lower.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "smsapp.config", "smsapp.clock", "smsapp.db", "smsapp.db_types", "smsapp.crypto",
            "smsapp.phones", "smsapp.logging_setup", "smsapp.models", "smsapp.flows",
            "smsapp.transport", "smsapp.migrate",
        ),
    ),
    ("core services", ("smsapp.services.core",)),
    ("domain services", ("smsapp.services.domain", "smsapp.accounts")),
    ("conversation services", ("smsapp.services.conversation",)),
    ("wiring", ("smsapp.services.wiring", "smsapp.services")),
    ("runtime", ("smsapp.runtime", "smsapp.receive", "smsapp.sending")),
    ("jobs", ("smsapp.jobs",)),
    ("sandbox", ("smsapp.sandbox",)),
    ("web", ("smsapp.web",)),
    ("app", ("smsapp",)),
    ("entry points", ("smsapp.cli", "smsapp.commands", "smsapp.demo", "smsapp.testing")),
]  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement except those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank >= 0, f"{module} is in no layer: add it to LAYERS"
    return rank


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    """Tarjan: the modules on the stack down to `root` form one component."""
    component = []
    while True:
        w = stack.pop()
        on_stack.discard(w)
        component.append(w)
        if w == root:
            return component


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = _pop_component(stack, on_stack, v)
            if len(component) > 1:
                found.append(sorted(component))

    for vertex in sorted(graph):
        if vertex not in index:
            connect(vertex)
    return found


# Being taken apart by work in progress on main (issue 11: one send path; issue 14: crisis
# resources move below escalation). These lists only ever shrink; they end empty.
KNOWN_CYCLES: list[list[str]] = []
KNOWN_UPWARD: set[tuple[str, str]] = set()


def test_no_import_cycles():
    assert [c for c in _cycles(import_graph()) if c not in KNOWN_CYCLES] == []


def test_imports_only_run_down_the_layers():
    upward = [
        f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
        for a, targets in sorted(import_graph().items())
        for b in sorted(targets)
        if layer_of(a) < layer_of(b) and (a, b) not in KNOWN_UPWARD
    ]
    assert upward == []


def test_the_checks_see_function_level_imports():
    graph = import_graph()
    assert "smsapp.web" in graph["smsapp"]  # create_app imports the web package in a function
    assert layer_of("smsapp.services.domain.risk.screen") > layer_of("smsapp.services.core.outbox")


def test_every_flow_action_has_one_handler(app):
    from smsapp.flows import actions as act
    from smsapp.services.core import action_handlers

    handled_by_the_runner = {act.Send, act.StartFlow, act.End}
    every_action = set(act.Action.__args__)  # type: ignore[attr-defined]
    registered = set(action_handlers._HANDLERS)
    assert every_action - handled_by_the_runner == registered
