"""Every environment variable the code reads is in docs/CONFIGURATION.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_read_from_the_environment_is_documented():
    code = "\n".join(p.read_text() for p in (ROOT / "smsapp").rglob("*.py"))
    names = set(re.findall(r"""env(?:iron)?\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", code))
    names |= set(re.findall(r"""_number\(\s*env,\s*["']([A-Z][A-Z0-9_]+)["']""", code))
    documented = set(
        re.findall(
            r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "docs" / "CONFIGURATION.md").read_text(), re.M
        )
    )
    assert len(names) >= 15
    assert names - documented == set()
