"""An inbound text is read once into a value, and the router's precedence takes it from
there: the compliance words, the risk screen and the sender's lookup run once per text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smsapp.services.conversation import inbound_text, router
from smsapp.services.conversation.inbound_text import read
from smsapp.services.core import directory, keywords
from smsapp.services.core.keywords import Compliance
from tests.safety.safety_helpers import CRISIS

ROOT = Path(__file__).resolve().parents[2]


def test_a_text_reads_as_its_command_word_and_the_rest_as_typed():
    text = read("time 7pm")
    assert (text.word, text.rest, text.argument) == ("TIME", "7pm", "7PM")
    assert text.compliance is None and text.score is None and not text.staff_command


@pytest.mark.parametrize(
    ("body", "kind"),
    [("Stop.", Compliance.STOP), (" stop! ", Compliance.STOP), ("please stop texting me", "stop")]
    + [("UNSTOP", Compliance.START), ("ayuda", Compliance.HELP), ("stop by later", None)],
)
def test_compliance_words_are_read_in_any_case_and_punctuation(body, kind):
    assert read(body).compliance == kind


@pytest.mark.parametrize(("body", "score"), [("3", 3), ("three", 3), ("3 rough day", 3)])
def test_a_bare_score_reads_as_one(body, score):
    assert read(body).score == score


@pytest.mark.parametrize("body", ["7", "3rd time", "hello"])
def test_no_score_is_guessed(body):
    assert read(body).score is None


def test_a_facilitators_reply_names_the_case_and_keeps_the_words():
    text = read("R #12: on my way")
    assert text.reply_to == (12, "on my way") and text.staff_command


def test_a_staff_command_is_not_screened_but_the_same_words_from_a_member_are():
    body = f"DONE 4 she said {CRISIS}"
    assert read(body).risk.positive
    assert not read(body, staff=True).risk.positive
    assert read(CRISIS, staff=True).risk.positive  # staff's own words are still screened


def test_stop_at_the_front_of_a_longer_text_is_noticed():
    assert read(f"STOP {CRISIS}").leads_with_stop
    assert not read("I will not stop").leads_with_stop


def test_the_precedence_is_one_list_and_the_architecture_page_walks_it_in_order():
    names = [step.name for step in router.PRECEDENCE]
    assert names[0] == "compliance words" and names[-1] == "fallback"
    walk = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    positions = [walk.find(f"*{name}*") for name in names]
    assert -1 not in positions, "docs/ARCHITECTURE.md names every step as *name*"
    assert positions == sorted(positions)


class _Calls:
    """Counts calls through a module's function (the real one still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        self.monkeypatch = monkeypatch

    def watch(self, module: Any, name: str) -> None:
        real: Callable[..., Any] = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] += 1
            return real(*args, **kwargs)

        self.monkeypatch.setattr(module, name, counted)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> _Calls:
    watched = _Calls(monkeypatch)
    watched.watch(keywords, "classify")
    watched.watch(inbound_text, "screen")
    watched.watch(inbound_text, "read")
    watched.watch(directory, "user_by_phone")
    return watched


@pytest.mark.parametrize(
    "body", ["PAUSE 3 days", "3", "hello there", "STOP", "JOIN HOPE", CRISIS, "safe"]
)
def test_a_members_text_is_read_and_screened_once(phones, world, calls, body):
    phones.text("sam", body)
    assert calls.counts == Counter({"classify": 1, "screen": 1, "read": 1})


@pytest.mark.parametrize("body", ["ACK", "DONE 4 all well", "on my way", "HELP", "R 3 hi"])
def test_a_facilitators_text_is_read_once_and_they_are_looked_up_once(phones, world, calls, body):
    phones.text("alice", body)
    assert calls.counts["read"] == 1 and calls.counts["classify"] == 1
    assert calls.counts["user_by_phone"] == 1
