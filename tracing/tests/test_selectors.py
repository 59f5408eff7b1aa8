"""Reads for the portal: C-5's «already registered» for one person and for several at once
(one definition), and the self-registrations «Mine registreringer» lists."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import IndexFactory, PersonFactory
from tracing.selectors import (
    fnrs_already_registered,
    index_active_or_self_registered_recently,
    indexes_self_registered_of,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def test_c5_for_several_persons_is_the_same_rule_as_for_one(django_assert_num_queries):
    cases = {
        "active, staff-registered long ago": {"opened_at": days_ago(90)},
        "closed self-registration 13 days ago": {
            "self_registered": True,
            "opened_at": days_ago(13),
            "closed": True,
        },
        "closed self-registration 15 days ago": {
            "self_registered": True,
            "opened_at": days_ago(15),
            "closed": True,
        },
        "closed staff registration yesterday": {"opened_at": days_ago(1), "closed": True},
    }
    fnrs = {what: IndexFactory(**fields).fnr for what, fields in cases.items()}
    fnrs["no index"] = PersonFactory().fnr
    with django_assert_num_queries(1):
        found = fnrs_already_registered(fnrs=fnrs.values(), now=NOW)
    assert found == {
        fnrs["active, staff-registered long ago"],
        fnrs["closed self-registration 13 days ago"],
    }
    for fnr in fnrs.values():
        assert (fnr in found) == index_active_or_self_registered_recently(fnr=fnr, now=NOW)


def test_self_registrations_of_the_persons_newest_first():
    older = IndexFactory(self_registered=True, opened_at=days_ago(30), closed=True)
    newer = IndexFactory(self_registered=True, opened_at=days_ago(1))
    IndexFactory(fnr=newer.fnr, person=newer.person, opened_at=days_ago(60), closed=True)
    IndexFactory(self_registered=True)  # someone else's
    found = list(indexes_self_registered_of(fnrs=[older.fnr, newer.fnr]))
    assert found == [newer, older]
