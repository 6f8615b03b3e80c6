"""What coordinators write runs with limits: regular expressions on RE2 (linear time),
templates that cannot grow their output or compute, and flow editing for coordinators."""

from __future__ import annotations

import time

import pytest

from smsapp.flows import patterns, templates
from smsapp.flows.routers import match_routes
from smsapp.flows.schema import RegexRouter
from smsapp.services.domain import flow_editor

EVIL = "(a+)+b"


def test_a_catastrophic_pattern_matches_in_linear_time():
    router = RegexRouter(type="regex", pattern=EVIL, to="next")
    started = time.perf_counter()
    for length in (28, 1_000, 100_000):
        assert match_routes([router], "a" * length + "c") is None
    assert time.perf_counter() - started < 1.0  # Python's re took 9.4 s at 28 characters


def test_patterns_match_whole_replies_ignoring_case_with_named_groups():
    assert patterns.fullmatch(r"(?P<word>yes|yep)", "YES") == {"word": "YES"}
    assert patterns.fullmatch(r"yes", "yes please") is None


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", r"(?=look)ahead", r"(unclosed", "x" * (patterns.MAX_PATTERN + 1)]
)
def test_a_pattern_re2_cannot_use_is_a_validation_error(pattern):
    yaml_text = _flow_with_route(pattern)
    check = flow_editor.check_yaml(yaml_text, "checkin")
    assert not check.ok
    assert any("regular expression" in i.message or "pattern" in i.message for i in check.issues)


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("{{ 'x' * 10**8 }}", "'*'"),
        ("{{ member.first_name + group.name }}", "'+'"),
        ("{% for i in range(9) %}x{% endfor %}", "'for'"),
        ("{{ lipsum(100000) }}", "'call'"),
        ("{{ member.first_name.ljust(100000000) }}", "'call'"),
        ("{{ member.first_name|center(10000000) }}", "filter 'center'"),
    ],
)
def test_templates_refuse_what_could_grow_or_compute(source, refused):
    errors = templates.template_errors(source)
    assert any(refused in e for e in errors), errors
    started = time.perf_counter()
    with pytest.raises(templates.RenderError):
        templates.render(source, templates.SAMPLE_CONTEXT)
    assert time.perf_counter() - started < 0.5


def test_assignments_are_refused_at_validation():
    assert templates.template_errors("{% set x = 'y' %}{{ x }}") == [
        "'assign' is not allowed in messages"
    ]


def test_templates_keep_variables_if_else_and_simple_filters():
    source = "{% if member.first_name %}Hi {{ member.first_name|upper }}{% else %}Hi{% endif %}!"
    assert templates.template_errors(source) == []
    assert templates.render(source, templates.SAMPLE_CONTEXT) == "Hi ALEXANDRA!"


def test_a_rendered_message_is_at_most_1600_characters():
    long_name = templates.RenderContext(member={"first_name": "A" * 2000})
    with pytest.raises(templates.RenderError, match="1,600"):
        templates.render("{{ member.first_name }}", long_name)


def _flow_with_route(pattern: str) -> str:
    escaped = pattern.replace("'", "''")
    return f"""id: checkin
name: Check-in
version: 1
start: ask
nodes:
  ask:
    message:
      en: How are you?
    wait:
      timeout: 1h
      routes:
        - type: regex
          pattern: '{escaped}'
          to: done
  done:
    message:
      en: Thanks.
"""
