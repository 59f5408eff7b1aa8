"""The figures of a municipality's «Oversikt»: every one of them is counted here, by the database.

Three queries on PostgreSQL and SQLite alike, whatever the number of indexes:

1. the current state: open indexes, follow-ups due today and overdue (the worklist's index);
2. the period's indexes grouped by the day they were registered (in Norway) and their test
   date, with the self-registered counted: the chart per day, and the histogram of days from
   test date to registration that the median is read from (a few hundred rows at most);
3. the period's indexes grouped by «Hvor ble du smittet», risk group and age group (at most
   8 x 4 x 8 rows), summed here into the three distributions.

The median comes from the histogram of query 2, not from a third pass over the rows with
PostgreSQL's percentile_cont: at 1 000 000 persons that pass cost as much as the rest of the
page (B7), and the histogram gives the same value on both databases (the PostgreSQL test
compares the two).

"The period" is the last `PERIOD_DAYS` days in Norway, today included. No person's record is
read: the figures are counts, so they carry no access-log entry (B-4 is about reads of a
person's record); who may see them is tracing.access.overview_municipality_get_for_user.
Counts are of columns the indexes hold (COUNT(*) or a NOT NULL column): PostgreSQL then reads the
period from the covering index alone (tracing migration 0010).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.localtime import start_of_day, zone
from tracing.models import Index, InfectionPlace, RiskGroup

PERIOD_DAYS = 8 * 7
NOT_GIVEN = ""  # an unanswered question, and a person without a birth date
NOT_GIVEN_LABEL = _("Ikke oppgitt")
UNKNOWN_AGE_LABEL = _("Ukjent alder")


@dataclass(frozen=True)
class AgeGroup:
    key: str
    label: Promise
    youngest: int
    oldest: int | None  # None: and older


AGE_GROUPS = (
    AgeGroup("0-5", _("0–5 år"), 0, 5),
    AgeGroup("6-12", _("6–12 år"), 6, 12),
    AgeGroup("13-19", _("13–19 år"), 13, 19),
    AgeGroup("20-39", _("20–39 år"), 20, 39),
    AgeGroup("40-59", _("40–59 år"), 40, 59),
    AgeGroup("60-79", _("60–79 år"), 60, 79),
    AgeGroup("80+", _("80 år og eldre"), 80, None),
)


@dataclass(frozen=True)
class Day:
    day: datetime.date
    indexes: int
    self_registered: int


@dataclass(frozen=True)
class Share:
    """One row of a distribution: what, how many, and the share of the period's indexes."""

    key: str
    label: Promise | str
    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class Overview:
    municipality_number: str
    today: datetime.date
    first_day: datetime.date
    open_indexes: int
    follow_ups_today: int
    follow_ups_overdue: int
    days: list[Day]  # every day of the period, oldest first, zero where none
    period_indexes: int
    age_groups: list[Share]
    infection_places: list[Share]
    risk_groups: list[Share]
    with_test_date: int
    median_days_to_registration: float | None  # None when no index of the period has one

    @property
    def period_self_registered(self) -> int:
        return sum(d.self_registered for d in self.days)

    @property
    def risk_group_share(self) -> Share:
        return next(s for s in self.risk_groups if s.key == RiskGroup.YES)


def _period(municipality_number: str, first_day: datetime.date, today: datetime.date):
    return Index.objects.filter(
        municipality_id=municipality_number,
        opened_at__gte=start_of_day(first_day),
        opened_at__lt=start_of_day(today + datetime.timedelta(days=1)),
    )


