"""Crisis resources by country and the safety check, set up by an operator (the CLI) and
texted through gunicorn the way Twilio does, with worker.py sending."""

from __future__ import annotations

from tests.production.harness import Production

THAMES = "+15005550020"  # the organisation's Twilio number
FACILITATOR = "+447911123402"
MEMBER = "+447911123413"
PASSWORD = "correct horse battery staple\n"


def _set_up(prod: Production, name: str, country: str, code: str) -> None:
    prod.cli(
        "orgs", "create", name, "--number", THAMES, "--country", country,
        "--timezone", "Europe/London", "--help-contact", "help@thames.example",
    )  # fmt: skip
    prod.cli(
        "users", "create", "--role", "facilitator", "--email", "bob@thames.example",
        "--name", "Bob", "--organisation", name, "--phone", FACILITATOR, "--password-stdin",
        stdin=PASSWORD,
    )  # fmt: skip
    prod.cli(
        "groups", "create", "--organisation", name, "--name", "Calm Waters", "--code", code,
        "--facilitator", "bob@thames.example",
    )  # fmt: skip
    prod.cli(
        "members", "add", "--organisation", name, "--group", code, "--phone", MEMBER,
        "--name", "Lee",
    )  # fmt: skip


def test_a_gb_member_gets_uk_resources_and_a_safety_check(prod: Production) -> None:
    _set_up(prod, "Thames", "GB", "CALM42")

    crisis = prod.text(MEMBER, THAMES, "I want to kill myself").text
    assert "116 123" in crisis and "999" in crisis and "Samaritans" in crisis
    assert not any(n in crisis for n in ("988", "911", "741741"))
    alert = prod.wait_for(lambda: prod.sent_to(FACILITATOR), what="the facilitator's alert")
    assert "URGENT" in alert[0]["Body"] and "kill" not in alert[0]["Body"]

    prod.cli("members", "add", "--organisation", "Thames", "--group", "CALM42",
             "--phone", "+447911123499", "--name", "Ann")  # fmt: skip
    question = prod.text("+447911123499", THAMES, "I feel so hopeless").text
    assert "Are you safe?" in question and "116 123" in question and "988" not in question
    assert prod.text("+447911123499", THAMES, "SAFE").text.startswith("Thank you")
    assert prod.server_errors() == []


def test_a_country_without_resources_writes_its_own_before_a_group_goes_live(
    prod: Production,
) -> None:
    prod.cli("orgs", "create", "Seine", "--number", THAMES, "--country", "FR")
    refused = prod.cli(
        "groups", "create", "--organisation", "Seine", "--name", "Paris", "--code", "PARIS1",
        check=False,
    )  # fmt: skip
    assert refused.returncode != 0 and "crisis resources" in refused.stderr
