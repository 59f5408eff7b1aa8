"""The figures of «Oversikt» (tracing.overview): known data in, known counts out, in a fixed
number of queries on either database, with days taken in Norway's calendar."""

import datetime
import statistics

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from core.localtime import local_today, start_of_day
from tests.factories import IndexFactory
from tracing.overview import (
    PERIOD_DAYS,
    median_from_histogram,
    overview_for_municipality,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _years_ago(today: datetime.date, years: int, *, days: int = 0) -> datetime.date:
    return today.replace(year=today.year - years, day=min(today.day, 28)) - days * DAY


def _opened(today: datetime.date, days_ago: int, hour: float = 12) -> datetime.datetime:
    return start_of_day(today - days_ago * DAY) + hour * HOUR


@pytest.fixture
def today():
    return local_today()


@pytest.fixture
def oslo(today):
    """Six Oslo indexes in the period, one before it, and others' indexes that must not count."""
    made = [
        # today: two, one self-registered; tested the same day and the day before
        IndexFactory(
            opened_at=_opened(today, 0, 1),
            self_registered=True,
            test_date_from=today,
            infection_place="household",
            risk_group="yes",
            person__birth_date=_years_ago(today, 8),
        ),
        IndexFactory(
            opened_at=_opened(today, 0, 9),
            test_date_from=today - DAY,
            infection_place="work",
            risk_group="no",
            person__birth_date=_years_ago(today, 45),
        ),
        # three days ago, closed since: counted in the period, not as open
        IndexFactory(
            closed=True,
            opened_at=_opened(today, 3),
            follow_up_on=today - 2 * DAY,
            self_registered=True,
            test_date_from=today - 5 * DAY,
            infection_place="household",
            risk_group="yes",
            person__birth_date=_years_ago(today, 85),
        ),
        # the first day of the period, 00:30 in Norway (still the day before in UTC)
        IndexFactory(
            opened_at=_opened(today, PERIOD_DAYS - 1, 0.5),
            follow_up_on=today - DAY,
            test_date_from=today - (PERIOD_DAYS + 1) * DAY,
            person__birth_date=None,
        ),
        # open, due in two days, no answers and no test date
        IndexFactory(opened_at=_opened(today, 10), follow_up_on=today + 2 * DAY),
        # open and overdue by a week
        IndexFactory(
            opened_at=_opened(today, 20),
            follow_up_on=today - 7 * DAY,
            test_date_from=today - 21 * DAY,
            risk_group="unknown",
            infection_place="abroad",
            person__birth_date=_years_ago(today, 6),
        ),
    ]
    # 23:30 in Norway the day before the period: outside it, but open and overdue
    IndexFactory(opened_at=_opened(today, PERIOD_DAYS, 23.5), follow_up_on=today - 30 * DAY)
    # Bergen's: never in Oslo's figures
    IndexFactory(person__municipality_id="4601", opened_at=_opened(today, 0), test_date_from=today)
    return made


def test_current_state_open_due_today_and_overdue(oslo, today):
    overview = overview_for_municipality(municipality_number="0301", today=today)
    assert overview.open_indexes == 6  # 5 in the period (one closed) + the one before it
    assert overview.follow_ups_today == 2  # the two of today (the factory's default date)
    assert overview.follow_ups_overdue == 3  # a day, a week, 30 days; the closed one not


def test_per_day_in_norways_calendar_over_eight_weeks(oslo, today):
    overview = overview_for_municipality(municipality_number="0301", today=today)
    assert len(overview.days) == PERIOD_DAYS == 56
    assert overview.first_day == today - 55 * DAY
    assert [d.day for d in overview.days] == [overview.first_day + i * DAY for i in range(56)]
    by_day = {d.day: (d.indexes, d.self_registered) for d in overview.days if d.indexes}
    assert by_day == {
        today: (2, 1),
        today - 3 * DAY: (1, 1),
        overview.first_day: (1, 0),
        today - 10 * DAY: (1, 0),
        today - 20 * DAY: (1, 0),
    }
    assert overview.period_indexes == 6
    assert overview.period_self_registered == 2


def test_distributions_of_the_periods_indexes(oslo, today):
    overview = overview_for_municipality(municipality_number="0301", today=today)
    ages = {s.key: s.count for s in overview.age_groups}
    assert ages == {
        "0-5": 0,
        "6-12": 2,  # 8, and 6 exactly
        "13-19": 0,
        "20-39": 0,
        "40-59": 1,
        "60-79": 0,
        "80+": 1,
        "": 2,  # no birth date (one explicitly, the factory's default has none)
    }
    places = {s.key: s.count for s in overview.infection_places}
    assert places == {
        "household": 2,
        "work": 1,
        "school": 0,
        "leisure": 0,
        "abroad": 1,
        "unknown": 0,
        "other": 0,
        "": 2,
    }
    risks = {s.key: s.count for s in overview.risk_groups}
    assert risks == {"yes": 2, "no": 1, "unknown": 1, "": 2}
    assert overview.risk_group_share.count == 2
    assert overview.risk_group_share.percent == pytest.approx(100 * 2 / 6)
    assert sum(s.count for s in overview.age_groups) == overview.period_indexes


def test_median_days_from_test_date_to_registration(oslo, today):
    overview = overview_for_municipality(municipality_number="0301", today=today)
    # delays: 0, 1, 2 (registered 3 days ago, tested 5 days ago), 2 (the first day), 1 (20 days
    # ago, tested 21 days ago); the index without a test date is left out
    assert overview.with_test_date == 5
    assert overview.median_days_to_registration == 1.0


def test_age_group_boundaries_are_birthdays(today):
    """6 years old today is 6–12; a day short of it is 0–5; 80 exactly is 80+."""
    for birth in (_years_ago(today, 6), _years_ago(today, 6, days=-1), _years_ago(today, 80)):
        IndexFactory(opened_at=_opened(today, 1), person__birth_date=birth)
    overview = overview_for_municipality(municipality_number="0301", today=today)
    ages = {s.key: s.count for s in overview.age_groups if s.count}
    assert ages == {"6-12": 1, "0-5": 1, "80+": 1}


def test_an_empty_municipality_has_zeros_and_no_median(today):
    overview = overview_for_municipality(municipality_number="0301", today=today)
    assert overview.open_indexes == overview.period_indexes == 0
    assert [d.indexes for d in overview.days] == [0] * PERIOD_DAYS
    assert overview.median_days_to_registration is None
    assert all(s.percent == 0 for s in overview.age_groups)


def test_query_budget_three_queries_however_many_indexes(django_assert_num_queries, today):
    IndexFactory.create_batch(5, opened_at=_opened(today, 2), test_date_from=today - 3 * DAY)
    with django_assert_num_queries(3):
        overview_for_municipality(municipality_number="0301", today=today)
    IndexFactory.create_batch(
        40, opened_at=_opened(today, 30), test_date_from=today - 31 * DAY, risk_group="yes"
    )
    with django_assert_num_queries(3):
        overview = overview_for_municipality(municipality_number="0301", today=today)
    assert overview.period_indexes == 45


@given(st.lists(st.integers(min_value=-3, max_value=60), max_size=40))
def test_median_from_histogram_is_the_median(values):
    histogram = sorted({v: values.count(v) for v in values}.items())
    expected = statistics.median(values) if values else None
    assert median_from_histogram(histogram) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_median_equals_postgresqls_percentile_cont(oslo, today):
    """The histogram's median is the value percentile_cont(0.5) gives over the rows."""
    overview = overview_for_municipality(municipality_number="0301", today=today)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "
            "(opened_at AT TIME ZONE %s)::date - test_date_from) FROM tracing_index "
            "WHERE municipality_id = %s AND opened_at >= %s AND opened_at < %s",
            ["Europe/Oslo", "0301", start_of_day(overview.first_day), start_of_day(today + DAY)],
        )
        assert cursor.fetchone()[0] == overview.median_days_to_registration


def test_registration_copies_the_birth_date_the_age_groups_count():
    from tests.factories import new_fnr
    from tracing.services import RegisteredBy, Registration, index_register

    born = datetime.date(1990, 4, 2)
    index = index_register(
        registration=Registration(
            fnr=new_fnr(born),
            first_name="Kari",
            last_name="Test",
            birth_date=born,
            test_date_from=local_today(),
        ),
        municipality_number="0301",
        registered_by=RegisteredBy(kind="staff"),
        self_registered=False,
    ).index
    index.refresh_from_db()
    assert index.birth_date == index.person.birth_date == born
