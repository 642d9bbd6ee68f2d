"""Time in the store's zone (Asia/Shanghai). Stored aware; days and "today" are local days."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# The years a date or time typed into a page or sent to the API may fall in: beyond them a time cannot be
# converted between Shanghai and UTC (year 1, year 9999) and nothing in car sales needs them.
YEARS = (2000, 2100)


def now() -> dt.datetime:
    return timezone.now()


def local_now() -> dt.datetime:
    return timezone.localtime(timezone.now())


def today() -> dt.date:
    return local_now().date()


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_range(day: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day as aware datetimes."""
    day = day or today()
    start = start_of_day(day)
    return start, start_of_day(day + dt.timedelta(days=1))


def end_of_today() -> dt.datetime:
    return day_range()[1]


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
