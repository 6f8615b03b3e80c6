"""Announcements through the API: preview, send, list with delivery counts; who may."""

from __future__ import annotations

from tests.factories import Phones, World

TEXT = "No meeting on Wednesday: the hall is closed. See you next week."


def test_a_coordinator_previews_sends_and_reads_the_delivery_counts(
    api, world: World, phones: Phones
) -> None:
    path = f"/groups/{world.hope.id}/announcements"
    preview = api.post(f"{path}/preview", "carol", json={"text": TEXT + " \U0001f33c"})
    assert preview.status_code == 200, preview.json
    assert preview.json["encoding"] == "UCS-2" and preview.json["segments"] == 1
    assert (preview.json["recipients"], preview.json["left_out"]) == (2, 0)
    assert api.get(path, "carol").json["announcements"] == []  # a preview sends nothing

    sent = api.post(path, "carol", json={"text": TEXT})
    assert sent.status_code == 201, sent.json
    assert sent.json["encoding"] == "GSM-7" and sent.json["segments"] == 1
    assert sent.json["deliveries"]["queued"] == 2
    phones.drain()
    assert phones.received("sam") == [TEXT] and phones.received("maria") == [TEXT]

    one = api.get(f"{path}/{sent.json['id']}", "carol").json
    assert one["deliveries"] == {"queued": 0, "sent": 2, "delivered": 0, "failed": 0, "not_sent": 0}
    listed = api.get(path, "alice").json["announcements"]  # the group's facilitator reads
    assert [a["id"] for a in listed] == [sent.json["id"]]


def test_bad_input_gets_a_422_naming_the_field(api, world: World) -> None:
    path = f"/groups/{world.hope.id}/announcements"
    empty = api.post(path, "carol", json={"text": "  "})
    assert empty.status_code == 422
    assert empty.json["details"] == [{"path": "text", "message": "the text is empty"}]
    long = api.post(path, "carol", json={"text": "y" * 700})
    assert long.status_code == 422 and "too long" in long.json["error"]
    past = api.post(path, "carol", json={"text": TEXT, "send_at": "2026-03-01 10:00"})
    assert past.status_code == 422 and past.json["details"][0]["path"] == "send_at"
    assert "already passed" in past.json["error"]
    later = api.post(path, "carol", json={"text": TEXT, "send_at": "2026-03-02 18:00"})
    assert later.status_code == 201 and later.json["send_at"].startswith("2026-03-02T23:00")


def test_other_organisations_and_facilitators_cannot_announce(api, world: World) -> None:
    body = {"text": TEXT}
    assert (
        api.post(f"/groups/{world.other_group.id}/announcements", "carol", json=body).status_code
        == 404
    )
    assert api.post("/groups/999999/announcements", "carol", json=body).status_code == 404
    assert api.get(f"/groups/{world.other_group.id}/announcements", "carol").status_code == 404
    assert api.post(f"/groups/{world.hope.id}/announcements", "alice", json=body).status_code == 403
    assert api.post(f"/groups/{world.calm.id}/announcements", "alice", json=body).status_code == 404
    mine = api.post(f"/groups/{world.hope.id}/announcements", "carol", json=body).json["id"]
    assert api.get(f"/groups/{world.calm.id}/announcements/{mine}", "carol").status_code == 404
    assert api.get(f"/groups/{world.hope.id}/announcements/{mine}", "dave").status_code == 404
