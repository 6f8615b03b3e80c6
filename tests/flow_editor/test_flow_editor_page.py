"""The flow editor page: copy, edit with inline errors, publish (refused with errors), diff,
use for a group; coordinators only, and nothing of another organisation's."""

from __future__ import annotations

import re

from smsapp.services.domain import flow_editor
from tests.factories import PASSWORD, make_user


def _without_nonces(html: str) -> str:
    """The page less its CSP nonces: random letters that may spell anything, "v2" too."""
    return re.sub(r'nonce="[^"]*"', "", html)


def _login(app, who):
    client = app.test_client()
    response = client.post(
        "/console/login", data={"email": f"{who}@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_coordinator_edits_publishes_and_assigns_a_flow(app, world, runtime):
    carol = _login(app, "carol")
    assert "checkin" in carol.get("/console/flows").get_data(as_text=True)
    assert carol.post("/console/flows/checkin/copy").status_code == 302
    page = carol.get("/console/flows/checkin").get_data(as_text=True)
    assert "Editing draft <strong>v2</strong>" in page
    assert "1 × GSM-7" in page and "Hi Alexandra, how are you today?" in page

    with runtime.session() as s:
        text = flow_editor.draft_of(s, world.org.id, "checkin").yaml_text  # type: ignore[union-attr]
    broken = text.replace("to: good}", "to: grand}")
    saved = carol.post("/console/flows/checkin/save", data={"yaml_text": broken})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert "unknown node &#39;grand&#39;" in html and 'href="#line-' in html
    refused = carol.post("/console/flows/checkin/publish")
    assert refused.status_code == 422 and "Not published: 1 error(s) remain." in refused.get_data(
        as_text=True
    )

    carol.post(
        "/console/flows/checkin/save",
        data={"yaml_text": text.replace("Glad to hear it", "So glad")},
    )
    assert carol.post("/console/flows/checkin/publish").status_code == 302
    diff = carol.get("/console/flows/checkin/diff?from=0&to=2").get_data(as_text=True)
    assert "+      en: So glad" in diff
    assigned = carol.post(
        "/console/flows/checkin/assign", data={"group_id": world.hope.id, "version": "2"}
    )
    assert assigned.status_code == 302
    with runtime.session() as s:
        assert flow_editor.assigned_version(s, world.hope.id, "checkin").version == 2  # type: ignore[union-attr]


def test_the_flow_editor_is_for_this_organisations_coordinators(app, world, runtime):
    with runtime.session() as s:
        flow_editor.copy_builtin(s, world.org.id, "checkin", None, runtime.now())
        flow_editor.publish(s, world.org.id, "checkin", None, runtime.now())
        s.commit()
    alice = _login(app, "alice")
    assert alice.get("/console/flows").status_code == 403
    assert alice.post("/console/flows/checkin/save", data={"yaml_text": "x"}).status_code == 403
    dave = _login(app, "dave")  # a facilitator elsewhere: refused before anything is read
    assert dave.get("/console/flows/checkin/diff?from=0&to=2").status_code == 403
    with runtime.session() as s:  # a coordinator of the other organisation
        make_user(s, s.merge(world.other_org), "stranger", "coordinator", [])
        s.commit()
    outsider = _login(app, "stranger")
    assert outsider.get("/console/flows/checkin/diff?from=0&to=2").status_code == 404
    page = _without_nonces(outsider.get("/console/flows/checkin").get_data(as_text=True))
    assert "v2" not in page
    carol = _login(app, "carol")
    assert carol.get("/console/flows/nosuchflow").status_code == 404
    other = carol.post(
        "/console/flows/checkin/assign", data={"group_id": world.other_group.id, "version": "2"}
    )
    assert other.status_code == 404
