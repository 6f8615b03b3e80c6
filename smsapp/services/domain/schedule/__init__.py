"""Pure time rules for scheduling: local time, recurrence, quiet hours, fire times.

Nothing here reads the clock or touches the database; `now` is always a parameter.
"""

from smsapp.services.domain.schedule.checkin_times import (
    DEFAULT_REMINDER_OFFSETS,
    next_checkin_at,
    parse_time_of_day,
    reminder_fire_times,
)
from smsapp.services.domain.schedule.localtime import (
    format_local,
    require_utc,
    to_local,
    to_utc,
    validate_tz,
)
from smsapp.services.domain.schedule.quiet_hours import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    shift_earlier,
    shift_later,
    validate_org_quiet_hours,
)
from smsapp.services.domain.schedule.recurrence import (
    MeetingSeriesSpec,
    Occurrence,
    occurrences,
    rrule_monthly_nth_weekday,
    rrule_weekly,
    validate_rrule,
)

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "DEFAULT_REMINDER_OFFSETS",
    "MeetingSeriesSpec",
    "Occurrence",
    "QuietHours",
    "format_local",
    "next_checkin_at",
    "occurrences",
    "parse_time_of_day",
    "reminder_fire_times",
    "require_utc",
    "rrule_monthly_nth_weekday",
    "rrule_weekly",
    "shift_earlier",
    "shift_later",
    "to_local",
    "to_utc",
    "validate_org_quiet_hours",
    "validate_rrule",
    "validate_tz",
]
