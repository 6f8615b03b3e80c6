"""Every shipped transcript passes against the real router, worker and database.

The `runtime` fixture is SQLite + fakeredis by default, PostgreSQL / Redis when
DATABASE_URL / REDIS_URL are set, so CI runs these both ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smsapp.cli import main
from smsapp.testing.transcripts import TranscriptError, matches, parse, run_file, run_text

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "smsapp" / "flows" / "transcripts"
SHIPPED = sorted(TRANSCRIPTS.glob("*.txt"))


def test_every_builtin_flow_and_the_commands_ship_transcripts():
    names = {path.stem.split("_")[0] for path in SHIPPED}
    assert {"join", "checkin", "reminder", "commands"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_transcript_passes(path, runtime):
    result = run_file(path, runtime=runtime)
    assert result.ok, "\n".join(f.format(path.name) for f in result.failures)


def test_a_wrong_expectation_reports_line_expected_and_actual(runtime):
    script = "@member name=Sam\n# a comment\nmember> TALK\napp< Something else entirely\n"
    result = run_text(script, runtime=runtime)
    [failure] = result.failures
    assert failure.line == 4
    assert failure.expected == "Something else entirely"
    assert failure.actual.startswith("Thanks for reaching out")
    assert "line 4: expected 'Something else entirely', got 'Thanks" in failure.format()


def test_an_unexpected_text_to_the_member_fails(runtime):
    result = run_text("@member name=Sam\nmember> TALK\nmember> MOOD\n", runtime=runtime)
    assert result.failures[0].line == 3
    assert result.failures[0].actual.startswith("Thanks for reaching out")


def test_wildcards_and_whitespace():
    assert matches("Thanks...", "Thanks for checking in.")
    assert matches("...TALK...", "Reply TALK now")
    assert matches("a b", "a\n\nb")
    assert not matches("Thanks", "Thanks for checking in.")


def test_a_malformed_line_is_a_transcript_error():
    with pytest.raises(TranscriptError, match="line 2"):
        parse("@member name=Sam\nmembr> hi\n")


def test_cli_runs_transcripts_and_exits_1_on_failure(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("@member name=Sam\nmember> MOOD\napp< No check-ins yet...\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("@member name=Sam\nmember> MOOD\napp< Your last 7...\n")
    assert main(["flows", "test", str(good)]) == 0
    assert main(["flows", "test", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: expected 'Your last 7...', got 'No check-ins yet" in out
    assert "1 passed, 1 failed" in out
