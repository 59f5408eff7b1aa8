"""The administrator's way to the access log (B-4, A-2): reading the log about a person is
itself a read about that person, so the search is logged before its entries are returned."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import AccessAction, AccessLogEntry, ObjectType, Role
from accounts.selectors import access_log_list, user_municipality_numbers
from accounts.services import AccessRecord, access_log_write


def access_log_for_admin(*, user: AbstractBaseUser) -> QuerySet[AccessLogEntry]:
    """The entries of the user's administered municipalities (A-2), newest first."""
    numbers = sorted(user_municipality_numbers(user=user, role=Role.ADMIN))
    return access_log_list(municipality_numbers=numbers)


def access_log_search_for_admin(
    *, user: AbstractBaseUser, fnr: str, action: AccessAction
) -> QuerySet[AccessLogEntry]:
    """Every entry about `fnr` in the user's administered municipalities, after one entry per
    municipality for the search itself (`LOG_SEARCH`, or `LOG_EXPORT` for the CSV)."""
    numbers = sorted(user_municipality_numbers(user=user, role=Role.ADMIN))
    access_log_write(
        user=user,
        records=[
            AccessRecord(
                object_type=ObjectType.ACCESS_LOG,
                action=action,
                allowed=True,
                role=Role.ADMIN,
                municipality_number=number,
                person_fnr=fnr,
            )
            for number in numbers
        ],
    )
    return access_log_list(municipality_numbers=numbers, person_fnr=fnr)
