"""Two organisations on one server, set up with the CLI and texted the way Twilio does:
each number reaches only its own organisation, and strangers cannot run up the bill."""

from __future__ import annotations

from typing import Any

import pytest

from smsapp.services.core import budgets
from tests.production.harness import Production

HARBOR, BEACON = "+15005550010", "+15005550020"
SHARED = "+12025550111"  # a member of both organisations
STRANGER = "+12025550199"
CRISIS = "I can't do this anymore, I want to end it all"
PASSWORD = "correct horse battery staple\n"
ORGS = {
    "Harbor": {"number": HARBOR, "facilitator": "+12025550101", "coordinator": "+12025550102"},
    "Beacon": {"number": BEACON, "facilitator": "+12025550103", "coordinator": "+12025550104"},
}


@pytest.fixture
def two_orgs(prod: Production) -> dict[str, str]:
    """Both organisations as an operator would set them up; returns each one's API token."""
    tokens = {}
    for name, people in ORGS.items():
        slug = name.lower()
        prod.cli(
            "orgs", "create", name, "--number", people["number"], "--timezone", "America/New_York"
        )
        for role in ("facilitator", "coordinator"):
            prod.cli(
                "users", "create", "--role", role, "--email", f"{role}@{slug}.example",
                "--name", f"{name} {role}", "--organisation", name,
                "--phone", people[role], "--password-stdin", stdin=PASSWORD,
            )  # fmt: skip
        prod.cli(
            "groups", "create", "--organisation", name, "--name", f"{name} Circle",
            "--code", f"{slug.upper()}1", "--facilitator", f"facilitator@{slug}.example",
        )  # fmt: skip
        prod.cli(
            "members", "add", "--organisation", name, "--group", f"{slug.upper()}1",
            "--phone", SHARED, "--name", "Sam Rivera",
        )  # fmt: skip
        tokens[name] = prod.create_token(f"coordinator@{slug}.example")
    return tokens


def _cases(prod: Production, token: str) -> list[dict[str, Any]]:
    response = prod.api(token, "GET", "/api/v1/cases")
    assert response.status_code == 200, response.text
    return list(response.json()["cases"])


def _member_status(prod: Production, token: str) -> str:
    [group] = prod.api(token, "GET", "/api/v1/groups").json()["groups"]
    members = prod.api(token, "GET", f"/api/v1/groups/{group['id']}/members").json()["members"]
    [member] = members
    return str(member["status"])


def test_each_number_reaches_only_its_own_organisation(
    prod: Production, two_orgs: dict[str, str]
) -> None:
    harbor, beacon = two_orgs["Harbor"], two_orgs["Beacon"]

    reply = prod.text(SHARED, HARBOR, CRISIS)
    assert reply.status == 200 and "988" in reply.text
    assert len(_cases(prod, harbor)) == 1 and _cases(prod, beacon) == []

    assert "988" in prod.text(SHARED, BEACON, CRISIS).text
    [beacon_case] = _cases(prod, beacon)
    assert beacon_case["member_id"] is not None and len(_cases(prod, harbor)) == 1

    # Each organisation's facilitator is alerted, from that organisation's own number.
    for people in ORGS.values():
        alerts = prod.wait_for(lambda p=people: prod.sent_to(p["facilitator"]), what="an alert")
        assert {m["From"] for m in alerts} == {people["number"]}

    assert "unsubscribed" in prod.text(SHARED, BEACON, "STOP").text
    assert _member_status(prod, beacon) == "opted_out"
    assert _member_status(prod, harbor) == "active"

    assert "988" in prod.text(STRANGER, BEACON, CRISIS).text
    beacon_cases = _cases(prod, beacon)
    assert len(beacon_cases) == 2 and len(_cases(prod, harbor)) == 1
    assert [c["member_id"] for c in beacon_cases if c["id"] != beacon_case["id"]] == [None]
    assert prod.server_errors() == []


def test_strangers_get_a_budget_and_odd_senders_are_stored(
    prod: Production, two_orgs: dict[str, str]
) -> None:
    replies = [prod.text("+12025550177", HARBOR, "hello") for _ in range(30)]
    assert {r.status for r in replies} == {200}
    answered = [r for r in replies if r.messages]
    assert len(answered) <= budgets.STRANGER_REPLIES_PER_HOUR

    for sender in ("+15557654321", "+447700900123", "12345"):
        reply = prod.text(sender, HARBOR, "hello, is anyone there?")
        assert reply.status == 200 and reply.messages
    stored = prod.sql("SELECT count(*) FROM inbound_messages WHERE to_number = :n", n=HARBOR)
    assert stored[0][0] == 33
    assert prod.server_errors() == []
