"""Conversions between stored UTC instants and local wall time in IANA zones.

Every stored time is an aware UTC datetime; schedules are written as naive local
wall times plus a zone name. These helpers are the only place the two meet, so the
DST rules live here once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ES_DAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
_ES_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


def validate_tz(name: object) -> str:
    """Return `name` if it is a known IANA zone ("Europe/London"), else raise ValueError."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"unknown time zone {name!r}")
    _zone(name)
    return name


def require_utc(when: datetime, what: str = "time") -> datetime:
    """Return `when` converted to UTC; a naive datetime is refused because its zone is unknown."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (UTC), got naive {when.isoformat()}")
    return when.astimezone(UTC)


def to_utc(local_naive: datetime, tz: str) -> datetime:
    """Turn a naive local wall time in zone `tz` into an aware UTC datetime.

    DST edges, chosen so a schedule never silently loses or doubles a send:
    - a wall time that does not exist (spring forward, e.g. 02:30 on 2026-03-08 in
      New York) is moved forward by the gap (it becomes 03:30 local);
    - a wall time that happens twice (fall back, e.g. 01:30 on 2026-11-01 in New York)
      means the first occurrence (fold=0, still on summer time).
    """
    if local_naive.tzinfo is not None:
        raise ValueError(f"to_utc expects a naive local wall time, got {local_naive.isoformat()}")
    # With fold=0 zoneinfo reads a gap time with the offset in force before the
    # transition, which lands exactly "gap minutes later" on the wall clock.
    aware = local_naive.replace(tzinfo=_zone(tz), fold=0)
    return aware.astimezone(UTC)


def to_local(utc: datetime, tz: str) -> datetime:
    """Return the aware local datetime (tzinfo = the zone) for an aware instant.

    Use `.date()`, `.time()` or `.replace(tzinfo=None)` for the wall-clock values.
    """
    return require_utc(utc).astimezone(_zone(tz))


def format_local(utc: datetime, tz: str, lang: str = "en") -> str:
    """Format an instant for an SMS in the reader's zone and language.

    en: "Tue 12 Mar, 7:00 PM"; es: "mar 12 mar, 19:00". Other languages fall back to
    English; a region suffix ("es-MX") is ignored.
    """
    local = to_local(utc, tz)
    base = lang.lower().replace("_", "-").split("-")[0]
    if base == "es":
        day, month = _ES_DAYS[local.weekday()], _ES_MONTHS[local.month - 1]
        return f"{day} {local.day} {month}, {local.hour}:{local.minute:02d}"
    day, month = _EN_DAYS[local.weekday()], _EN_MONTHS[local.month - 1]
    hour12 = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{day} {local.day} {month}, {hour12}:{local.minute:02d} {half}"
