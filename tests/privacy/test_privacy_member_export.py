"""A member's export: their own data, section by section, and nobody else's."""

from __future__ import annotations

import csv
import io
import json

import pytest

from smsapp.services.domain.privacy.export import export_member, to_csv, to_json
from tests.factories import PHONES
from tests.privacy.privacy_helpers import MOOD_NOTE, NAME, OUTBOUND, plant_member_data


@pytest.fixture
def exported(phones, runtime, world):
    phones.text("sam", '=HYPERLINK("x") hello')
    phones.text("maria", "maria's own words")
    with runtime.session() as s:
        plant_member_data(s, world, "sam", runtime.now())
        plant_member_data(s, world, "maria", runtime.now())
        s.commit()
    phones.drain()  # the case's texts to facilitators go out
    with runtime.session() as s:
        return export_member(s, world.members["sam"].id)


def test_profile_and_consent(exported, world):
    assert exported["profile"] == {
        "member_id": world.members["sam"].id,
        "name": NAME,
        "phone": PHONES["sam"],
        "language": "en",
        "time_zone": "America/New_York",
        "status": "active",
        "group": "Hope Circle",
        "checkin_time": None,
        "joined_at": "2026-03-02T15:00:00+00:00",
        "updated_at": "2026-03-02T15:00:00+00:00",
    }
    assert exported["consent"] == [
        {
            "at": "2026-03-02T15:00:00+00:00",
            "kind": "opt_in",
            "method": "console",
            "disclosure_text": "test",
            "disclosure_version": "t",
        }
    ]


def test_messages_in_and_out_are_the_members_own(exported):
    [inbound] = exported["messages_in"]
    assert inbound["body"] == '=HYPERLINK("x") hello' and "TALK" in inbound["reply"]
    outbound = exported["messages_out"]
    assert [m["kind"] for m in outbound] == ["reply", "scheduled"]
    assert outbound[1] == {
        "at": "2026-03-02T15:00:00+00:00",
        "kind": "scheduled",
        "status": "queued",
        "body": OUTBOUND,
    }
    text = json.dumps(exported)
    assert "maria's own words" not in text
    assert "[urgent]" not in text.lower() and "case " not in text.lower()  # responders' alerts


def test_scores_rsvps_and_cases_without_other_people(exported, world):
    assert exported["mood_scores"] == [
        {"at": "2026-03-02T15:00:00+00:00", "score": 4, "missed": False, "note": MOOD_NOTE}
    ]
    assert exported["rsvps"] == [
        {
            "meeting": "Tuesday circle",
            "meeting_start": "2026-03-03T15:00:00+00:00",
            "answer": "yes",
            "answered_at": "2026-03-02T15:00:00+00:00",
        }
    ]
    [case] = exported["cases"]
    assert case == {
        "opened_at": "2026-03-02T15:00:00+00:00",
        "urgency": "normal",
        "source": "talk",
        "reason": "asked to talk",
        "status": "resolved",
        "acknowledged_at": "2026-03-02T15:00:00+00:00",
        "resolved_at": "2026-03-02T15:00:00+00:00",
    }
    text = json.dumps(exported)
    assert "marmalade" not in text  # the responder's note
    assert "Carol" not in text and "carol@" not in text and PHONES["carol"] not in text


def test_json_rendering_round_trips(exported):
    assert json.loads(to_json(exported)) == exported


def test_csv_rendering_has_every_value_and_no_formulas(exported):
    rows = list(csv.reader(io.StringIO(to_csv(exported))))
    assert rows[0] == ["section", "row", "field", "value"]
    cells = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert cells[("profile", "1", "name")] == NAME
    assert cells[("profile", "1", "phone")] == "'" + PHONES["sam"]
    assert cells[("messages_in", "1", "body")] == '\'=HYPERLINK("x") hello'
    assert cells[("mood_scores", "1", "note")] == MOOD_NOTE
    assert cells[("rsvps", "1", "meeting")] == "Tuesday circle"
    assert {r[0] for r in rows[1:]} == {
        "profile",
        "consent",
        "messages_in",
        "messages_out",
        "mood_scores",
        "rsvps",
        "cases",
    }


def test_an_unknown_member_is_a_lookup_error(runtime, world):
    with runtime.session() as s, pytest.raises(LookupError):
        export_member(s, 999_999)
