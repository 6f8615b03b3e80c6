"""Meeting series: RFC 5545 recurrence rules expanded in local wall time.

A series is expanded in the group's local wall time and each occurrence is then
converted to UTC, so a 19:00 weekly meeting stays at 19:00 local on both sides of a
DST change (its UTC time moves by an hour instead).

Cancellations and moves are keyed by the occurrence's *original* start in UTC, the
same key the database uses for RSVPs and exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.rrule import rrule, rrulestr

from smsapp.services.domain.schedule.localtime import require_utc, to_local, to_utc, validate_tz

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The time of day comes from the series start; rules that repeat more than daily or
# pick hours themselves would send a reminder storm.
_TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")
_FORBIDDEN_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "RDATE", "EXDATE", "EXRULE")
# A naive start only used to check that a rule parses.
_PROBE_START = datetime(2026, 1, 5, 19, 0)


@dataclass(frozen=True)
class MeetingSeriesSpec:
    """A meeting series: `rrule` ("" for a one-off) from `start_local` (naive wall time in `tz`)."""

    rrule: str
    start_local: datetime
    duration_minutes: int
    tz: str

    def __post_init__(self) -> None:
        if self.start_local.tzinfo is not None:
            raise ValueError("start_local must be a naive local wall time")
        if self.duration_minutes <= 0:
            raise ValueError("a meeting must last at least one minute")
        validate_tz(self.tz)
        validate_rrule(self.rrule)


@dataclass(frozen=True)
class Occurrence:
    """One meeting: `original_start_utc` identifies it; `start_utc` is where it happens."""

    original_start_utc: datetime
    start_utc: datetime
    end_utc: datetime
    moved: bool


def _day_code(day: int) -> str:
    if not isinstance(day, int) or not 0 <= day <= 6:
        raise ValueError(f"day of week must be 0 (Monday) to 6 (Sunday), got {day!r}")
    return _DAY_CODES[day]


def rrule_weekly(days: Iterable[int], interval: int = 1) -> str:
    """Rule for a weekly meeting on `days` (0=Monday); interval=2 means every other week."""
    codes = [_day_code(d) for d in sorted(set(days))]
    if not codes:
        raise ValueError("pick at least one day of the week")
    if interval < 1:
        raise ValueError("the interval must be 1 or more weeks")
    every = f";INTERVAL={interval}" if interval > 1 else ""
    return f"FREQ=WEEKLY{every};BYDAY={','.join(codes)}"


def rrule_monthly_nth_weekday(n: int, weekday: int) -> str:
    """Rule for "the n-th <weekday> of the month"; n=1 first, n=-1 last (1..5 or -1..-5)."""
    if n == 0 or not -5 <= n <= 5:
        raise ValueError("n must be 1 to 5 (first to fifth) or -1 to -5 (last to fifth-last)")
    return f"FREQ=MONTHLY;BYDAY={n}{_day_code(weekday)}"


def validate_rrule(text: str) -> str:
    """Check a recurrence rule and return it normalised (no "RRULE:" prefix, upper case).

    An empty string means a one-off meeting and is returned as "". The series start
    is given separately, so DTSTART, RDATE and EXDATE are refused, as are rules that
    repeat more than daily or set the time of day.
    """
    cleaned = text.strip()
    if cleaned.upper().startswith("RRULE:"):
        cleaned = cleaned[len("RRULE:") :]
    cleaned = cleaned.strip().upper()
    if not cleaned:
        return ""
    if "\n" in cleaned or "\r" in cleaned:
        raise ValueError("a meeting series takes one RRULE line")
    parts = dict(_split_part(part) for part in cleaned.split(";") if part.strip())
    if "FREQ" not in parts:
        raise ValueError(f"recurrence rule {text!r} needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO")
    bad = sorted(set(parts).intersection(_FORBIDDEN_PARTS))
    if bad:
        raise ValueError(f"recurrence rule may not set {', '.join(bad)}; use the series start")
    if parts["FREQ"] in _TOO_FREQUENT:
        raise ValueError("meetings can repeat at most once a day")
    try:
        _parse(cleaned, _PROBE_START)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"recurrence rule {text!r} is not valid: {exc}") from None
    return cleaned


def _split_part(part: str) -> tuple[str, str]:
    name, _, value = part.partition("=")
    return name.strip(), value.strip()


def _parse(rule_text: str, start_local: datetime) -> rrule:
    parsed = rrulestr(rule_text, dtstart=start_local)
    if not isinstance(parsed, rrule):
        raise ValueError("expected a single RRULE")
    return parsed


def _local_starts(spec: MeetingSeriesSpec, lo: datetime, hi: datetime) -> list[datetime]:
    """Naive local starts of the series between two naive local bounds (inclusive)."""
    rule_text = validate_rrule(spec.rrule)
    if not rule_text:
        return [spec.start_local] if lo <= spec.start_local <= hi else []
    return list(_parse(rule_text, spec.start_local).between(lo, hi, inc=True))


def _is_occurrence(spec: MeetingSeriesSpec, original_utc: datetime) -> bool:
    local = to_local(original_utc, spec.tz).replace(tzinfo=None)
    # A start in a spring-forward gap shows up an hour later on the wall clock.
    nearby = _local_starts(spec, local - timedelta(hours=3), local + timedelta(hours=3))
    return any(to_utc(start, spec.tz) == original_utc for start in nearby)


def _check_keys(keys: Iterable[datetime], what: str) -> None:
    for key in keys:
        require_utc(key, what)


def occurrences(
    spec: MeetingSeriesSpec,
    window_start_utc: datetime,
    window_end_utc: datetime,
    cancelled: set[datetime] | frozenset[datetime] = frozenset(),
    moved: Mapping[datetime, datetime] | None = None,
) -> list[Occurrence]:
    """Meetings whose actual start lies in [window_start_utc, window_end_utc), by start.

    `cancelled` and `moved` are keyed by original start in UTC. A cancelled occurrence
    is left out even if it was also moved. A moved occurrence is listed where it now
    starts, so one moved into the window from outside is included and one moved out
    is not. Keys that are not occurrences of the series (stale after an edit) are
    ignored. A local start that falls in a spring-forward gap is moved forward by the
    gap (see `to_utc`).
    """
    moved = dict(moved or {})
    _check_keys(cancelled, "cancelled occurrence")
    _check_keys(moved, "moved occurrence")
    _check_keys(moved.values(), "new start of a moved occurrence")
    lo, hi = require_utc(window_start_utc), require_utc(window_end_utc)
    duration = timedelta(minutes=spec.duration_minutes)
    # Pad by a day so a DST edge never clips an occurrence; the UTC filter below is exact.
    local_lo = to_local(lo, spec.tz).replace(tzinfo=None) - timedelta(days=1)
    local_hi = to_local(hi, spec.tz).replace(tzinfo=None) + timedelta(days=1)
    found: list[Occurrence] = []
    for local_start in _local_starts(spec, local_lo, local_hi):
        original = to_utc(local_start, spec.tz)
        if original in cancelled or original in moved or not lo <= original < hi:
            continue
        found.append(Occurrence(original, original, original + duration, moved=False))
    for key, new_start in moved.items():
        original, new_utc = require_utc(key), require_utc(new_start)
        if original in cancelled or not lo <= new_utc < hi:
            continue
        if _is_occurrence(spec, original):
            found.append(Occurrence(original, new_utc, new_utc + duration, moved=True))
    return sorted(found, key=lambda occ: (occ.start_utc, occ.original_start_utc))
