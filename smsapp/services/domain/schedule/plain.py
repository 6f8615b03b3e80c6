"""Schedules in plain terms: what a coordinator picks (every week on Wednesday, every 2
weeks, the first Monday of the month; reminders 1 day and 2 hours before) and how a
schedule reads back ("Every Wednesday, 7:00 PM Chicago time").

The stored form stays an RFC 5545 rule and reminder minutes; this module turns one into
the other both ways, so forms and the API never ask people for RRULE text or minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from smsapp.services.domain.schedule.recurrence import rrule_monthly_nth_weekday, rrule_weekly

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
REPEATS = ("once", "weekly", "monthly")
# The reminder choices a form offers, in minutes before the meeting.
REMINDER_CHOICES = (10080, 2880, 1440, 240, 120, 60, 30)
_UNITS = (("week", 10080), ("day", 1440), ("hour", 60), ("minute", 1))
_OFFSET_WORD = re.compile(
    r"^\s*(\d+)\s*(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)\s*(before)?\s*$", re.I
)


class PlainError(ValueError):
    """Input that does not describe a schedule; `field` names what is wrong."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Repeat:
    """How a meeting repeats: once; weekly every `interval` weeks on `days` (0=Monday);
    or monthly on the `nth` (1..5, -1 = last) `days[0]` of the month."""

    kind: str = "once"
    interval: int = 1
    days: tuple[int, ...] = ()
    nth: int = 1

    def to_rrule(self) -> str:
        """The RFC 5545 rule ("" for once); raises PlainError naming the field at fault."""
        if self.kind == "once":
            return ""
        if self.kind == "weekly":
            if not self.days:
                raise PlainError("pick at least one day of the week", "days")
            if not 1 <= self.interval <= 8:
                raise PlainError("repeat every 1 to 8 weeks", "interval")
            return rrule_weekly(self.days, self.interval)
        if self.kind == "monthly":
            if len(self.days) != 1:
                raise PlainError("pick one day of the week for a monthly meeting", "days")
            if self.nth not in ORDINALS:
                raise PlainError("pick first, second, third, fourth or last", "nth")
            return rrule_monthly_nth_weekday(self.nth, self.days[0])
        raise PlainError(f"repeat must be one of {', '.join(REPEATS)}", "repeat")


def repeat_of(rule: str) -> Repeat | None:
    """The plain form of a stored rule; None when the rule says more than a form can."""
    if not rule:
        return Repeat("once")
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    parts.pop("UNTIL", None)  # an ended series repeats the same way until its end
    allowed = {"FREQ", "INTERVAL", "BYDAY"}
    if set(parts) - allowed:
        return None
    days = parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []
    if parts.get("FREQ") == "WEEKLY":
        if not days or any(d not in DAY_CODES for d in days):
            return None
        interval = int(parts.get("INTERVAL", "1"))
        return Repeat("weekly", interval, tuple(sorted(DAY_CODES.index(d) for d in days)))
    match = re.fullmatch(r"(-?\d)(MO|TU|WE|TH|FR|SA|SU)", days[0]) if len(days) == 1 else None
    if parts.get("FREQ") == "MONTHLY" and match and "INTERVAL" not in parts:
        nth = int(match.group(1))
        if nth in ORDINALS:
            return Repeat("monthly", 1, (DAY_CODES.index(match.group(2)),), nth)
    return None


def zone_label(tz: str) -> str:
    """How a zone reads in a sentence: "America/Chicago" -> "Chicago time"."""
    if tz in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    return f"{tz.rsplit('/', 1)[-1].replace('_', ' ')} time"


def clock(value: time) -> str:
    """7:00 PM, 12:30 AM."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def day_list(days: Iterable[int]) -> str:
    """ "Monday", "Monday and Thursday", "Monday, Wednesday and Friday"."""
    names = [DAY_NAMES[d] for d in sorted(set(days))]
    if len(names) == 7:
        return "every day"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def long_date(day: date) -> str:
    """ "Wednesday 4 March 2026"."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {day.strftime('%B')} {day.year}"


def describe_series(rule: str, start_local: datetime, tz: str) -> str:
    """A series in one line, e.g. "Every Wednesday, 7:00 PM Chicago time"."""
    at = f"{clock(start_local.time())} {zone_label(tz)}"
    repeat = repeat_of(rule)
    if repeat is None:
        return f"Custom repeat ({rule}), {at}"
    if repeat.kind == "once":
        return f"Once, {long_date(start_local.date())}, {at}"
    until = _until(rule)
    ends = f" (ended; the last day was {long_date(until)})" if until else ""
    if repeat.kind == "monthly":
        ordinal = ORDINALS[repeat.nth]
        return f"The {ordinal} {DAY_NAMES[repeat.days[0]]} of every month, {at}{ends}"
    every = "Every" if repeat.interval == 1 else f"Every {repeat.interval} weeks on"
    days = day_list(repeat.days)
    if days == "every day":
        days = "day" if repeat.interval == 1 else "every day"
    return f"{every} {days}, {at}{ends}"


def _until(rule: str) -> date | None:
    for part in rule.split(";"):
        if part.startswith("UNTIL="):
            return datetime.strptime(part[6:14], "%Y%m%d").date()
    return None


def describe_offset(minutes: int) -> str:
    """1440 -> "1 day before", 90 -> "1 hour 30 minutes before"."""
    words = []
    rest = minutes
    for unit, size in _UNITS:
        count, rest = divmod(rest, size)
        if count:
            words.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return f"{' '.join(words) or '0 minutes'} before"


def describe_offsets(minutes: Sequence[int]) -> str:
    """[1440, 120] -> "1 day before, 2 hours before"; [] -> "no reminders"."""
    ordered = sorted(set(minutes), reverse=True)
    return ", ".join(describe_offset(m) for m in ordered) if ordered else "no reminders"


def parse_offset(text: str) -> int:
    """ "1 day", "2 hours before", "30 min" -> minutes (PlainError otherwise)."""
    match = _OFFSET_WORD.match(text)
    if not match:
        raise PlainError(f"{text.strip()!r} is not like “1 day” or “2 hours”", "reminders")
    unit = match.group(2).lower()[0]
    size = {"w": 10080, "d": 1440, "h": 60, "m": 1}[unit]
    return int(match.group(1)) * size


def parse_offsets(texts: Iterable[str]) -> list[int]:
    """Several reminders at once ("1 day, 2 hours"); every bad one is named."""
    values, bad = [], []
    for part in texts:
        for piece in part.split(","):
            if not piece.strip():
                continue
            try:
                values.append(parse_offset(piece))
            except PlainError:
                bad.append(piece.strip())
    if bad:
        raise PlainError(
            f"not understood: {', '.join(bad)} (write e.g. “1 day, 2 hours”)", "reminders"
        )
    return sorted(set(values), reverse=True)
