from smsapp.flows.lint import lint
from smsapp.flows.schema import FlowDefinition


def flow(nodes, start="ask"):
    return FlowDefinition.model_validate(
        {"id": "t", "name": "T", "version": 1, "start": start, "nodes": nodes}
    )


def ask(*routes, timeout="1h", message="How are you? Reply 1-5"):
    wait = {"routes": list(routes)}
    if timeout:
        wait["timeout"] = timeout
    return {"message": message, "wait": wait}


def findings(definition):
    return [(i.severity, i.path, i.message) for i in lint(definition)]


def test_clean_flow_has_no_findings():
    f = flow({"ask": ask({"type": "any", "to": "done"}), "done": {"message": "Thanks"}})
    assert findings(f) == []


def test_route_to_unknown_node_is_an_error_with_exact_path():
    f = flow(
        {
            "ask": ask({"type": "number", "min": 3, "max": 5, "to": "done"},
                       {"type": "any", "to": "lw"}),
            "done": {"message": "Thanks"},
        }
    )  # fmt: skip
    assert ("error", "nodes.ask.wait.routes[1]", "unknown node 'lw'") in findings(f)


def test_unknown_start_next_timeout_and_give_up_targets():
    node = ask({"type": "any", "to": "done"})
    node["wait"].update(timeout_route="t1", give_up_route="g1")
    f = flow({"ask": node, "done": {"message": "x", "next": "n1"}}, start="s1")
    errors = {(path, msg) for sev, path, msg in findings(f) if sev == "error"}
    assert errors == {
        ("start", "unknown node 's1'"),
        ("nodes.ask.wait.timeout_route", "unknown node 't1'"),
        ("nodes.ask.wait.give_up_route", "unknown node 'g1'"),
        ("nodes.done.next", "unknown node 'n1'"),
    }


def test_unreachable_node_is_a_warning():
    f = flow(
        {
            "ask": ask({"type": "any", "to": "done"}),
            "done": {"message": "Thanks"},
            "orphan": {"message": "Nobody sees me"},
        }
    )
    assert findings(f) == [("warning", "nodes.orphan", "unreachable node: no route leads here")]


def test_wait_without_timeout_is_a_warning():
    f = flow({"ask": ask({"type": "any", "to": "done"}, timeout=None), "done": {"message": "x"}})
    assert ("warning", "nodes.ask.wait", "wait has no timeout: the session never closes") in (
        findings(f)
    )


def test_loop_without_wait_is_an_error():
    f = flow({"ask": {"message": "a", "next": "b"}, "b": {"message": "b", "next": "ask"}})
    assert findings(f) == [("error", "nodes.ask", "loop with no wait and no exit")]


def test_loop_with_waits_but_no_exit_is_a_warning():
    node = ask({"type": "any", "to": "again"})
    node["wait"]["timeout_route"] = "again"
    f = flow({"ask": node, "again": {"message": "Once more", "next": "ask"}})
    assert ("warning", "nodes.ask", "loop with no exit: the flow never ends") in findings(f)


def test_loop_with_an_exit_is_fine():
    f = flow(
        {
            "ask": ask({"type": "choice", "choices": {"yes": []}, "routes": {"yes": "done"}},
                       {"type": "any", "to": "ask"}),
            "done": {"message": "Thanks"},
        }
    )  # fmt: skip
    assert findings(f) == []


def test_low_mood_route_without_help_is_a_warning():
    f = flow(
        {
            "ask": ask({"type": "number", "min": 1, "max": 2, "to": "low"},
                       {"type": "number", "min": 3, "max": 5, "to": "low"}),
            "low": {"message": "Noted."},
        }
    )  # fmt: skip
    assert findings(f) == [
        (
            "warning",
            "nodes.ask.wait.routes[0]",
            "low-mood route to 'low' neither escalates nor offers TALK",
        )
    ]


def test_low_mood_route_offering_talk_or_escalating_is_fine():
    talk = {"message": {"en": "Reply TALK to reach someone", "es": "Responde TALK"}}
    escalates = {"actions": [{"type": "escalate", "urgency": "normal", "reason": "low"}]}
    for low in (talk, escalates, {"message": "Hm", "next": "help"}):
        f = flow(
            {
                "ask": ask({"type": "number", "min": 1, "max": 2, "to": "low"}),
                "low": low,
                "help": talk,
            }
        )
        assert not [x for x in findings(f) if "low-mood" in x[2]], low


def test_long_message_warns_with_segment_count():
    f = flow({"ask": ask({"type": "any", "to": "done"}), "done": {"message": "word " * 40}})
    assert findings(f) == [("warning", "nodes.done.message", "2 SMS segments (GSM-7, 199 chars)")]


def test_ucs2_message_names_the_forcing_character():
    f = flow(
        {
            "ask": ask({"type": "any", "to": "done"}),
            "done": {"message": {"en": "You’re in! 🎉", "es": "¡Listo! 😀"}},
        }
    )
    forced = "UCS-2 encoding forced by"
    assert findings(f) == [
        ("warning", "nodes.done.message.en", f"{forced} '’' (U+2019): 1 segment(s), 13 chars"),
        ("warning", "nodes.done.message.es", f"{forced} '😀' (U+1F600): 1 segment(s), 10 chars"),
    ]


def test_segments_are_counted_on_rendered_text():
    message = "Hi {{ member.first_name }}, " + "x" * 150
    f = flow({"ask": ask({"type": "any", "to": "done"}), "done": {"message": message}})
    assert findings(f) == [("warning", "nodes.done.message", "2 SMS segments (GSM-7, 164 chars)")]
