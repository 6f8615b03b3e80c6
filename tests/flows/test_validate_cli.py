"""`smsapp flows validate` (through smsapp.cli.main) catches each lint and sets the exit."""

from __future__ import annotations

import textwrap

import pytest

from smsapp.cli import main

HEAD = "id: t\nname: T\nversion: 1\nstart: ask\nnodes:\n"


def _validate(tmp_path, capsys, nodes: str) -> tuple[int, str]:
    path = tmp_path / "flow.yaml"
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(nodes), "  "), encoding="utf-8")
    code = main(["flows", "validate", str(path)])
    return code, capsys.readouterr().out


ASK = """\
ask:
  message: How are you? Reply 1-5
  wait:
    timeout: 1h
    routes:
      - {type: number, min: 3, max: 5, to: done}
"""


def test_unknown_node_is_an_error_with_the_exact_path(tmp_path, capsys):
    nodes = ASK + "      - {type: any, to: lw}\ndone: {message: Thanks}\n"
    code, out = _validate(tmp_path, capsys, nodes)
    assert code == 1
    assert "error: nodes.ask.wait.routes[1]: unknown node 'lw'" in out
    assert "flow.yaml:12:" in out  # the line of that route in the file


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        (
            ASK + "done: {message: Thanks}\norphan: {message: Nobody}\n",
            "warning: nodes.orphan: unreachable node: no route leads here",
        ),
        (
            "ask:\n  message: Hi\n  wait:\n    routes:\n      - {type: any, to: done}\n"
            "done: {message: Thanks}\n",
            "warning: nodes.ask.wait: wait has no timeout: the session never closes",
        ),
        (
            "ask:\n  message: Hi\n  wait:\n    timeout: 1h\n    routes:\n"
            "      - {type: any, to: again}\nagain:\n  message: Again\n  wait:\n    timeout: 1h\n"
            "    routes:\n      - {type: any, to: ask}\n",
            "loop with no exit: the flow never ends",
        ),
        (
            ASK + "      - {type: number, min: 1, max: 2, to: done}\ndone: {message: Thanks}\n",
            "warning: nodes.ask.wait.routes[1]: low-mood route to 'done' "
            "neither escalates nor offers TALK",
        ),
        (
            ASK + "      - {type: number, min: 1, max: 5, below_baseline: 2, to: done}\n"
            "done: {message: Thanks}\n",
            "warning: nodes.ask.wait.routes[1]: low-mood route to 'done'",
        ),
        (
            ASK + 'done: {message: "Thanks \u2019so much\u2019"}\n',
            "warning: nodes.done.message: UCS-2 encoding forced by '\u2019' (U+2019)",
        ),
        (
            ASK + "done: {message: " + "x" * 170 + "}\n",
            "warning: nodes.done.message: 2 SMS segments (GSM-7, 170 chars)",
        ),
    ],
    ids=["unreachable", "no-timeout", "loop", "low-mood", "baseline-drop", "ucs2", "segments"],
)
def test_each_warning_is_printed_and_warnings_alone_exit_0(tmp_path, capsys, nodes, expected):
    code, out = _validate(tmp_path, capsys, nodes)
    assert expected in out
    assert code == 0


def test_a_loop_with_no_wait_and_no_exit_is_an_error(tmp_path, capsys):
    nodes = "ask: {message: A, next: again}\nagain: {message: B, next: ask}\n"
    code, out = _validate(tmp_path, capsys, nodes)
    assert "error: nodes.ask: loop with no wait and no exit" in out
    assert code == 1


def test_a_clean_flow_prints_ok(tmp_path, capsys):
    code, out = _validate(tmp_path, capsys, ASK + "done: {message: Thanks}\n")
    assert code == 0 and out.strip().endswith("flow.yaml: ok")
