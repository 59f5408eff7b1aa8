"""Writes for staff: accounts and roles (O-4), login throttling, worklist columns (I-3) and the
access log (B-4). Each service raises AccountsError for input the rules do not allow."""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import (
    AccessAction,
    AccessLogEntry,
    ApiToken,
    LoginFailure,
    LoginLockout,
    ObjectType,
    Role,
    StaffRole,
)
from accounts.selectors import user_roles_forget
from municipalities.selectors import municipality_lookup_number

# The lockout: 5 failures within the last 15 minutes (a sliding window, which django-axes does
# not have: docs/adr/0008-libraries.md) lock a username for 15 minutes.
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = datetime.timedelta(minutes=15)
LOGIN_LOCKOUT = datetime.timedelta(minutes=15)
_FULL_NAME_MAX_LENGTH = 150  # Django's first_name and last_name hold 150 each


class AccountsError(Exception):
    """A change to staff accounts the rules do not allow; `str()` is a message for the user."""


@dataclass(frozen=True)
class StaffResult:
    user: AbstractBaseUser
    created: bool
    roles_added: list[str]


def _municipality_numbers_checked(numbers: Sequence[str]) -> list[str]:
    if not numbers:
        raise AccountsError(gettext("Oppgi minst én kommune (--municipality NNNN)."))
    checked = []
    for number in numbers:
        lookup = municipality_lookup_number(number=number)
        if lookup.is_current:
            checked.append(lookup.number)
        elif lookup.single_successor is not None:
            successor = lookup.single_successor
            raise AccountsError(
                gettext(
                    "Kommunenummer %(number)s er ikke i bruk fra 2024. "
                    "Bruk %(successor)s (%(name)s)."
                )
                % {"number": number, "successor": successor.number, "name": successor.name}
            )
        else:
            raise AccountsError(gettext("Ukjent kommunenummer: %(number)r") % {"number": number})
    return list(dict.fromkeys(checked))


@transaction.atomic
def staff_create_or_extend(
    *,
    username: str,
    password: str | None,
    municipality_numbers: Sequence[str],
    role: str,
    full_name: str | None = None,
) -> StaffResult:
    """O-4: create a staff account, or give an existing one more roles.

    Everything is checked before anything is written, so bad input changes nothing. The
    password of an existing account is set again only if one is given, and so is the full
    name (what a citizen's innsyn shows of who read their records). `is_staff` stays off:
    Django's own admin is for superusers only.
    """
    username = (username or "").strip()
    if not username:
        raise AccountsError(gettext("Brukernavn mangler."))
    if role not in Role.values:
        raise AccountsError(
            gettext("Ukjent rolle: %(role)r. Bruk %(roles)s.")
            % {"role": role, "roles": " | ".join(Role.values)}
        )
    numbers = _municipality_numbers_checked(municipality_numbers)
    if ApiToken.objects.filter(service_user__username=username).exists():
        # An API token's service user must never get a password or more roles.
        raise AccountsError(
            gettext("%(username)s er en tjenestebruker for en API-nøkkel.") % {"username": username}
        )
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created and not password:
        raise AccountsError(gettext("En ny bruker trenger et passord (--password)."))
    if password:
        try:
            validate_password(password, user=user or user_model(username=username))
        except ValidationError as exc:
            raise AccountsError(
                gettext("Passordet er for svakt: %(reasons)s") % {"reasons": " ".join(exc.messages)}
            ) from exc
    full_name = " ".join((full_name or "").split())
    if len(full_name) > _FULL_NAME_MAX_LENGTH:
        raise AccountsError(gettext("Navnet er for langt (høyst 150 tegn)."))
    if created:
        user = user_model(username=username, is_staff=False, is_superuser=False)
    if password:
        user.set_password(password)
    if full_name:
        # Given names and surname as Django keeps them; get_full_name() joins them again.
        given, _, surname = full_name.rpartition(" ")
        user.first_name, user.last_name = given, surname
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


def access_log_write_citizen_view(
    *, citizen_fnr: str, person_fnr: str, now: datetime.datetime | None = None
) -> None:
    """The citizen's own read of the log about `person_fnr` (themself or a child they may
    register for): one entry of its own kind, with no staff user and no municipality. Raises
    if it cannot be written: the caller must then not show the log."""
    AccessLogEntry.objects.create(
        at=now or timezone.now(),
        user=None,
        username="",
        object_type=ObjectType.ACCESS_LOG,
        person_fnr=person_fnr,
        citizen_fnr=citizen_fnr,
        action=AccessAction.CITIZEN_VIEW,
        allowed=True,
    )


# The names a source query for access_log_write_select must give its columns (values()).
ACCESS_SOURCE_COLUMNS = {
    "log_object_id": "object_id",
    "log_person_id": "person_id",
    "log_person_fnr": "person_fnr",
    "log_municipality": "municipality_id",
    "log_index_id": "index_id",
}


