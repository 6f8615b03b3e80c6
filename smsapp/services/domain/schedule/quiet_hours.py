"""Quiet hours: no scheduled message reaches a member at night in their own zone.

The window is half-open in local wall time: with the default 21:00-08:00 a send at
20:59 or 08:00 is allowed, one at 21:00 or 07:59 is not. Reminders move earlier
(to the last allowed minute before quiet hours began) so they still come before the
meeting; check-ins move later (to the minute quiet hours end).

Replies to a member's own text and anything in a crisis never pass through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from smsapp.services.domain.schedule.localtime import require_utc, to_local, to_utc

_MINUTES_PER_DAY = 24 * 60
# Sending one minute before quiet hours start keeps the message (and its delivery
# latency) out of the window while staying as close as possible to the intended time.
_EARLY_MARGIN = timedelta(minutes=1)


def _minute_of_day(t: time) -> int:
    return t.hour * 60 + t.minute


def _parse_hhmm(value: time | str, what: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{what} must be a time like 21:00, got {value!r}") from None


@dataclass(frozen=True)
class QuietHours:
    """A daily quiet window in local wall time; start > end means it spans midnight."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value.tzinfo is not None or value.second or value.microsecond:
                raise ValueError("quiet hours are whole minutes of local wall time")
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")

    @property
    def spans_midnight(self) -> bool:
        """True for windows like 21:00-08:00."""
        return self.start > self.end

    def contains_local(self, wall: time) -> bool:
        """True if the local wall time `wall` is inside quiet hours."""
        if self.spans_midnight:
            return wall >= self.start or wall < self.end
        return self.start <= wall < self.end

    def contains(self, utc: datetime, tz: str) -> bool:
        """True if the instant `utc` falls inside quiet hours in zone `tz`."""
        return self.contains_local(to_local(utc, tz).time())

    def quiet_minutes(self) -> frozenset[int]:
        """Minutes of the day (0..1439) inside the window."""
        first, last = _minute_of_day(self.start), _minute_of_day(self.end)
        length = (last - first) % _MINUTES_PER_DAY
        return frozenset((first + i) % _MINUTES_PER_DAY for i in range(length))

    def stricter(self, other: QuietHours) -> bool:
        """True if `self` is at least as strict as `other` (quiet whenever `other` is).

        Typical use: `org_hours.stricter(DEFAULT_QUIET_HOURS)`.
        """
        return self.quiet_minutes() >= other.quiet_minutes()

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_QUIET_HOURS = QuietHours()


def validate_org_quiet_hours(start: time | str, end: time | str) -> QuietHours:
    """Build an organisation's quiet hours, refusing anything less strict than 21:00-08:00.

    Organisations may widen the window (e.g. 20:00-09:00) but never shrink it, because
    a reminder at 3 a.m. is a harm the service promises not to cause.
    """
    hours = QuietHours(_parse_hhmm(start, "start"), _parse_hhmm(end, "end"))
    if not hours.stricter(DEFAULT_QUIET_HOURS):
        raise ValueError(
            f"quiet hours {hours} would allow messages at night; they must cover at least "
            f"{DEFAULT_QUIET_HOURS} (for example 20:00-09:00 is fine, 22:00-07:00 is not)"
        )
    return hours


def _quiet_began_on(wall: datetime, qh: QuietHours) -> date:
    """Local date on which the quiet period containing `wall` started."""
    if qh.spans_midnight and wall.time() < qh.end:
        return wall.date() - timedelta(days=1)
    return wall.date()


def _quiet_ends_on(wall: datetime, qh: QuietHours) -> date:
    """Local date on which the quiet period containing `wall` ends."""
    if qh.spans_midnight and wall.time() >= qh.start:
        return wall.date() + timedelta(days=1)
    return wall.date()


def shift_earlier(
    utc: datetime, tz: str, qh: QuietHours, not_before: datetime | None = None
) -> datetime | None:
    """Move a reminder out of quiet hours to one minute before they began (20:59 local).

    Times outside quiet hours are returned unchanged. Returns None when the result
    would be before `not_before` (usually now): a reminder that can no longer go out
    in time is dropped rather than sent late at night.
    """
    when = require_utc(utc)
    if qh.contains(when, tz):
        wall = to_local(when, tz).replace(tzinfo=None)
        began = datetime.combine(_quiet_began_on(wall, qh), qh.start)
        when = to_utc(began - _EARLY_MARGIN, tz)
    if not_before is not None and when < require_utc(not_before, "not_before"):
        return None
    return when


def shift_later(utc: datetime, tz: str, qh: QuietHours) -> datetime:
    """Move a check-in out of quiet hours to the minute they end (08:00 local, right day).

    Times outside quiet hours are returned unchanged.
    """
    when = require_utc(utc)
    if not qh.contains(when, tz):
        return when
    wall = to_local(when, tz).replace(tzinfo=None)
    return to_utc(datetime.combine(_quiet_ends_on(wall, qh), qh.end), tz)
