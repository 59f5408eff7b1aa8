"""Worklist selectors (B-2, I-2, I-3): which indexes, filters, whitelisted sorting, columns."""

import datetime

import pytest
from django.utils import timezone

from core.localtime import zone
from tests.factories import IndexFactory
from tracing.models import Index
from tracing.worklists import (
    COLUMNS,
    DEFAULT_COLUMNS,
    SELF_REGISTERED,
    TODAY,
    WorklistFilters,
    follow_up_overdue_days,
    worklist_columns,
    worklist_export_rows,
    worklist_export_values,
    worklist_filter,
    worklist_indexes,
    worklist_page_rows,
    worklist_sort,
)

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"
OSLO_TZ = zone()  # the project's one time zone (core.localtime)


def _ids(indexes) -> set[int]:
    return {i.pk for i in indexes}


def test_today_is_active_indexes_due_today_or_earlier_in_my_municipalities():
    today = timezone.localdate()
    due = IndexFactory(follow_up_on=today)
    overdue = IndexFactory(follow_up_on=today - datetime.timedelta(days=3))
    IndexFactory(follow_up_on=today + datetime.timedelta(days=1))  # later
    IndexFactory(closed=True, follow_up_on=today)  # closed
    IndexFactory(person__municipality_id=BERGEN, follow_up_on=today)  # elsewhere
    found = worklist_indexes(worklist=TODAY, municipality_numbers={OSLO}, today=today)
    assert _ids(found) == {due.pk, overdue.pk}


def test_self_registered_list_has_only_self_registered_indexes_of_any_status():
    today = timezone.localdate()
    active = IndexFactory(self_registered=True)
    closed = IndexFactory(self_registered=True, closed=True)
    IndexFactory(self_registered=False)
    IndexFactory(self_registered=True, person__municipality_id=BERGEN)
    found = worklist_indexes(worklist=SELF_REGISTERED, municipality_numbers={OSLO}, today=today)
    assert _ids(found) == {active.pk, closed.pk}


def test_unknown_worklist_is_a_programming_error():
    with pytest.raises(ValueError):
        worklist_indexes(worklist="alle", municipality_numbers={OSLO}, today=timezone.localdate())


def _all(numbers=(OSLO, BERGEN)):
    return worklist_indexes(
        worklist=SELF_REGISTERED, municipality_numbers=set(numbers), today=timezone.localdate()
    )


def test_filters_on_municipality_status_and_name():
    kari = IndexFactory(
        self_registered=True, person__first_name="Kari", person__last_name="Nordmann"
    )
    ola = IndexFactory(
        self_registered=True, person__first_name="Ola", person__last_name="Nordmann", closed=True
    )
    bergen = IndexFactory(
        self_registered=True, person__municipality_id=BERGEN, person__first_name="Kari"
    )
    both = frozenset({OSLO, BERGEN})
    assert _ids(worklist_filter(_all(), filters=WorklistFilters(both, name="kari"))) == {
        kari.pk,
        bergen.pk,
    }
    assert _ids(worklist_filter(_all(), filters=WorklistFilters(both, name="KARI nordmann"))) == {
        kari.pk
    }
    assert _ids(worklist_filter(_all(), filters=WorklistFilters(both, status="closed"))) == {ola.pk}
    assert _ids(worklist_filter(_all(), filters=WorklistFilters(frozenset({BERGEN})))) == {
        bergen.pk
    }


def test_municipality_filter_cannot_widen_the_list():
    IndexFactory(self_registered=True, person__municipality_id=BERGEN)
    only_oslo = _all(numbers=[OSLO])
    assert not worklist_filter(only_oslo, filters=WorklistFilters(frozenset({BERGEN}))).exists()


def test_self_registered_filter():
    selfreg = IndexFactory(self_registered=True)
    staff = IndexFactory(self_registered=False)
    today = timezone.localdate()
    base = worklist_indexes(worklist=TODAY, municipality_numbers={OSLO}, today=today)
    numbers = frozenset({OSLO})
    assert _ids(worklist_filter(base, filters=WorklistFilters(numbers, self_registered=True))) == {
        selfreg.pk
    }
    assert _ids(worklist_filter(base, filters=WorklistFilters(numbers, self_registered=False))) == {
        staff.pk
    }


def test_date_range_uses_oslo_dates():
    # 23:30 in Oslo on 1 March is 22:30 UTC: it belongs to 1 March for the tracer.
    late = IndexFactory(
        self_registered=True, opened_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=OSLO_TZ)
    )
    next_day = IndexFactory(
        self_registered=True, opened_at=datetime.datetime(2026, 3, 2, 0, 30, tzinfo=OSLO_TZ)
    )
    numbers = frozenset({OSLO})
    march_1 = datetime.date(2026, 3, 1)
    only_1 = WorklistFilters(numbers, opened_from=march_1, opened_to=march_1)
    assert _ids(worklist_filter(_all(), filters=only_1)) == {late.pk}
    from_2 = WorklistFilters(numbers, opened_from=datetime.date(2026, 3, 2))
    assert _ids(worklist_filter(_all(), filters=from_2)) == {next_day.pk}