def access_log_write_select(
    *,
    user: AbstractBaseUser,
    source: QuerySet,
    object_type: str,
    action: str,
    role: str,
    now: datetime.datetime | None = None,
) -> int:
    """Append one entry per row of `source` (B-4) inside the database, as one
    INSERT … SELECT: a list of 50 000 rows is one statement, not 50 000 model instances in
    Python. `source` is a values() query naming its columns as in
    ACCESS_SOURCE_COLUMNS; the caller limits it to what the user may see. One statement, so
    all or nothing. Returns how many entries were written."""
    if set(source.query.values_select) | set(source.query.annotation_select) != set(
        ACCESS_SOURCE_COLUMNS
    ):
        raise ValueError(f"the source must give exactly {sorted(ACCESS_SOURCE_COLUMNS)}")
    select_sql, select_params = source.order_by().query.sql_with_params()
    connection = connections[source.db]
    quote = connection.ops.quote_name
    fixed = ["at", "user_id", "username", "role", "object_type", "action", "allowed"]
    target = ", ".join(quote(c) for c in [*fixed, *ACCESS_SOURCE_COLUMNS.values()])
    picked = ", ".join(f"log_rows.{quote(c)}" for c in ACCESS_SOURCE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(fixed))
    # Only quoted identifiers and Django's own compiled query; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(AccessLogEntry._meta.db_table)} ({target}) "  # noqa: S608
        f"SELECT {placeholders}, {picked} FROM ({select_sql}) log_rows"
    )
    moment = connection.ops.adapt_datetimefield_value(now or timezone.now())
    params = [moment, user.pk, user.get_username(), role, object_type, action, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount


API_TOKEN_PREFIX = "smt_"  # noqa: S105 (a visible prefix, not a secret)
_API_TOKEN_MAX_LENGTH = 200


@dataclass(frozen=True)
class CreatedApiToken:
    token: ApiToken
    secret: str  # the bearer token itself: shown once, never stored


def _api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, municipality_number: str, label: str, created_by: AbstractBaseUser
) -> CreatedApiToken:
    """A new API token for one municipality, with its own service user (ADR 0005).

    The token is 32 random bytes from `secrets`; only its SHA-256 is stored. The service user
    has no usable password and only the tracer role in this municipality, so everything the
    API reads goes through tracing.access and lands in the access log under its name (B-4).
    """
    label = " ".join((label or "").split())
    if not label:
        raise AccountsError(gettext("Gi API-nøkkelen et navn, f.eks. navnet på fagsystemet."))
    if len(label) > ApiToken._meta.get_field("label").max_length:
        raise AccountsError(gettext("Navnet er for langt (høyst 100 tegn)."))
    lookup = municipality_lookup_number(number=municipality_number)
    if not lookup.is_current:
        raise AccountsError(
            gettext("Ukjent kommunenummer: %(number)r") % {"number": municipality_number}
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    user_model = get_user_model()
    service_user = user_model(
        username=f"api-{lookup.number}-{secrets.token_hex(4)}",
        first_name="API",
        last_name=label[:150],
        is_staff=False,
        is_superuser=False,
    )
    service_user.set_unusable_password()
    service_user.save()
    StaffRole.objects.create(user=service_user, municipality_id=lookup.number, role=Role.TRACER)
    token = ApiToken.objects.create(
        municipality_id=lookup.number,
        label=label,
        token_hash=_api_token_hash(secret),
        token_prefix=secret[: len(API_TOKEN_PREFIX) + 4],
        service_user=service_user,
        created_by=created_by,
    )
    return CreatedApiToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(
    *, token_id: int, municipality_number: str, revoked_by: AbstractBaseUser
) -> ApiToken:
    """Revoke a token of this municipality; it is refused from the next request on. Its
    service user is deactivated too, so it has no role left anywhere."""
    token = (
        ApiToken.objects.select_for_update()
        .select_related("service_user")
        .filter(pk=token_id, municipality_id=municipality_number)
        .first()
    )
    if token is None:
        raise AccountsError(gettext("Fant ingen slik API-nøkkel for kommunen."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = revoked_by
    token.save(update_fields=["revoked_at", "revoked_by"])
    token.service_user.is_active = False
    token.service_user.save(update_fields=["is_active"])
    user_roles_forget(token.service_user)
    return token


def api_token_authenticate(*, secret: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The active token with this secret (with its service user and municipality), or None.

    Looked up by its hash (unique index), then compared in constant time. Records when it was
    last used.
    """
    if not secret or len(secret) > _API_TOKEN_MAX_LENGTH or not secret.isascii():
        return None
    digest = _api_token_hash(secret)
    token = (
        ApiToken.objects.select_related("service_user", "municipality")
        .filter(token_hash=digest, revoked_at__isnull=True, service_user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    token.last_used_at = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