def _born_after(today: datetime.date, years: int) -> datetime.date:
    """The birth dates of those younger than `years` today are after this date."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _age_filter(group: AgeGroup, today: datetime.date) -> Q:
    # Age today >= youngest: born on or before today minus `youngest` years; <= oldest: born
    # after today minus (oldest + 1) years.
    q = Q(birth_date__lte=_born_after(today, group.youngest))
    if group.oldest is not None:
        q &= Q(birth_date__gt=_born_after(today, group.oldest + 1))
    return q


def median_from_histogram(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, count) in ascending order, as percentile_cont(0.5)
    gives it: the middle value, or the mean of the two middle ones."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle value(s)
    found = []
    seen = 0
    for value, n in histogram:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return sum(found) / 2


def _age_group(today: datetime.date) -> Case:
    whens = [When(birth_date__isnull=True, then=Value(NOT_GIVEN))]
    whens += [When(_age_filter(g, today), then=Value(g.key)) for g in AGE_GROUPS]
    return Case(*whens, default=Value(NOT_GIVEN), output_field=CharField())


def _shares(counts: dict[str, int], choices, total: int, not_given_label) -> list[Share]:
    shares = [Share(key, label, counts.get(key, 0), total) for key, label in choices]
    return [*shares, Share(NOT_GIVEN, not_given_label, counts.get(NOT_GIVEN, 0), total)]


def overview_for_municipality(*, municipality_number: str, today: datetime.date) -> Overview:
    """Every figure of the municipality's overview on `today` (a date in Norway)."""
    first_day = today - datetime.timedelta(days=PERIOD_DAYS - 1)
    state = Index.objects.filter(
        municipality_id=municipality_number, status=Index.Status.ACTIVE
    ).aggregate(
        open=Count("*"),
        due_today=Count("follow_up_on", filter=Q(follow_up_on=today)),
        overdue=Count("follow_up_on", filter=Q(follow_up_on__lt=today)),
    )
    period = _period(municipality_number, first_day, today)

    per_day: dict[datetime.date, list[int]] = {}
    delays: dict[int, int] = {}
    for row in (
        period.annotate(day=TruncDate("opened_at", tzinfo=zone()))
        .values("day", "test_date_from")
        .annotate(n=Count("*"), selfreg=Count("self_registered", filter=Q(self_registered=True)))
        .order_by()
    ):
        counts = per_day.setdefault(row["day"], [0, 0])
        counts[0] += row["n"]
        counts[1] += row["selfreg"]
        if row["test_date_from"] is not None:
            delay = (row["day"] - row["test_date_from"]).days
            delays[delay] = delays.get(delay, 0) + row["n"]
    days = []
    for offset in range(PERIOD_DAYS):
        day = first_day + datetime.timedelta(days=offset)
        indexes, self_registered = per_day.get(day, (0, 0))
        days.append(Day(day, indexes, self_registered))

    places: dict[str, int] = {}
    risks: dict[str, int] = {}
    ages: dict[str, int] = {}
    for row in (
        period.annotate(age=_age_group(today))
        .values("infection_place", "risk_group", "age")
        .annotate(n=Count("*"))
        .order_by()
    ):
        places[row["infection_place"]] = places.get(row["infection_place"], 0) + row["n"]
        risks[row["risk_group"]] = risks.get(row["risk_group"], 0) + row["n"]
        ages[row["age"]] = ages.get(row["age"], 0) + row["n"]

    total = sum(d.indexes for d in days)
    age_choices = [(g.key, g.label) for g in AGE_GROUPS]
    return Overview(
        municipality_number=municipality_number,
        today=today,
        first_day=first_day,
        open_indexes=state["open"],
        follow_ups_today=state["due_today"],
        follow_ups_overdue=state["overdue"],
        days=days,
        period_indexes=total,
        age_groups=_shares(ages, age_choices, total, UNKNOWN_AGE_LABEL),
        infection_places=_shares(places, InfectionPlace.choices, total, NOT_GIVEN_LABEL),
        risk_groups=_shares(risks, RiskGroup.choices, total, NOT_GIVEN_LABEL),
        with_test_date=sum(delays.values()),
        median_days_to_registration=median_from_histogram(sorted(delays.items())),
    )
