"""When check-ins and meeting reminders fire, in UTC, from local schedules.

Times of day are local wall times, so a 19:00 check-in is 19:00 on both sides of a
DST change. Quiet hours are judged in the member's own zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from smsapp.services.domain.schedule.localtime import require_utc, to_local, to_utc
from smsapp.services.domain.schedule.quiet_hours import QuietHours, shift_earlier, shift_later

DEFAULT_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))

_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
# "7", "7pm", "7:30", "7.30pm", "19h", "19h30"; a.m./p.m. are folded to am/pm first.
_TIME_RE = re.compile(r"^(?P<h>\d{1,2})(?:(?P<sep>[:.h])(?P<m>\d{2})?)?(?P<half>am|pm)?$")
_HALF_RE = re.compile(r"(?<=\d)([ap])\.?(?:m\.?)?$")
_HELP = "Try 7PM, 7:30pm or 19:00."


def _fail(text: str, why: str = "") -> ValueError:
    reason = f" {why}" if why else ""
    return ValueError(f"Sorry, I didn't understand {text.strip()!r} as a time.{reason} {_HELP}")


def _normalise(text: str) -> str:
    """Lower case, no spaces, and "p", "p.m." or "pm." folded to "pm"."""
    compact = re.sub(r"\s+", "", text.lower())
    return _HALF_RE.sub(r"\1m", compact)


def parse_time_of_day(text: str) -> time:
    """Read a time of day a member texted: "7PM", "7 pm", "19:00", "7:30pm", "noon", "19h".

    "H:MM" and "H.MM" without am/pm are read on the 24-hour clock ("7:30" is 07:30).
    A bare hour is accepted only when it cannot be morning or evening ("19"); "7" asks
    for am or pm. Raises ValueError with a message fit to text back.
    """
    if len(text) > 20:
        raise _fail(text[:20] + "...")
    folded = _normalise(text)
    if folded in _WORDS:
        return _WORDS[folded]
    match = _TIME_RE.match(folded)
    if match is None:
        raise _fail(text)
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["sep"] in (":", ".") and match["m"] is None:
        raise _fail(text)
    if minute > 59:
        raise _fail(text, "Minutes go up to 59.")
    half = match["half"]
    if half:
        if match["sep"] == "h" or not 1 <= hour <= 12:
            raise _fail(text, "With am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["sep"] is None and hour <= 12:
        raise _fail(text, "Please add am or pm.")
    if hour > 23:
        raise _fail(text, "Hours go up to 23.")
    return time(hour, minute)


def _check_days(days_of_week: Iterable[int]) -> frozenset[int]:
    days = frozenset(days_of_week)
    if not days:
        raise ValueError("a check-in schedule needs at least one day of the week")
    if not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        raise ValueError("days of the week are 0 (Monday) to 6 (Sunday)")
    return days


def next_checkin_at(
    days_of_week: set[int] | frozenset[int],
    local_time: time,
    tz: str,
    after_utc: datetime,
    qh: QuietHours,
    member_tz: str | None = None,
) -> datetime:
    """Next check-in send strictly after `after_utc`, in UTC.

    The schedule is `local_time` on `days_of_week` (0=Monday) in zone `tz`; a time that
    falls in quiet hours (judged in `member_tz`, default `tz`) moves later to when they
    end. A local time in a spring-forward gap moves forward by the gap.
    """
    days = _check_days(days_of_week)
    after = require_utc(after_utc, "after_utc")
    quiet_tz = member_tz or tz
    # Start a day early: yesterday's late slot may have been pushed past `after`.
    first_day = to_local(after, tz).date() - timedelta(days=1)
    for ahead in range(9):
        day = first_day + timedelta(days=ahead)
        if day.weekday() not in days:
            continue
        fire = shift_later(to_utc(datetime.combine(day, local_time), tz), quiet_tz, qh)
        if fire > after:
            return fire
    raise AssertionError("a weekly schedule always fires within 8 days")  # pragma: no cover


def reminder_fire_times(
    meeting_start_utc: datetime,
    offsets: Sequence[timedelta] | None,
    member_tz: str,
    qh: QuietHours,
    now_utc: datetime,
) -> list[tuple[timedelta, datetime]]:
    """One send time per reminder offset before a meeting, as (offset, send_utc), by time.

    `offsets=None` means the default 24 h and 2 h. A send inside the member's quiet
    hours moves earlier (see `shift_earlier`). A reminder is dropped when its send
    time is already before `now_utc` or is not before the meeting start. When two
    offsets land on the same minute, only the larger offset is kept, so nobody gets
    the same reminder twice at once.
    """
    start = require_utc(meeting_start_utc, "meeting_start_utc")
    now = require_utc(now_utc, "now_utc")
    chosen: dict[datetime, timedelta] = {}
    for offset in sorted(set(offsets or DEFAULT_REMINDER_OFFSETS), reverse=True):
        send = shift_earlier(start - offset, member_tz, qh, not_before=now)
        if send is None or send >= start or send in chosen:
            continue
        chosen[send] = offset
    return sorted(((offset, send) for send, offset in chosen.items()), key=lambda p: p[1])
