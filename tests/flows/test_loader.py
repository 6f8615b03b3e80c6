import json
import textwrap

from smsapp.flows.loader import parse_flow, validate_file
from smsapp.flows.schema import SCHEMA_PATH, ChoiceRouter, json_schema

GOOD_TEMPLATE = textwrap.dedent(
    """\
    id: demo
    name: Demo
    version: 1
    start: ask
    expiry: 1d
    nodes:
      ask:
        message: "Are you in? Reply YES or NO"
        wait:
          timeout: 1h
          routes:
            {extra}- type: choice
              choices: {{yes: [Y], no: [N]}}
              routes: {{yes: done, no: done}}
      done:
        message: Thanks!
    """
)
EXTRA_INDENT = "\n        "


def flow_text(*extra_routes: str) -> str:
    """GOOD with routers inserted before the choice router (which moves down)."""
    return GOOD_TEMPLATE.format(extra="".join(f"{r}{EXTRA_INDENT}" for r in extra_routes))


GOOD = flow_text()


def errors(text):
    return [(i.path, i.message, i.line) for i in parse_flow(text).issues if i.severity == "error"]


def test_a_valid_flow_parses_without_issues():
    result = parse_flow(GOOD)
    assert result.issues == []
    assert result.flow is not None
    assert result.flow.nodes["ask"].message == {"*": "Are you in? Reply YES or NO"}


def test_yes_and_no_stay_strings_not_booleans():
    flow = parse_flow(GOOD).flow
    assert flow is not None and flow.nodes["ask"].wait is not None
    router = flow.nodes["ask"].wait.routes[0]
    assert isinstance(router, ChoiceRouter) and set(router.choices) == {"yes", "no"}


def test_unknown_route_target_has_path_and_line():
    text = flow_text("- {type: number, min: 1, max: 2, to: done}")
    text = text.replace("routes: {yes: done, no: done}", "routes: {yes: done, no: lw}")
    result = parse_flow(text)
    assert result.flow is None
    assert errors(text) == [("nodes.ask.wait.routes[1].routes.no", "unknown node 'lw'", 15)]


def test_unknown_number_route_target_uses_the_router_path():
    text = flow_text("- {type: any, to: done}", "- {type: number, min: 1, max: 5, to: lw}")
    assert errors(text) == [("nodes.ask.wait.routes[1]", "unknown node 'lw'", 13)]
    issue = parse_flow(text).issues[0]
    assert issue.format("demo.yaml") == (
        "demo.yaml:13: error: nodes.ask.wait.routes[1]: unknown node 'lw'"
    )


def test_unknown_key_is_rejected_with_its_line():
    text = GOOD.replace("  done:\n", "  done:\n    mesage: hi\n")
    assert ("nodes.done.mesage", "Extra inputs are not permitted", 16) in errors(text)


def test_bad_router_field_path_skips_the_union_tag():
    text = flow_text("- {type: number, min: 5, max: 1, to: done}")
    assert errors(text) == [("nodes.ask.wait.routes[0]", "min (5) is greater than max (1)", 12)]


def test_missing_field_and_bad_duration():
    text = GOOD.replace("name: Demo\n", "").replace("timeout: 1h", "timeout: soon")
    found = errors(text)
    assert ("name", "Field required", 1) in found
    assert any(path == "nodes.ask.wait.timeout" and line == 9 for path, _, line in found)


def test_unknown_router_type():
    text = GOOD.replace("- type: choice", "- type: colour")
    [(path, message, line)] = errors(text)
    assert (path, line) == ("nodes.ask.wait.routes[0]", 12)
    assert "colour" in message


def test_unknown_template_variable_is_an_error_with_the_language_path():
    text = GOOD.replace(
        'message: "Are you in? Reply YES or NO"',
        "message:\n      en: 'Hi {{ member.age }}'\n      es: 'Hola {{ member.first_name }}'",
    )
    assert errors(text) == [("nodes.ask.message.en", "unknown variable 'member.age'", 9)]


def test_template_syntax_error():
    text = GOOD.replace("message: Thanks!", "message: 'Thanks {{ member.first_name '")
    [(path, message, line)] = errors(text)
    assert (path, line) == ("nodes.done.message", 16)
    assert message.startswith("template syntax error")


def test_bad_yaml_reports_a_line():
    result = parse_flow("id: x\nnodes: [\n  - a\n: b")
    assert result.flow is None
    assert result.issues[0].message.startswith("invalid YAML") and result.issues[0].line


def test_validate_file_reads_a_file(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(GOOD.replace("to: done", "to: x").replace("no: done", "no: gone"))
    assert [i.message for i in validate_file(path)] == ["unknown node 'gone'"]


def test_committed_json_schema_matches_the_models():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == json_schema()
