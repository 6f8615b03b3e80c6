"""The rota's week, pure: spans of a week in minutes, what covers a moment, the gaps,
and the words a coordinator types and reads ("mon-fri 18:00-08:00")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from smsapp.services.domain.schedule.plain import clock

DAY = 24 * 60
WEEK = 7 * DAY
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHIFT_RE = re.compile(
    r"^(?P<days>[a-z,\-]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


class RotaError(ValueError):
    """A rota or override refused; the message says why in plain words."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Span:
    """From `start` for `length` minutes, both in minutes since Monday 00:00 local."""

    start: int
    length: int

    def covers(self, minute: int) -> bool:
        return (minute - self.start) % WEEK < self.length


def span_of(weekday: int, starts: time, ends: time) -> Span:
    """A shift's span: an end at or before the start runs into the next day."""
    begin = starts.hour * 60 + starts.minute
    end = ends.hour * 60 + ends.minute
    length = (end - begin) % DAY or DAY
    return Span(weekday * DAY + begin, length)


def minute_of_week(local: datetime) -> int:
    return local.weekday() * DAY + local.hour * 60 + local.minute


def gaps(spans: list[Span]) -> list[Span]:
    """The parts of the week no span covers, in order from Monday 00:00."""
    covered = [False] * WEEK
    for span in spans:
        for offset in range(span.length):
            covered[(span.start + offset) % WEEK] = True
    found: list[Span] = []
    minute = 0
    while minute < WEEK:
        if covered[minute]:
            minute += 1
            continue
        start = minute
        while minute < WEEK and not covered[minute]:
            minute += 1
        found.append(Span(start, minute - start))
    if len(found) > 1 and found[0].start == 0 and found[-1].start + found[-1].length == WEEK:
        last = found.pop()  # Sunday night into Monday morning is one gap
        found[0] = Span(last.start, last.length + found[0].length)
    return found


def moment(minute: int) -> str:
    """ "Monday 6:00 PM"."""
    minute %= WEEK
    return f"{DAY_NAMES[minute // DAY]} {clock(time(minute % DAY // 60, minute % 60))}"


def describe_span(span: Span) -> str:
    """ "Monday 6:00 PM to Tuesday 8:00 AM"; a whole week reads "all week"."""
    if span.length >= WEEK:
        return "all week"
    return f"{moment(span.start)} to {moment(span.start + span.length)}"


def describe_hours(starts: time, ends: time) -> str:
    """ "6:00 PM to 8:00 AM the next day", "all day"."""
    if starts == ends:
        return "all day" if starts == time(0) else f"{clock(starts)} to {clock(ends)} the next day"
    suffix = " the next day" if ends < starts and ends != time(0) else ""
    end = "midnight" if ends == time(0) else clock(ends)
    return f"{clock(starts)} to {end}{suffix}"


def parse_days(text: str) -> tuple[int, ...]:
    """ "mon-fri", "sat,sun", "daily" -> weekday numbers (0 = Monday)."""
    text = text.strip().lower()
    if text in ("daily", "every day", "all"):
        return tuple(range(7))
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if first[:3] not in DAY_CODES or (last and last[:3] not in DAY_CODES):
            raise RotaError(
                f"{part.strip()!r} is not a day; write mon, tue … sun or mon-fri", "days"
            )
        a = DAY_CODES.index(first[:3])
        b = DAY_CODES.index(last[:3]) if last else a
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    return tuple(sorted(days))


def parse_clock(text: str) -> time:
    """ "18:00" -> 18:00; "24:00" means midnight at the end of the day."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise RotaError(f"{text.strip()!r} is not a time; write HH:MM, e.g. 18:00", "time")
    h, m = int(hours), int(minutes)
    if (h, m) == (24, 0):
        return time(0)
    if h > 23 or m > 59:
        raise RotaError(f"{text.strip()!r} is not a time of day", "time")
    return time(h, m)


def parse_shift(text: str) -> tuple[tuple[int, ...], time, time]:
    """ "mon-fri 18:00-08:00" -> (days, starts, ends); "sat-sun 00:00-24:00" is whole days."""
    match = _SHIFT_RE.match(text.strip().lower())
    if match is None:
        raise RotaError(
            f'{text.strip()!r}: write days and hours, e.g. "mon-fri 18:00-08:00"', "shift"
        )
    return parse_days(match["days"]), parse_clock(match["start"]), parse_clock(match["end"])
