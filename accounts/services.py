"""Writes for staff: accounts and roles (O-4), login throttling, worklist columns (I-3) and the
access log (B-4). Each service raises AccountsError for input the rules do not allow."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    AccessLogEntry,
    LoginFailure,
    LoginLockout,
    Role,
    StaffRole,
    WorklistPreference,
)
from accounts.selectors import user_roles_forget
from municipalities.selectors import municipality_lookup_number

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = datetime.timedelta(minutes=15)
LOGIN_LOCKOUT = datetime.timedelta(minutes=15)


class AccountsError(Exception):
    """A change to staff accounts the rules do not allow; `str()` is a message for the user."""


@dataclass(frozen=True)
class StaffResult:
    user: AbstractBaseUser
    created: bool
    roles_added: list[str]


def _municipality_numbers_checked(numbers: Sequence[str]) -> list[str]:
    if not numbers:
        raise AccountsError("Oppgi minst én kommune (--municipality NNNN).")
    checked = []
    for number in numbers:
        lookup = municipality_lookup_number(number=number)
        if lookup.is_current:
            checked.append(lookup.number)
        elif lookup.single_successor is not None:
            successor = lookup.single_successor
            raise AccountsError(
                f"Kommunenummer {number} er ikke i bruk fra 2024. "
                f"Bruk {successor.number} ({successor.name})."
            )
        else:
            raise AccountsError(f"Ukjent kommunenummer: {number!r}")
    return list(dict.fromkeys(checked))


@transaction.atomic
def staff_create_or_extend(
    *,
    username: str,
    password: str | None,
    municipality_numbers: Sequence[str],
    role: str,
) -> StaffResult:
    """O-4: create a staff account, or give an existing one more roles.

    Everything is checked before anything is written, so bad input changes nothing. The
    password of an existing account is set again only if one is given. `is_staff` stays off:
    Django's own admin is for superusers only.
    """
    username = (username or "").strip()
    if not username:
        raise AccountsError("Brukernavn mangler.")
    if role not in Role.values:
        raise AccountsError(f"Ukjent rolle: {role!r}. Bruk {' eller '.join(Role.values)}.")
    numbers = _municipality_numbers_checked(municipality_numbers)
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created and not password:
        raise AccountsError("En ny bruker trenger et passord (--password).")
    if password:
        try:
            validate_password(password, user=user or user_model(username=username))
        except ValidationError as exc:
            raise AccountsError("Passordet er for svakt: " + " ".join(exc.messages)) from exc
    if created:
        user = user_model(username=username, is_staff=False, is_superuser=False)
    if password:
        user.set_password(password)
    user.save()
    added = []
    for number in numbers:
        _, new = StaffRole.objects.get_or_create(user=user, municipality_id=number, role=role)
        if new:
            added.append(number)
    user_roles_forget(user)
    return StaffResult(user=user, created=created, roles_added=added)


def _username_key(username: str) -> str:
    # Case-insensitive, so "Kari" and "kari" share one counter.
    return (username or "").strip().lower()[:150]


def login_is_locked(*, username: str, now: datetime.datetime | None = None) -> bool:
    """Is this username locked out? Answers the same for usernames that do not exist."""
    now = now or timezone.now()
    return LoginLockout.objects.filter(
        username=_username_key(username), locked_until__gt=now
    ).exists()


@transaction.atomic
def login_failure_record(*, username: str, now: datetime.datetime | None = None) -> bool:
    """Count a failed login; lock the username for 15 minutes at the 5th failure in 15 minutes.

    Returns whether the username is now locked.
    """
    now = now or timezone.now()
    key = _username_key(username)
    # Only the last window matters; older rows would just pile up (also for made-up names).
    LoginFailure.objects.filter(username=key, failed_at__lte=now - LOGIN_WINDOW).delete()
    LoginLockout.objects.filter(username=key, locked_until__lte=now - LOGIN_WINDOW).delete()
    LoginFailure.objects.create(username=key, failed_at=now)
    last_lock = LoginLockout.objects.filter(username=key).order_by("-locked_until").first()
    since = now - LOGIN_WINDOW
    if last_lock is not None and last_lock.locked_until > since:
        # Failures from before the last lockout ended were already punished.
        since = last_lock.locked_until
    failures = LoginFailure.objects.filter(username=key, failed_at__gt=since).count()
    if failures >= LOGIN_MAX_FAILURES:
        LoginLockout.objects.create(username=key, locked_until=now + LOGIN_LOCKOUT)
        return True
    return False


def login_success_record(*, username: str) -> None:
    """A successful login starts the failure count afresh."""
    LoginFailure.objects.filter(username=_username_key(username)).delete()


def worklist_columns_set(
    *, user: AbstractBaseUser, worklist: str, columns: Sequence[str], allowed: Iterable[str]
) -> list[str]:
    """Save the tracer's column choice for a worklist (I-3), keeping only known columns."""
    allowed_set = set(allowed)
    kept = [c for c in dict.fromkeys(columns) if c in allowed_set]
    WorklistPreference.objects.update_or_create(
        user=user,
        worklist=worklist,
        defaults={"columns": kept, "updated_at": timezone.now()},
    )
    return kept


@dataclass(frozen=True)
class AccessRecord:
    """One read or change of a person's data, as the access functions describe it (B-4)."""

    object_type: str
    action: str
    allowed: bool
    role: str = ""
    municipality_number: str | None = None
    object_id: int | None = None
    person_id: int | None = None
    person_fnr: str = ""
    index_id: int | None = None


def access_log_write(
    *, user: AbstractBaseUser, records: Sequence[AccessRecord], now: datetime.datetime | None = None
) -> None:
    """Append entries to the access log (B-4). Raises if they cannot be written: the caller
    must then not show the data. One INSERT (batched by the database's parameter limit)."""
    if not records:
        return
    now = now or timezone.now()
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                at=now,
                user=user,
                username=user.get_username(),
                role=record.role,
                municipality_id=record.municipality_number,
                object_type=record.object_type,
                object_id=record.object_id,
                person_id=record.person_id,
                person_fnr=record.person_fnr,
                index_id=record.index_id,
                action=record.action,
                allowed=record.allowed,
            )
            for record in records
        ],
        batch_size=500,
    )
