"""Staff accounts (O-4), login lockout and the access-log writer (B-4)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import AccessLogEntry, LoginFailure, StaffRole
from accounts.services import (
    AccessRecord,
    AccountsError,
    access_log_write,
    login_failure_record,
    login_is_locked,
    login_success_record,
    staff_create_or_extend,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "et-langt-testpassord"


def test_create_staff_makes_a_user_with_roles_and_no_admin_access():
    result = staff_create_or_extend(
        username="kari.tracer", password=PASSWORD, municipality_numbers=["0301"], role="tracer"
    )
    user = result.user
    assert result.created and result.roles_added == ["0301"]
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert user.password.startswith("argon2")
    assert set(StaffRole.objects.filter(user=user).values_list("municipality_id", "role")) == {
        ("0301", "tracer")
    }


def test_create_staff_extends_an_existing_account_without_touching_the_password():
    staff_create_or_extend(
        username="kari", password=PASSWORD, municipality_numbers=["0301"], role="tracer"
    )
    result = staff_create_or_extend(
        username="kari", password=None, municipality_numbers=["0301", "4601"], role="tracer"
    )
    assert not result.created
    assert result.roles_added == ["4601"]
    assert result.user.check_password(PASSWORD)
    assert StaffRole.objects.filter(user=result.user).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"municipality_numbers": ["9999"]}, "Ukjent kommunenummer"),
        ({"municipality_numbers": ["0301", "abcd"]}, "Ukjent kommunenummer"),
        ({"municipality_numbers": ["1601"]}, "5001"),  # Trondheim's old number
        ({"municipality_numbers": []}, "minst én kommune"),
        ({"role": "sjef"}, "Ukjent rolle"),
        ({"password": None}, "passord"),
        ({"password": "kort"}, "for svakt"),
        ({"username": "  "}, "Brukernavn"),
    ],
)
def test_create_staff_bad_input_changes_nothing(kwargs, message):
    args = {
        "username": "ny.bruker",
        "password": PASSWORD,
        "municipality_numbers": ["0301"],
        "role": "tracer",
        **kwargs,
    }
    with pytest.raises(AccountsError, match=message):
        staff_create_or_extend(**args)
    assert not get_user_model().objects.filter(username="ny.bruker").exists()
    assert not StaffRole.objects.exists()


def test_bad_municipality_leaves_an_existing_account_unchanged():
    staff_create_or_extend(
        username="kari", password=PASSWORD, municipality_numbers=["0301"], role="tracer"
    )
    with pytest.raises(AccountsError):
        staff_create_or_extend(
            username="kari",
            password="et-annet-langt-passord",
            municipality_numbers=["4601", "0000"],
            role="admin",
        )
    user = get_user_model().objects.get(username="kari")
    assert user.check_password(PASSWORD)
    assert StaffRole.objects.filter(user=user).count() == 1


def test_lockout_after_five_failures_in_fifteen_minutes():
    now = timezone.now()
    for minute in range(4):
        assert not login_failure_record(
            username="Kari", now=now + datetime.timedelta(minutes=minute)
        )
    assert not login_is_locked(username="kari", now=now + datetime.timedelta(minutes=4))
    assert login_failure_record(username="KARI", now=now + datetime.timedelta(minutes=4))
    assert login_is_locked(username="kari", now=now + datetime.timedelta(minutes=5))
    assert login_is_locked(username="kari", now=now + datetime.timedelta(minutes=18, seconds=59))
    assert not login_is_locked(username="kari", now=now + datetime.timedelta(minutes=19, seconds=1))
    assert not login_is_locked(username="someone-else", now=now + datetime.timedelta(minutes=5))


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
    now = timezone.now()
    for step in range(8):
        locked = login_failure_record(
            username="kari", now=now + datetime.timedelta(minutes=4 * step)
        )
        assert not locked


def test_after_a_lockout_a_single_failure_does_not_lock_again():
    now = timezone.now()
    for second in range(5):
        login_failure_record(username="kari", now=now + datetime.timedelta(seconds=second))
    after = now + datetime.timedelta(minutes=16)
    assert not login_is_locked(username="kari", now=after)
    assert not login_failure_record(username="kari", now=after)


def test_success_resets_the_failure_count():
    for _ in range(3):
        login_failure_record(username="kari")
    login_success_record(username="Kari")
    assert not LoginFailure.objects.exists()


def test_access_log_write_appends_one_row_per_record():
    user = StaffFactory()
    access_log_write(
        user=user,
        records=[
            AccessRecord(
                object_type="index",
                action="list",
                allowed=True,
                role="tracer",
                municipality_number="0301",
                object_id=n,
                person_id=n,
                person_fnr="x",
                index_id=n,
            )
            for n in range(1, 251)
        ],
    )
    assert AccessLogEntry.objects.filter(user=user, username=user.username).count() == 250


def test_old_failures_are_pruned():
    now = timezone.now()
    for step in range(3):
        login_failure_record(username="kari", now=now + datetime.timedelta(minutes=20 * step))
    assert LoginFailure.objects.filter(username="kari").count() == 1
