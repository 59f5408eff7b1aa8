"""Role helpers (B-1, A-2): one query per request, only active users, per municipality."""

import pytest

from accounts.models import AccessLogEntry, Role
from accounts.selectors import (
    access_log_list,
    user_has_role,
    user_is_admin,
    user_is_tracer,
    user_municipalities,
    user_municipality_numbers,
    user_roles_forget,
)
from tests.factories import StaffFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def test_municipality_numbers_per_role():
    user = StaffFactory(tracer_in=["0301", "4601"], admin_in=["0301"])
    assert user_municipality_numbers(user=user, role=Role.TRACER) == {"0301", "4601"}
    assert user_municipality_numbers(user=user, role=Role.ADMIN) == {"0301"}
    assert user_has_role(user=user, role=Role.ADMIN, municipality_number="0301")
    assert not user_has_role(user=user, role=Role.ADMIN, municipality_number="4601")
    assert user_is_tracer(user) and user_is_admin(user)


def test_municipalities_are_in_norwegian_order():
    user = StaffFactory(tracer_in=["5001", "4601", "0301"])
    names = [m.name_norwegian for m in user_municipalities(user=user, role=Role.TRACER)]
    assert names == sorted(names)
    assert len(names) == 3


def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    user = StaffFactory(tracer_in=["0301"])
    user_roles_forget(user)
    with django_assert_num_queries(1):
        user_is_tracer(user)
        user_is_admin(user)
        user_municipalities(user=user, role=Role.TRACER)


def test_inactive_and_anonymous_users_have_no_roles():
    from django.contrib.auth.models import AnonymousUser

    user = StaffFactory(tracer_in=["0301"], is_active=False)
    assert user_municipality_numbers(user=user) == frozenset()
    assert not user_is_tracer(AnonymousUser())


def test_a_user_without_roles_is_neither_tracer_nor_admin():
    user = StaffFactory()
    StaffRoleFactory(role="admin", municipality_id="4601")  # someone else's role
    assert not user_is_tracer(user)
    assert not user_is_admin(user)


def test_access_log_list_only_given_municipalities_and_person():
    user = StaffFactory()
    for number, fnr in (("0301", "a"), ("0301", "b"), ("4601", "a")):
        AccessLogEntry.objects.create(
            user=user,
            username="u",
            municipality_id=number,
            object_type="index",
            action="view",
            allowed=True,
            person_fnr=fnr,
        )
    assert access_log_list(municipality_numbers=["0301"]).count() == 2
    assert access_log_list(municipality_numbers=["0301"], person_fnr="a").count() == 1
