"""Reads of staff roles, API tokens and the access log.

The role helpers are what every back-office, administration and API check is built on (B-1,
A-2). They read the user's roles once per request (one query) and keep them on the user object.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.models import ACCESS_READS, AccessLogEntry, ApiToken, ObjectType, Role, StaffRole
from municipalities.models import Municipality
from municipalities.selectors import norwegian_sort_key

_CACHE_ATTR = "_smittesporing_roles"

UserLike = AbstractBaseUser | AnonymousUser


def _roles(user: UserLike) -> Mapping[str, tuple[Municipality, frozenset[str]]]:
    """{municipality number: (municipality, roles)} for an active, logged-in user; else {}."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MappingProxyType({})
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    found: dict[str, tuple[Municipality, set[str]]] = {}
    for row in StaffRole.objects.filter(user=user).select_related("municipality"):
        found.setdefault(row.municipality_id, (row.municipality, set()))[1].add(row.role)
    roles = MappingProxyType(
        {number: (municipality, frozenset(r)) for number, (municipality, r) in found.items()}
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def user_roles_forget(user: UserLike) -> None:
    """Drop the per-request cache, after the user's roles were changed in this process."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_municipality_numbers(*, user: UserLike, role: Role | str = Role.TRACER) -> frozenset[str]:
    """The municipality numbers in which the user has `role` (B-1: the tracer's municipalities)."""
    return frozenset(number for number, (_, roles) in _roles(user).items() if role in roles)


def user_municipalities(*, user: UserLike, role: Role | str = Role.TRACER) -> list[Municipality]:
    """The municipalities in which the user has `role`, in Norwegian alphabetical order."""
    found = [m for m, roles in _roles(user).values() if role in roles]
    return sorted(found, key=lambda m: norwegian_sort_key(m.name_norwegian))


def user_has_role(
    *, user: UserLike, role: Role | str, municipality_number: str | None = None
) -> bool:
    """Has the user `role` in this municipality (or, with no municipality, in any)?"""
    if municipality_number is None:
        return bool(user_municipality_numbers(user=user, role=role))
    entry = _roles(user).get(municipality_number)
    return entry is not None and role in entry[1]


def user_is_tracer(user: UserLike) -> bool:
    return user_has_role(user=user, role=Role.TRACER)


def user_is_admin(user: UserLike) -> bool:
    return user_has_role(user=user, role=Role.ADMIN)


def access_log_list(
    *, municipality_numbers: Iterable[str], person_fnr: str | None = None
) -> QuerySet[AccessLogEntry]:
    """Access-log entries about the given municipalities, newest first (B-4, A-2), optionally
    only those about one person."""
    entries = AccessLogEntry.objects.filter(municipality_id__in=list(municipality_numbers))
    if person_fnr is not None:
        entries = entries.filter(person_fnr=person_fnr)
    return entries.select_related("municipality").order_by("-at", "-id")


def access_log_reads_of(*, person_fnrs: Iterable[str]) -> QuerySet[AccessLogEntry]:
    """What the citizen's innsyn shows: every allowed read by staff or an integration of the
    person and index records (also as a close contact) of these fødselsnumre, newest first,
    with the municipality, the user and an integration's token in the same query."""
    return (
        AccessLogEntry.objects.filter(
            person_fnr__in=list(person_fnrs),
            action__in=ACCESS_READS,
            object_type__in=(ObjectType.PERSON, ObjectType.INDEX, ObjectType.CLOSE_CONTACT),
            allowed=True,
            user__isnull=False,
        )
        .select_related("municipality", "user", "user__api_token")
        .order_by("-at", "-id")
    )


def api_token_list(*, municipality_number: str) -> QuerySet[ApiToken]:
    """The municipality's API tokens, newest first, with who made and revoked them."""
    return ApiToken.objects.filter(municipality_id=municipality_number).select_related(
        "created_by", "revoked_by", "service_user"
    )
