"""The service set up by an operator and texted the way Twilio does: the shape every
production-shape test builds on."""

from __future__ import annotations

from tests.production.harness import FALLBACK_NUMBER, Production

HARBOR = "+15005550010"
FACILITATOR = "+12025550101"
MEMBER = "+12025550111"
PASSWORD = "correct horse battery staple\n"


def _set_up_harbor(prod: Production) -> None:
    prod.cli(
        "orgs",
        "create",
        "Harbor",
        "--number",
        HARBOR,
        "--timezone",
        "America/New_York",
        "--help-contact",
        "help@harbor.example",
    )
    prod.cli(
        "users",
        "create",
        "--role",
        "facilitator",
        "--email",
        "alice@harbor.example",
        "--name",
        "Alice",
        "--organisation",
        "Harbor",
        "--phone",
        FACILITATOR,
        "--password-stdin",
        stdin=PASSWORD,
    )
    prod.cli(
        "groups",
        "create",
        "--organisation",
        "Harbor",
        "--name",
        "Hope Circle",
        "--code",
        "HOPE42",
        "--facilitator",
        "alice@harbor.example",
    )
    prod.cli(
        "members",
        "add",
        "--organisation",
        "Harbor",
        "--group",
        "HOPE42",
        "--phone",
        MEMBER,
        "--name",
        "Sam Rivera",
    )


def test_member_texts_help_and_a_facilitator_is_texted_from_the_organisations_number(
    prod: Production,
) -> None:
    _set_up_harbor(prod)

    help_reply = prod.text(MEMBER, HARBOR, "HELP")
    assert help_reply.status == 200
    assert "TALK" in help_reply.text and "help@harbor.example" in help_reply.text

    talk = prod.text(MEMBER, HARBOR, "TALK")
    assert "facilitator" in talk.text

    sent = prod.wait_for(lambda: prod.sent_to(FACILITATOR), what="the facilitator's alert")
    assert sent[0]["From"] == HARBOR != FALLBACK_NUMBER
    assert sent[0]["MessagingServiceSid"] is None
    assert prod.server_errors() == []


def test_a_bad_signature_is_refused(prod: Production) -> None:
    params = {"MessageSid": "SM" + "1" * 32, "From": MEMBER, "To": HARBOR, "Body": "HELP"}
    response = prod.post_signed("/twilio/sms", params, signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
