"""What a coordinator's script sees through the API: members, cases, reports, tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp.cli import main
from smsapp.commands import tokens as tokens_command
from smsapp.models import AuditEntry, Member, MoodScore
from smsapp.services.domain import escalation
from tests.factories import PHONES


def test_members_are_listed_with_masked_phones_and_the_view_is_audited(api, world):
    response = api.get(f"/groups/{world.hope.id}/members", "alice")
    assert response.status_code == 200
    members = {m["name"]: m for m in response.json["members"]}
    assert set(members) == {"Sam", "Maria"}
    assert members["Sam"]["phone"] == "•••• 0111"
    assert PHONES["sam"] not in response.get_data(as_text=True)
    with world.runtime.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "view_members"))
        assert (entry.actor_user_id, entry.subject_id) == (world.users["alice"].id, world.hope.id)


def test_a_coordinator_adds_a_member_with_a_normalised_number(api, world):
    response = api.post(
        "/members",
        "carol",
        json={"group_id": world.hope.id, "phone": "(202) 555-0177", "name": "Ana"},
    )
    assert response.status_code == 201
    assert response.json["status"] == "pending" and response.json["phone"] == "•••• 0177"
    with world.runtime.session() as s:
        member = s.get(Member, response.json["id"])
        assert member is not None and member.phone == "+12025550177"
    again = api.post(
        "/members", "carol", json={"group_id": world.hope.id, "phone": "+1 202 555 0177"}
    )
    assert again.status_code == 409


def test_a_bad_phone_is_a_422_that_names_the_field(api, world):
    response = api.post("/members", "carol", json={"group_id": world.hope.id, "phone": "12345"})
    assert response.status_code == 422
    assert response.json["details"] == [
        {"path": "phone", "message": "'•••• 2345' is not a valid phone number"}
    ]
    missing = api.post("/members", "carol", json={"phone": "+12025550177", "colour": "red"})
    assert missing.status_code == 422
    assert {d["path"] for d in missing.json["details"]} == {"group_id", "colour"}


def test_a_body_that_is_not_json_is_a_400(api, world):
    response = api.client.post(
        "/api/v1/members",
        headers=api.headers("carol"),
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json["error"] == "the request body must be a JSON object"


def test_a_facilitator_acks_and_resolves_a_case(api, world, runtime):
    with runtime.session() as s:
        case = escalation.open_case(
            s,
            member=s.merge(world.members["sam"]),
            urgency="urgent",
            source="talk",
            reason="asked to talk",
            now=runtime.now(),
        )
        s.commit()
    [listed] = api.get("/cases?status=open", "alice").json["cases"]
    assert (listed["id"], listed["urgency"], listed["status"]) == (case.id, "urgent", "open")
    acked = api.post(f"/cases/{case.id}/ack", "alice")
    assert acked.status_code == 200 and acked.json["status"] == "acked"
    assert api.post(f"/cases/{case.id}/ack", "alice").status_code == 409
    assert api.get("/cases?status=open", "alice").json["cases"] == []
    done = api.post(f"/cases/{case.id}/resolve", "alice", json={"note": "we spoke"})
    assert done.status_code == 200 and done.json["status"] == "resolved"
    assert api.post(f"/cases/{case.id}/resolve", "alice", json={}).status_code == 409
    assert api.get("/cases?status=bogus", "alice").status_code == 422


def test_the_group_report_has_this_weeks_numbers(api, world, runtime):
    now = runtime.now()
    with runtime.session() as s:
        for score in (2, 4):
            s.add(
                MoodScore(
                    member_id=world.members["sam"].id,
                    group_id=world.hope.id,
                    score=score,
                    at=now - timedelta(hours=1),
                )
            )
        s.add(
            MoodScore(
                member_id=world.members["maria"].id,
                group_id=world.hope.id,
                missed=True,
                at=now - timedelta(hours=1),
            )
        )
        s.commit()
    report = api.get(f"/reports/groups/{world.hope.id}?weeks=2", "carol").json
    assert [w["week_start"] for w in report["weeks"]] == ["2026-02-23", "2026-03-02"]
    assert report["weeks"][1] == {
        "week_start": "2026-03-02",
        "mean_mood": 3.0,
        "scores": 2,
        "missed": 1,
        "response_rate": 0.667,
    }
    assert api.get(f"/reports/groups/{world.hope.id}?weeks=99", "carol").status_code == 422


def test_the_cli_prints_a_token_once_and_it_works(api, world, runtime, monkeypatch, capsys):
    monkeypatch.setattr(tokens_command.commands, "make_runtime", lambda: runtime)
    assert main(["tokens", "create", "--email", "carol@example.org", "--name", "reporting"]) == 0
    token = capsys.readouterr().out.splitlines()[0]
    assert token.startswith("sms_")
    response = api.client.get("/api/v1/groups", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert main(["tokens", "list", "--email", "carol@example.org"]) == 0
    listing = capsys.readouterr().out
    assert "reporting" in listing and token not in listing
    assert main(["tokens", "create", "--email", "nobody@example.org", "--name", "x"]) == 1


def test_api_posts_need_a_token_not_a_csrf_form_token(api, api_app, world):
    api_app.config["WTF_CSRF_ENABLED"] = True
    response = api.post(
        "/members", "carol", json={"group_id": world.hope.id, "phone": "+12025550178"}
    )
    assert response.status_code == 201