def test_sort_by_whitelisted_column_both_ways_with_stable_ties():
    b = IndexFactory(self_registered=True, person__last_name="Berg")
    a = IndexFactory(self_registered=True, person__last_name="Aas")
    c = IndexFactory(self_registered=True, person__last_name="Berg")
    ascending = list(worklist_sort(_all(), column="navn", descending=False))
    assert [i.pk for i in ascending] == [a.pk, b.pk, c.pk]
    descending = list(worklist_sort(_all(), column="navn", descending=True))
    assert [i.pk for i in descending] == [c.pk, b.pk, a.pk]


def test_sort_by_municipality_within_one_is_by_pk_and_across_several_by_name():
    """Within one municipality the name is the same on every row: pk order, served by an
    index; across several, by name (Bergen before Oslo) then pk."""
    oslo_2 = IndexFactory(self_registered=True)
    bergen = IndexFactory(self_registered=True, person__municipality_id=BERGEN)
    oslo_1 = IndexFactory(self_registered=True)
    one = worklist_sort(
        _all().filter(municipality_id=OSLO),
        column="kommune",
        descending=True,
        municipality_numbers={OSLO},
    )
    assert [i.pk for i in one] == [oslo_1.pk, oslo_2.pk]
    assert "municipality" not in str(one.query).split("ORDER BY")[1]
    several = worklist_sort(
        _all(), column="kommune", descending=False, municipality_numbers={OSLO, BERGEN}
    )
    assert [i.pk for i in several] == [bergen.pk, oslo_2.pk, oslo_1.pk]


def test_page_rows_keep_the_sort_order_and_bring_person_and_municipality(
    django_assert_num_queries,
):
    b = IndexFactory(self_registered=True, person__last_name="Berg")
    a = IndexFactory(self_registered=True, person__last_name="Aas")
    IndexFactory(self_registered=True, person__last_name="Dahl")
    page = worklist_sort(_all(), column="navn", descending=False)[:2]
    with django_assert_num_queries(2):  # the page's ids, then its rows
        rows = worklist_page_rows(page)
        names = [(i.person.last_name, i.municipality.number) for i in rows]
    assert [i.pk for i in rows] == [a.pk, b.pk]
    assert names == [("Aas", OSLO), ("Berg", OSLO)]
    assert worklist_page_rows(_all()[5:10]) == []


@pytest.mark.parametrize("column", ["fodselsnummer", "person__fnr", "telefon", "; DROP TABLE"])
def test_sort_refuses_anything_not_whitelisted(column):
    with pytest.raises(ValueError):
        worklist_sort(_all(), column=column, descending=False)


def test_columns_default_saved_and_cleaned():
    assert [c.key for c in worklist_columns(chosen=None)] == list(DEFAULT_COLUMNS)
    chosen = worklist_columns(chosen=["selvregistrert", "ukjent", "navn"])
    assert [c.key for c in chosen] == ["navn", "selvregistrert"]
    assert [c.key for c in worklist_columns(chosen=[])] == ["navn"]


def test_selvregistrert_column_is_ja_or_blank():
    column = COLUMNS["selvregistrert"]
    assert column.label == "Selvregistrert"
    assert column.value(IndexFactory.build(self_registered=True)) == "JA"
    assert column.value(IndexFactory.build(self_registered=False)) == ""


def test_export_rows_are_the_page_cells_for_every_column():
    """The CSV export reads plain values; every column must show the same there
    as on the page, which reads model instances."""
    today = timezone.localdate()
    IndexFactory(
        self_registered=True,
        no_symptoms=True,
        test_date_to=today,
        person__phone="+4791234567",
        person__middle_name="Mellom",
        registered_by_kind="guardian",
    )
    IndexFactory(self_registered=False, closed=True, duplicate_rule="D-1b", workplace_or_school="")
    IndexFactory(person__birth_date=None, test_date_from=None, person__municipality_id=BERGEN)
    indexes = Index.objects.select_related("person", "municipality").order_by("pk")
    columns = [COLUMNS[key] for key in COLUMNS if key != "navn"]
    exported = list(worklist_export_rows(worklist_export_values(indexes, columns), columns))
    shown = [
        [f"{i.person.last_name}, {i.person.first_name}"] + [c.value(i) for c in columns]
        for i in indexes
    ]
    assert len(exported) == 3
    assert exported == shown


@pytest.mark.parametrize(
    ("status", "days_before_today", "overdue"),
    [("active", 3, 3), ("active", 1, 1), ("active", 0, 0), ("active", -2, 0), ("closed", 5, 0)],
)
def test_follow_up_overdue_days(status, days_before_today, overdue):
    """B-2: an active index whose follow-up date has passed is overdue by whole days; one due
    today or later, or a closed one, is not."""
    today = datetime.date(2026, 12, 3)
    index = Index(status=status, follow_up_on=today - datetime.timedelta(days=days_before_today))
    assert follow_up_overdue_days(index, today=today) == overdue
