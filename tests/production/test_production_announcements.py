"""An announcement sent with `smsapp announce` to a group of 20 set up with the CLI:
once per active member, never to an opted-out or a paused one, and after quiet hours to
a member whose local time is 23:00 (the service runs on the real clock, so the zones are
chosen from the time the test runs)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.production.harness import Production, production

HARBOR = "+15005550010"
TEXT = "Hope Circle meets at the library this week, not the church hall."
PASSWORD = "correct horse battery staple\n"


@pytest.fixture
def prod(tmp_path: Path) -> Iterator[Production]:
    """The service as in production, paced at the default one text a second per number."""
    with production(tmp_path, os.environ["DATABASE_URL"], os.environ["REDIS_URL"]) as running:
        yield running


def zone_where_it_is(hour: int, now: datetime) -> str:
    """A fixed-offset IANA zone whose local hour is `hour` at `now`."""
    offset = (hour - now.hour) % 24
    if offset > 14:
        offset -= 24
    # Etc/GMT zones count the other way round: Etc/GMT-8 is UTC+8.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def _phone(n: int) -> str:
    return f"+1202555{n:04d}"


def _set_up(prod: Production, day_zone: str, night_zone: str) -> dict[str, int]:
    prod.cli("orgs", "create", "Harbor", "--number", HARBOR, "--timezone", day_zone)
    prod.cli(
        "users", "create", "--role", "coordinator", "--email", "carol@harbor.example",
        "--name", "Carol", "--organisation", "Harbor", "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    prod.cli(
        "users", "create", "--role", "facilitator", "--email", "fay@harbor.example",
        "--name", "Fay", "--organisation", "Harbor", "--phone", "+12025550999",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    prod.cli(
        "groups", "create", "--organisation", "Harbor", "--name", "Hope Circle",
        "--code", "HOPE42", "--timezone", day_zone, "--facilitator", "fay@harbor.example",
    )  # fmt: skip

    def add(n: int) -> tuple[str, int]:
        zone = ["--timezone", night_zone] if n == 20 else []
        out = prod.cli(
            "members", "add", "--organisation", "Harbor", "--group", "HOPE42",
            "--phone", _phone(n), "--name", f"Member {n}", *zone,
        ).stdout  # fmt: skip
        return _phone(n), int(out.split()[2])

    with ThreadPoolExecutor(4) as pool:  # an operator's script may add them side by side
        return dict(pool.map(add, range(1, 21)))


def test_an_announcement_from_the_cli_reaches_each_active_member_once(
    prod: Production,
) -> None:
    # The zones are fixed offsets, so the night member is in quiet hours from 23:00 to
    # 08:00 whichever minute the test starts at: nothing to wait for at 23:55.
    now = datetime.now(UTC)
    day_zone, night_zone = zone_where_it_is(12, now), zone_where_it_is(23, now)
    ids = _set_up(prod, day_zone, night_zone)
    opted_out, paused, night = _phone(18), _phone(19), _phone(20)
    assert "unsubscribed" in prod.text(opted_out, HARBOR, "STOP").text.lower()
    assert "Paused" in prod.text(paused, HARBOR, "PAUSE").text

    out = prod.cli("announce", "--organisation", "Harbor", "--group", "HOPE42", TEXT).stdout
    assert "18 members now (1 segment, GSM-7); 1 after their quiet hours, 2 left out" in out

    active = [_phone(n) for n in range(1, 18)]

    def all_arrived() -> bool:
        return all(any(m["Body"] == TEXT for m in prod.sent_to(p)) for p in active)

    prod.wait_for(all_arrived, timeout=60, what="the announcement on 17 phones")
    time.sleep(3)  # a second tick and a re-run job must not send anything again
    for phone in active:
        assert [m["Body"] for m in prod.sent_to(phone)].count(TEXT) == 1
        assert prod.sent_to(phone)[0]["From"] == HARBOR
    for phone in (opted_out, paused, night):
        assert not [m for m in prod.sent_to(phone) if m["Body"] == TEXT]

    # The night member's copy waits for 08:00 their time, the end of their quiet hours.
    [(due_at,)] = prod.sql(
        "SELECT due_at FROM announcement_copies WHERE member_id = :id", id=ids[night]
    )
    local = due_at.astimezone(ZoneInfo(night_zone))
    assert (local.hour, local.minute) == (8, 0)
    assert timedelta(hours=8) < due_at - now < timedelta(hours=10)

    token = prod.create_token("carol@harbor.example")
    [group] = prod.api(token, "GET", "/api/v1/groups").json()["groups"]
    [item] = prod.api(token, "GET", f"/api/v1/groups/{group['id']}/announcements").json()[
        "announcements"
    ]
    counts = item["deliveries"]
    assert counts["queued"] == 1 and counts["sent"] + counts["delivered"] == 17
    audit = prod.sql("SELECT actor, detail FROM audit_log WHERE action = 'announce'")
    assert [(a, d.startswith(f"announcement={item['id']} recipients=18")) for a, d in audit] == [
        ("operator", True)
    ]
    assert not prod.server_errors()
