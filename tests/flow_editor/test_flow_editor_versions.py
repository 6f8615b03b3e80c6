"""Copy, edit, save, publish (refused with errors), diff and assign organisation flows."""

from __future__ import annotations

import pytest

from smsapp.models import Member
from smsapp.services.conversation import conversations
from smsapp.services.domain import flow_editor
from smsapp.services.domain.flow_editor import PublishRefused
from tests.factories import World

BROKEN_ROUTE = "- {type: number, min: 4, max: 5, to: good}"


def _copy(world: World, s) -> str:
    return flow_editor.copy_builtin(s, world.org.id, "checkin", None, world.runtime.now()).yaml_text


def test_a_copy_starts_as_a_draft_numbered_after_the_builtin(world):
    with world.runtime.session() as s:
        draft = flow_editor.copy_builtin(s, world.org.id, "checkin", None, world.runtime.now())
        assert (draft.flow_id, draft.version, draft.status) == ("checkin", 2, "draft")
        assert "\nversion: 2\n" in draft.yaml_text
        again = flow_editor.copy_builtin(s, world.org.id, "checkin", None, world.runtime.now())
        assert again.id == draft.id  # one open draft per flow


def test_saving_reports_errors_with_lines_and_publishing_is_refused(world):
    with world.runtime.session() as s:
        text = _copy(world, s).replace(BROKEN_ROUTE, "- {type: number, min: 4, max: 5, to: grand}")
        saved = flow_editor.save_draft(s, world.org.id, "checkin", text, None, world.runtime.now())
        line = text.splitlines().index("        - {type: number, min: 4, max: 5, to: grand}") + 1
        [error] = saved.check.errors
        assert (error.line, error.message) == (line, "unknown node 'grand'")
        assert saved.version.yaml_text == text  # a draft keeps what was typed, errors and all
        with pytest.raises(PublishRefused) as refused:
            flow_editor.publish(s, world.org.id, "checkin", None, world.runtime.now())
        assert refused.value.issues == [error]
        assert flow_editor.draft_of(s, world.org.id, "checkin") is not None


def test_yaml_errors_and_a_changed_id_are_errors(world):
    check = flow_editor.check_yaml("id: checkin\nnodes: [\n", "checkin")
    assert check.errors[0].message.startswith("invalid YAML") and check.errors[0].line == 3
    with world.runtime.session() as s:
        text = _copy(world, s).replace("id: checkin", "id: mood")
    [error] = flow_editor.check_yaml(text, "checkin").errors
    assert (error.message, error.line) == ("the id must stay 'checkin'", 4)


def test_each_message_shows_segments_encoding_and_a_preview(world):
    with world.runtime.session() as s:
        text = _copy(world, s).replace(
            "Glad to hear it, {{ member.first_name }}! Thanks for checking in.",
            "Glad to hear it, {{ member.first_name }} 🙂",
        )
    check = flow_editor.check_yaml(text, "checkin")
    good = {m.path: m for m in check.messages}["nodes.good.message.en"]
    assert good.preview == "Glad to hear it, Alexandra 🙂"
    assert (good.encoding, good.segments, good.ucs2_char) == ("UCS-2", 1, "🙂")
    assert (
        good.line
        == text.splitlines().index("      en: Glad to hear it, {{ member.first_name }} 🙂") + 1
    )
    ask = {m.path: m for m in check.messages}["nodes.ask.message.en"]
    assert (ask.encoding, ask.segments) == ("GSM-7", 1)
    assert ask.preview is not None and ask.preview.startswith("Hi Alexandra, how are you today?")


def test_publish_keeps_old_versions_and_diffs_them(world):
    now = world.runtime.now()
    with world.runtime.session() as s:
        text = _copy(world, s)
        v2 = flow_editor.publish(s, world.org.id, "checkin", None, now)
        assert (v2.version, v2.status, v2.published_at) == (2, "published", now)
        edited = text.replace("Thanks for checking in.\n", "Thank you!\n")
        saved = flow_editor.save_draft(s, world.org.id, "checkin", edited, None, now)
        assert saved.version.version == 3 and saved.check.ok
        flow_editor.publish(s, world.org.id, "checkin", None, now)
        versions = flow_editor.versions(s, world.org.id, "checkin")
        assert [(v.version, v.status) for v in versions] == [(3, "published"), (2, "published")]
        diff = flow_editor.diff(s, world.org.id, "checkin", 2, 3)
        assert diff[:2] == ["--- checkin v2", "+++ checkin v3"]
        assert "-version: 2" in diff and "+version: 3" in diff
        assert any(line.startswith("+") and "Thank you!" in line for line in diff)
        from_builtin = flow_editor.diff(s, world.org.id, "checkin", 0, 2)
        assert from_builtin[0] == "--- checkin (built-in)"


def test_a_group_uses_a_published_version_only(world):
    now = world.runtime.now()
    with world.runtime.session() as s:
        _copy(world, s)
        hope = s.merge(world.hope)
        with pytest.raises(ValueError, match="publish it first"):
            flow_editor.use_for_group(s, hope, "checkin", 2)
        flow_editor.publish(s, world.org.id, "checkin", None, now)
        flow_editor.use_for_group(s, hope, "checkin", 2)
        assigned = flow_editor.assigned_version(s, hope.id, "checkin")
        assert assigned is not None and assigned.version == 2
        with pytest.raises(LookupError):  # another organisation's versions are not there
            flow_editor.use_for_group(s, s.merge(world.other_group), "checkin", 2)
        flow_editor.use_for_group(s, hope, "checkin", None)
        assert flow_editor.assigned_version(s, hope.id, "checkin") is None


def _publish_good_reply(world: World, s, reply: str) -> int:
    text = flow_editor.copy_builtin(s, world.org.id, "checkin", None, world.runtime.now()).yaml_text
    if flow_editor.latest_published(s, world.org.id, "checkin") is not None:
        text = flow_editor.latest_published(s, world.org.id, "checkin").yaml_text  # type: ignore[union-attr]
    text = text.replace("Glad to hear it, {{ member.first_name }}! Thanks for checking in.", reply)
    for line in text.splitlines():
        if line.startswith("      en: Great"):
            text = text.replace(line, f"      en: {reply}")
    flow_editor.save_draft(s, world.org.id, "checkin", text, None, world.runtime.now())
    version = flow_editor.publish(s, world.org.id, "checkin", None, world.runtime.now())
    flow_editor.use_for_group(s, s.merge(world.hope), "checkin", version.version)
    return version.version


def test_a_running_session_keeps_its_version_after_a_new_publish(world):
    now = world.runtime.now()
    with world.runtime.session() as s:
        assert _publish_good_reply(world, s, "Great (v2)") == 2
        sam = s.get(Member, world.members["sam"].id)
        assert sam is not None
        conversations.start_flow(s, sam, "checkin", now)
        assert _publish_good_reply(world, s, "Great (v3)") == 3
        assert conversations.answer(s, sam, "5", now) == "Great (v2)"
        conversations.start_flow(s, sam, "checkin", now)
        assert conversations.answer(s, sam, "5", now) == "Great (v3)"
