"""A-2: an administrator reaches only the municipalities they administer."""

import pytest
from django.http import Http404

from administration.access import municipality_get_for_admin
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_administrators_own_municipality():
    user = StaffFactory(admin_in=["0301", "4601"])
    assert municipality_get_for_admin(user=user, number="4601").number == "4601"


@pytest.mark.parametrize(
    ("roles", "number"),
    [
        ({"admin_in": ["0301"]}, "4601"),
        ({"admin_in": ["0301"], "tracer_in": ["4601"]}, "4601"),
        ({"tracer_in": ["0301"]}, "0301"),
        ({"admin_in": ["0301"]}, "9999"),
        ({"admin_in": ["0301"]}, "03011"),
    ],
    ids=["other", "tracer-there", "tracer-only", "unknown", "malformed"],
)
def test_anything_else_is_404(roles, number):
    user = StaffFactory(**roles)
    with pytest.raises(Http404):
        municipality_get_for_admin(user=user, number=number)


def test_an_inactive_administrator_reaches_nothing():
    user = StaffFactory(admin_in=["0301"], is_active=False)
    with pytest.raises(Http404):
        municipality_get_for_admin(user=user, number="0301")
