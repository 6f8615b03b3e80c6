"""The built-in flows: they load cleanly, speak English and Spanish, and converse."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from smsapp.flows import actions as act
from smsapp.flows.engine import MAX_STEPS_PER_EVENT, Event, Reply, Timeout, start, step
from smsapp.flows.lint import texts
from smsapp.flows.loader import DEFINITIONS_DIR, builtin_ids, load_builtin, validate_file
from smsapp.flows.segments import segment_info
from smsapp.flows.templates import SAMPLE_CONTEXT, render

BUILTINS = ["checkin", "checkin_note", "first_name", "join", "reminder"]


def test_builtin_ids():
    assert builtin_ids() == BUILTINS


@pytest.mark.parametrize("flow_id", BUILTINS)
def test_builtin_has_no_errors(flow_id):
    issues = validate_file(DEFINITIONS_DIR / f"{flow_id}.yaml")
    assert [i for i in issues if i.severity == "error"] == []
    assert load_builtin(flow_id).id == flow_id


@pytest.mark.parametrize("flow_id", BUILTINS)
def test_every_message_has_english_and_spanish(flow_id):
    flow = load_builtin(flow_id)
    for node_id, node in flow.nodes.items():
        for text in (node.message, node.wait.reprompt if node.wait else None):
            if text is not None:
                assert set(text) == {"en", "es"}, node_id


@pytest.mark.parametrize("flow_id", BUILTINS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_message_renders_as_gsm7(flow_id, language):
    flow = load_builtin(flow_id)
    for path, source in texts(flow):
        if path.endswith(f".{language}"):
            info = segment_info(render(source, replace(SAMPLE_CONTEXT, language=language)))
            assert info.encoding == "GSM-7", (path, info)
            # Only the consent disclosure, whose wording is required, may take two parts.
            assert info.segments <= (2 if flow_id == "join" else 1), (path, info)


def test_join_yes_enrolls_before_welcoming(transcript, ctx):
    transcript(
        load_builtin("join"),
        """
        app< Riverside: meeting reminders & check-ins for Tuesday Circle, up to 4 msgs/week. Msg & data rates may apply. Reply YES to join. Reply HELP for help, STOP to opt out.
        member> yes!
        do> Enroll()
        do> StartFlow(flow_id='first_name', unless='member_named')
        app< Welcome to Tuesday Circle, Ana! You'll get reminders and check-ins here. Reply HELP for help, STOP to opt out.
        ended
        """,  # noqa: E501
        ctx,
    )


def test_join_no_ends_politely(transcript, ctx):
    transcript(
        load_builtin("join"),
        """
        app< Riverside: meeting reminders...
        member> nope
        app< No problem, you won't get messages from us. Text JOIN TUES anytime to join.
        ended
        """,
        ctx,
    )


def test_join_bad_reply_reprompts_once_then_gives_up_as_no(transcript, ctx_es):
    transcript(
        load_builtin("join"),
        """
        app< Riverside: recordatorios...
        member> que es esto
        app< Responde SI para unirte a Tuesday Circle o NO para cancelar.
        member> hola
        app< Entendido, no te enviaremos mensajes...
        ended
        """,
        ctx_es,
    )


def test_join_times_out_after_48h_without_a_message(transcript, ctx):
    transcript(
        load_builtin("join"),
        """
        app< Riverside: meeting reminders...
        wait 47h
        waiting
        wait 1h
        ended
        """,
        ctx,
    )


def test_checkin_low_score_cares_offers_talk_and_escalates(transcript, ctx):
    transcript(
        load_builtin("checkin"),
        """
        app< Hi Ana, how are you today? Reply 1-5 (1 = very low, 5 = great). Add a few words if you like.
        member> 2 rough day
        do> RecordMood(score=2, note='rough day')
        do> Escalate(urgency='normal', reason='low mood')
        app< Thank you for telling us. Hard days are real. We let your facilitator know. Reply TALK to talk with them.
        ended
        """,  # noqa: E501
        ctx,
    )


def test_checkin_middle_and_good_scores(transcript, ctx, ctx_es):
    checkin = load_builtin("checkin")
    transcript(
        checkin,
        """
        app< Hi Ana...
        member> three
        do> RecordMood(score=3, note=None)
        app< Thanks for checking in. In-between days count too. Reply TALK anytime...
        ended
        """,
        ctx,
    )
    transcript(
        checkin,
        """
        app< Hola Ana, ¿como estas hoy?...
        member> 5️⃣
        do> RecordMood(score=5, note=None)
        app< ¡Que bueno, Ana! Gracias por responder.
        ended
        """,
        ctx_es,
    )


def test_checkin_bad_reply_then_score(transcript, ctx):
    transcript(
        load_builtin("checkin"),
        """
        app< Hi Ana...
        member> meh
        app< Please reply with a number from 1 (very low) to 5 (great), like 3 or 3 long day.
        member> 4/5
        do> RecordMood(score=4, note=None)
        app< Glad to hear it, Ana! Thanks for checking in.
        ended
        """,
        ctx,
    )


def test_checkin_gives_up_after_two_bad_replies(transcript, ctx):
    transcript(
        load_builtin("checkin"),
        """
        app< Hi Ana...
        member> 7
        app< Please reply with a number...
        member> 9
        app< No problem. Text 1-5 anytime to check in, or TALK to reach a facilitator.
        ended
        """,
        ctx,
    )


def test_checkin_timeout_ends_silently(transcript, ctx):
    transcript(load_builtin("checkin"), "app< Hi Ana...\nwait 4h\nended", ctx)


@pytest.mark.parametrize(
    ("reply", "answer", "confirmation"),
    [
        ("YES", "yes", "Great, see you there! Thanks for letting us know."),
        ("👍", "yes", "Great, see you there! Thanks for letting us know."),
        ("no.", "no", "Thanks for letting us know. We'll miss you, and you're welcome any time."),
    ],
)
def test_reminder_records_the_rsvp(transcript, ctx, reply, answer, confirmation):
    transcript(
        load_builtin("reminder"),
        f"""
        app< Reminder: Tuesday Circle meets Tue 11 Mar, 6:30 PM at Room 2. Will you come? Reply YES, NO or LATER.
        member> {reply}
        do> Rsvp(answer='{answer}')
        app< {confirmation}
        ended
        """,  # noqa: E501
        ctx,
    )


def test_reminder_later_keeps_the_question_open_for_a_yes(transcript, ctx):
    transcript(
        load_builtin("reminder"),
        """
        app< Reminder: Tuesday Circle meets...
        member> Maybe
        do> Rsvp(answer='later')
        app< No problem. When you know, reply YES or NO. You're always welcome.
        member> yes
        do> Rsvp(answer='yes')
        app< Great, see you there! Thanks for letting us know.
        ended
        """,
        ctx,
    )


def test_reminder_later_then_something_else_lets_it_go(transcript, ctx):
    transcript(
        load_builtin("reminder"),
        """
        app< Reminder: Tuesday Circle meets...
        member> later
        do> Rsvp(answer='later')
        app< No problem. When you know, reply YES or NO. You're always welcome.
        member> 3
        ended
        """,
        ctx,
    )


def test_reminder_in_spanish_with_reprompt_and_timeout(transcript, ctx_es):
    transcript(
        load_builtin("reminder"),
        """
        app< Recordatorio: Tuesday Circle se reune Tue 11 Mar, 6:30 PM en Room 2. ¿Vienes? Responde SI, NO o LUEGO.
        member> quien viene?
        app< Responde SI, NO o LUEGO.
        wait 12h
        ended
        """,  # noqa: E501
        ctx_es,
    )


REPLIES = ["1", "2 bad", "3", "5", "yes", "NO", "later", "", "?", "👍", "hola", "7", "TALK"]


@pytest.mark.parametrize("flow_id", BUILTINS)
def test_random_replies_always_end_or_wait(flow_id, ctx, now):
    """A seeded random walk: every event leaves the session ended or waiting, no errors."""
    flow = load_builtin(flow_id)
    rng = random.Random(flow_id)
    for _ in range(200):
        result, clock = start(flow, now, ctx), now
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.2:
                clock += timedelta(hours=rng.choice([1, 4, 12, 48]))
                event: Event = Timeout()
            else:
                event = Reply(rng.choice(REPLIES))
            result = step(flow, result.state, event, clock, ctx)
            assert result.state.ended or result.state.waiting
            assert not any(isinstance(a, act.FlowError) for a in result.actions)
            assert len(result.actions) <= MAX_STEPS_PER_EVENT * 3
