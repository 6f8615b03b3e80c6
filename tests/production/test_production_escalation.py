"""Escalation that always reaches a person, run the way an operator runs it: set up with
the CLI (rota and override included), gunicorn taking the crisis text as Twilio posts it,
worker.py sending through the real twilio client to the Twilio stand-in.

The group's only facilitator has a number Twilio refuses (21211): the coordinator is
alarmed at once and whoever is on call at that moment (an override, not the rota) is
texted at once, without waiting out the 5-minute level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.production.harness import Production

HARBOR = "+15005550030"  # the organisation's Twilio number
CAROL = "+12025550103"  # coordinator
FAY = "+15005550001"  # the facilitator: Twilio answers 21211, not a valid number
OLU = "+12025550177"  # on the weekly rota, around the clock
PRIYA = "+12025550178"  # on call now by an override
MEMBER = "+12025550111"
PASSWORD = "correct horse battery staple\n"
ORG = ("--organisation", "Harbor")


def _set_up(prod: Production) -> None:
    prod.cli("orgs", "create", "Harbor", "--number", HARBOR, "--timezone", "America/Chicago")
    for role, name, phone in (
        ("coordinator", "carol", CAROL),
        ("facilitator", "fay", FAY),
        ("facilitator", "olu", OLU),
        ("facilitator", "priya", PRIYA),
    ):
        prod.cli(
            "users", "create", "--role", role, "--email", f"{name}@harbor.example",
            "--name", name.title(), *ORG, "--phone", phone, "--password-stdin", stdin=PASSWORD,
        )  # fmt: skip
    prod.cli("groups", "create", *ORG, "--name", "Hope", "--code", "HOPE42",
             "--facilitator", "fay@harbor.example")  # fmt: skip
    refused = prod.cli(
        "groups", "policy", *ORG, "--group", "HOPE42", "--level", "on-call", "--level", "on-call",
        check=False,
    )  # fmt: skip
    assert refused.returncode == 1 and "This policy would reach nobody" in refused.stderr
    assert "nobody is on the on-call rota" in refused.stderr
    prod.cli("oncall", "set", *ORG, "--shift", "olu@harbor.example", "mon-sun 00:00-24:00")
    local = datetime.now(UTC).astimezone(ZoneInfo("America/Chicago"))
    prod.cli(
        "oncall", "override", *ORG, "--email", "priya@harbor.example",
        "--from", f"{local - timedelta(hours=1):%Y-%m-%d %H:%M}",
        "--to", f"{local + timedelta(hours=2):%Y-%m-%d %H:%M}",
    )  # fmt: skip
    shown = prod.cli("oncall", "show", *ORG).stdout
    assert "on call now: Priya" in shown and "Monday: Olu, all day" in shown
    prod.cli("members", "add", *ORG, "--group", "HOPE42", "--phone", MEMBER, "--name", "Sam")


def test_a_crisis_with_an_unreachable_facilitator_reaches_a_person(prod: Production) -> None:
    _set_up(prod)
    reply = prod.text(MEMBER, HARBOR, "I want to end it all tonight").text
    assert "988" in reply
    [alarm] = prod.wait_for(lambda: prod.sent_to(CAROL), what="the coordinator's alarm")
    body = alarm["Body"]
    assert body.startswith("ALARM: URGENT case ") and "(HOPE42)" in body
    assert "level 1 (the group's facilitators): every text to them failed" in body
    [alert] = prod.wait_for(lambda: prod.sent_to(PRIYA), what="the on-call person's alert")
    assert "level 2, 1st alert" in alert["Body"] and "end it all" not in alert["Body"]
    assert alarm["From"] == HARBOR and alert["From"] == HARBOR
    assert prod.sent_to(OLU) == []  # the override, not the rota, is on call now
    [(kind, detail)] = prod.sql("SELECT kind, detail FROM case_events WHERE kind = 'unreachable'")
    assert detail.startswith("Level 1 (the group's facilitators): nobody could be texted")
    assert prod.server_errors() == []
