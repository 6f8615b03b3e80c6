"""The rest of the API a coordinator's script uses: meetings, the message log, opt-outs,
flow validation and publishing, CSV import, and the console page that makes tokens."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import AuditEntry, Member
from smsapp.services.core import outbox
from smsapp.services.domain import flow_editor, meetings
from tests.console.console_helpers import sign_in
from tests.factories import PHONES


def _audited(world, action: str) -> list[AuditEntry]:
    with world.runtime.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_upcoming_meetings_of_a_group(api, world, runtime):
    with runtime.session() as s:
        hope = s.merge(world.hope)
        meetings.create_series(
            s, hope, title="Tuesday circle", start_local="2026-03-03T18:30", now=runtime.now()
        )
        s.commit()
    [meeting] = api.get(f"/meetings?group_id={world.hope.id}", "alice").json["meetings"]
    assert meeting["title"] == "Tuesday circle"
    assert meeting["start"].startswith("2026-03-03T23:30")  # 18:30 in New York, in UTC
    assert (meeting["yes"], meeting["no"], meeting["later"]) == (0, 0, 0)
    assert api.get(f"/meetings?group_id={world.hope.id}", "bob").status_code == 404
    assert api.get("/meetings", "bob").json["meetings"] == []


def test_the_message_log_shows_status_and_errors_but_no_bodies(api, world, runtime):
    with runtime.session() as s:
        row = outbox.queue_message(
            s,
            to=PHONES["sam"],
            body="a private reminder",
            kind="scheduled",
            key="t:1",
            now=runtime.now(),
            organisation_id=world.org.id,
            member_id=world.members["sam"].id,
        )
        row.status, row.delivery_status, row.error_code = "failed", "undelivered", "30003"
        s.commit()
    response = api.get(f"/messages?group_id={world.hope.id}&errors_only=true", "carol")
    [message] = response.json["messages"]
    assert (message["status"], message["error_code"], message["to"]) == (
        "failed",
        "30003",
        "•••• 0111",
    )
    text = response.get_data(as_text=True)
    assert "private reminder" not in text and PHONES["sam"] not in text
    assert api.get("/messages", "bob").json["messages"] == []  # lee's group, not sam's
    assert _audited(world, "view_messages")


def test_opt_outs_are_listed_and_the_view_audited(api, world, runtime):
    with runtime.session() as s:
        s.get(Member, world.members["lee"].id).status = "opted_out"
        s.commit()
    [row] = api.get("/optouts", "carol").json["opt_outs"]
    assert (row["name"], row["phone"]) == ("Lee", "•••• 3413")
    assert api.get("/optouts", "alice").json["opt_outs"] == []  # lee is in calm
    assert len(_audited(world, "view_opt_outs")) == 2


def test_flow_validation_names_lines_and_counts_segments(api):
    yaml_text = flow_editor.builtin_yaml("checkin_note")
    yaml_text = yaml_text.replace("Thank you for sharing that.", "Thank you 😀")
    yaml_text = yaml_text.replace("skip: skipped", "skip: nowhere")
    assert api.post("/flows/validate", "alice", json={"yaml": yaml_text}).status_code == 403
    result = api.post("/flows/validate", "carol", json={"yaml": yaml_text}).json
    assert result["ok"] is False
    broken_line = yaml_text.splitlines().index("            skip: nowhere") + 1
    assert any(i["line"] == broken_line and "nowhere" in i["message"] for i in result["issues"])
    thanks = next(m for m in result["messages"] if m["preview"] == "Thank you 😀")
    assert (thanks["encoding"], thanks["segments"], thanks["ucs2_char"]) == ("UCS-2", 1, "😀")
    broken = api.post("/flows/validate", "carol", json={"yaml": "id: [unclosed"}).json
    assert broken["ok"] is False and broken["issues"]


def test_a_flow_with_errors_cannot_be_published(api):
    draft = api.client.put(
        "/api/v1/flows/checkin/draft",
        headers=api.headers("carol"),
        json={"yaml": "id: checkin\nstart: nowhere\nnodes: {}\n"},
    )
    assert draft.status_code == 200 and draft.json["check"]["ok"] is False
    refused = api.post("/flows/checkin/publish", "carol")
    assert refused.status_code == 409 and refused.json["details"]
    assert api.post("/flows/checkin/publish", "alice").status_code == 403


def test_csv_import_adds_good_rows_and_reports_each_bad_one(api, world):
    csv_text = (
        "name,phone,group\n"
        "Ana,(202) 555-0177,HOPE\n"
        "Bo,12345,HOPE\n"
        "Cy,202-555-0177,HOPE\n"
        "Di,+12025550178,NOPE\n"
        f"Sam again,{PHONES['sam']},HOPE\n"
    )
    response = api.post("/members/import", "carol", json={"csv": csv_text})
    assert response.status_code == 200
    assert [m["name"] for m in response.json["added"]] == ["Ana"]
    rows = {p["row"]: p["reason"] for p in response.json["rejected"]}
    assert set(rows) == {3, 4, 5, 6}
    assert "duplicate" in rows[4] and "NOPE" in rows[5] and "already exists" in rows[6]
    missing = api.post("/members/import", "carol", json={"csv": "name\nAna\n"}).json
    assert missing["added"] == [] and "missing column" in missing["rejected"][0]["reason"]
    assert api.post("/members/import", "alice", json={"csv": csv_text}).status_code == 403
    [entry] = _audited(world, "import_members")[:1]
    assert "added=1" in entry.detail


def _signed_in(app, world, who: str):
    client = app.test_client()
    sign_in(client, app, world.users[who].id)
    return client


def api_tokens_of_carol(world):
    from smsapp.services.domain import api_tokens

    with world.runtime.session() as s:
        return api_tokens.tokens_of(s, s.merge(world.users["carol"]))


def test_a_coordinator_makes_and_revokes_a_token_in_the_console(api, api_app, world):
    carol = _signed_in(api_app, world, "carol")
    made = carol.post("/console/tokens", data={"name": "weekly report"})
    assert made.status_code == 303  # shown on the page it redirects to: a reload makes none
    page = carol.get(made.headers["Location"])
    token = page.get_data(as_text=True).split('id="new-token"', 1)[1].split("</code>")[0]
    token = token.split(">", 1)[1].strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/groups", headers=bearer).status_code == 200
    listing = carol.get("/console/tokens").get_data(as_text=True)
    assert "weekly report" in listing and token not in listing
    with world.runtime.session() as s:
        from smsapp.services.domain import api_tokens

        [row, *_] = api_tokens.tokens_of(s, s.merge(world.users["carol"]))
    assert [t.name for t in api_tokens_of_carol(world)].count("weekly report") == 1
    assert _signed_in(api_app, world, "alice").get("/console/tokens").status_code == 403
    ask = carol.get(f"/console/tokens/{row.id}/revoke").get_data(as_text=True)
    assert "Revoke “weekly report”?" in ask and "stop working at once" in ask
    assert api.client.get("/api/v1/groups", headers=bearer).status_code == 200  # asked only
    assert carol.post(f"/console/tokens/{row.id}/revoke").status_code == 302
    assert api.client.get("/api/v1/groups", headers=bearer).status_code == 401
    assert carol.post("/console/tokens/999999/revoke").status_code == 404
