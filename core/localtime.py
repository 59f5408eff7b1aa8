"""Norway's calendar and clock: the one time zone is settings.TIME_ZONE (Europe/Oslo).

The database holds aware UTC; "today" for ages (C-4), dates (C-7) and follow-ups (B-2), and
every moment a person reads (I-4), is taken in that zone. Django's *current* time zone is not
used: nothing activates another one, and a date rule must not depend on it.
"""

import datetime

from django.utils import timezone

TIMESTAMP_FORMAT = "%d.%m.%Y %H:%M"  # I-4: dd.mm.yyyy HH:MM


def zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def local_today() -> datetime.date:
    return timezone.now().astimezone(zone()).date()


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(zone()).date()


def local_timestamp(moment: datetime.datetime) -> str:
    """dd.mm.yyyy HH:MM in Norway's time, as I-4 writes it."""
    return moment.astimezone(zone()).strftime(TIMESTAMP_FORMAT)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Norway, aware."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone())
