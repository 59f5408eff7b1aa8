"""The only way staff code reaches a person, index or close contact (B-1, B-4).

Each `*_get_for_user` function checks that the user is a tracer in the object's municipality,
writes the access-log entry (allowed or denied) and only then returns the object. Another
municipality's object and a missing one both answer Http404, indistinguishably. If the log
entry cannot be written the exception propagates, so the data is never shown unlogged.

Views, the administration and the API must not query tracing models for staff in any other way.
"""

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import AccessAction, ObjectType, Role
from accounts.selectors import user_has_role, user_municipalities, user_municipality_numbers
from accounts.services import AccessRecord, access_log_write, access_log_write_select
from municipalities.models import Municipality
from municipalities.selectors import norwegian_sort_key
from tracing.models import CloseContact, Index, Person

_LOG_CHUNK = 2000  # access-log entries held in memory at once (index_rows_log)
# Ids are bigints. A larger one in a URL names no object: it is a miss like any other, logged
# without the id, which the log's bigint column cannot hold (the insert would fail: a 500 and
# no entry).
MAX_ID = 2**63 - 1

__all__ = [
    "MAX_ID",
    "AccessAction",
    "close_contact_get_for_user",
    "close_contacts_list_log",
    "close_contacts_log",
    "index_get_for_user",
    "index_log_for_user",
    "index_queryset_log",
    "index_transfer_log",
    "indexes_find_by_fnr_for_user",
    "indexes_get_for_user",
    "indexes_log",
    "overview_municipalities_for_user",
    "overview_municipality_get_for_user",
    "person_get_for_user",
]

# Who sees a municipality's «Oversikt»: its tracers and its administrators.
OVERVIEW_ROLES = (Role.TRACER, Role.ADMIN)


def _may_trace(user: AbstractBaseUser, municipality_number: str) -> bool:
    return municipality_number in user_municipality_numbers(user=user, role=Role.TRACER)


def _check(
    *,
    user: AbstractBaseUser,
    object_type: str,
    object_id: int,
    action: str,
    person: Person | None,
    municipality_number: str | None,
    index_id: int | None = None,
) -> None:
    """Write the access-log entry, allowed or denied, then raise Http404 if denied.

    `municipality_number` is None for an object that does not exist: denied, and logged the
    same way as another municipality's object.
    """
    allowed = municipality_number is not None and _may_trace(user, municipality_number)
    access_log_write(
        user=user,
        records=[
            AccessRecord(
                object_type=object_type,
                action=action,
                allowed=allowed,
                role=Role.TRACER if allowed else "",
                municipality_number=municipality_number,
                object_id=object_id if 0 <= object_id <= MAX_ID else None,
                person_id=person.pk if person else None,
                person_fnr=person.fnr if person else "",
                index_id=index_id,
            )
        ],
    )
    if not allowed:
        # No message: the answer must not tell "another municipality's" from "does not exist".
        raise Http404


def index_get_for_user(*, user: AbstractBaseUser, index_id: int, action: str) -> Index:
    """The index (with its person and municipality) if the user traces in its municipality."""
    index = Index.objects.select_related("person", "municipality").filter(pk=index_id).first()
    _check(
        user=user,
        object_type=ObjectType.INDEX,
        object_id=index_id,
        action=action,
        person=index.person if index else None,
        municipality_number=index.municipality_id if index else None,
        index_id=index.pk if index else None,
    )
    return index


def _index_record(index: Index, action: str, *, allowed: bool = True) -> AccessRecord:
    return AccessRecord(
        object_type=ObjectType.INDEX,
        action=action,
        allowed=allowed,
        role=Role.TRACER if allowed else "",
        municipality_number=index.municipality_id,
        object_id=index.pk,
        person_id=index.person_id,
        person_fnr=index.fnr,
        index_id=index.pk,
    )


def indexes_get_for_user(
    *, user: AbstractBaseUser, index_ids: Sequence[int], action: str
) -> tuple[list[Index], list[int]]:
    """Many indexes at once (bulk actions): (the ones the user traces in, in the order asked
    for, with person and municipality; the ids that are missing or another municipality's).
    One entry each, allowed or denied (as `index_get_for_user` logs them), written in one go
    before anything is returned; the caller refuses the whole action when the second list is
    not empty."""
    numbers = user_municipality_numbers(user=user, role=Role.TRACER)
    ids = list(dict.fromkeys(i for i in index_ids if 0 <= i <= MAX_ID))
    found = Index.objects.select_related("person", "municipality").in_bulk(ids)
    allowed, denied, records = [], [], []
    for index_id in ids:
        index = found.get(index_id)
        if index is None:
            denied.append(index_id)
            records.append(
                AccessRecord(
                    object_type=ObjectType.INDEX, action=action, allowed=False, object_id=index_id
                )
            )
        elif index.municipality_id in numbers:
            allowed.append(index)
            records.append(_index_record(index, action))
        else:
            denied.append(index_id)
            records.append(_index_record(index, action, allowed=False))
    access_log_write(user=user, records=records)
    return allowed, denied


def indexes_find_by_fnr_for_user(*, user: AbstractBaseUser, fnr: str) -> list[Index]:
    """The indexes (any status, newest first) of one fødselsnummer in the user's
    municipalities only (B-1). The search itself is logged (B-4): one entry per index found,
    or, when none is, one per municipality searched, with the number searched for, so that
    an administrator finds who looked for a person even where nothing was there."""
    numbers = sorted(user_municipality_numbers(user=user, role=Role.TRACER))
    found = list(
        Index.objects.select_related("person", "municipality")
        .filter(fnr=fnr, municipality_id__in=numbers)
        .order_by("-opened_at", "-pk")
    )
    records = [_index_record(i, AccessAction.SEARCH) for i in found] or [
        AccessRecord(
            object_type=ObjectType.PERSON,
            action=AccessAction.SEARCH,
            allowed=True,
            role=Role.TRACER,
            municipality_number=number,
            person_fnr=fnr,
        )
        for number in numbers
    ]
    access_log_write(user=user, records=records)
    return found


def person_get_for_user(*, user: AbstractBaseUser, person_id: int, action: str) -> Person:
    """The person record if the user traces in the record's municipality."""
    person = Person.objects.select_related("municipality").filter(pk=person_id).first()
    _check(
        user=user,
        object_type=ObjectType.PERSON,
        object_id=person_id,
        action=action,
        person=person,
        municipality_number=person.municipality_id if person else None,
    )
    return person


def close_contact_get_for_user(
    *, user: AbstractBaseUser, close_contact_id: int, action: str
) -> CloseContact:
    """The close contact (with person, index and municipality) if the user traces in the
    contact's municipality."""
    contact = (
        CloseContact.objects.select_related("person", "index", "municipality")
        .filter(pk=close_contact_id)
        .first()
    )
    _check(
        user=user,
        object_type=ObjectType.CLOSE_CONTACT,
        object_id=close_contact_id,
        action=action,
        person=contact.person if contact else None,
        municipality_number=contact.municipality_id if contact else None,
        index_id=contact.index_id if contact else None,
    )
    return contact


def index_log_for_user(*, user: AbstractBaseUser, index: Index, action: str) -> None:
    """Log a further action on an index already reached through `index_get_for_user`, or just
    created by the user (e.g. registered by hand). Refuses an index outside the user's
    municipalities like the getters do."""
    _check(
        user=user,
        object_type=ObjectType.INDEX,
        object_id=index.pk,
        action=action,
        person=index.person,
        municipality_number=index.municipality_id,
        index_id=index.pk,
    )


def index_transfer_log(
    *,
    user: AbstractBaseUser,
    index: Index,
    contacts: Iterable[CloseContact],
    from_number: str,
    now: datetime.datetime,
) -> None:
    """B-4 for a hand-over: the index and each close contact moved, logged in the municipality
    they left and in the one that received them, so that each side's administrator finds the
    entry. Written in the transfer's transaction; the caller has checked the user's access to
    the index in `from_number` (index_get_for_user) and moved it to `index.municipality`."""
    if not _may_trace(user, from_number):
        raise PermissionError("transfer from outside the user's municipalities")
    rows = [
        (ObjectType.INDEX, index.pk, index.person_id, index.fnr),
        *((ObjectType.CLOSE_CONTACT, c.pk, c.person_id, c.person.fnr) for c in contacts),
    ]
    access_log_write(
        user=user,
        records=[
            AccessRecord(
                object_type=object_type,
                action=AccessAction.TRANSFER,
                allowed=True,
                role=Role.TRACER,
                municipality_number=number,
                object_id=object_id,
                person_id=person_id,
                person_fnr=fnr,
                index_id=index.pk,
            )
            for number in (from_number, index.municipality_id)
            for object_type, object_id, person_id, fnr in rows
        ],
        now=now,
    )


@dataclass(frozen=True)
class IndexRow:
    """What identifies one shown row of a list: enough for its access-log entry."""

    object_type: str
    object_id: int
    person_id: int
    person_fnr: str
    municipality_number: str
    index_id: int | None


def index_rows_log(*, user: AbstractBaseUser, rows: Iterable[IndexRow], action: str) -> None:
    """B-4 for lists (worklists, CSV exports, the close contacts on an index page): one entry per
    person shown, written in one go before the list is shown.

    The rows must come from selectors already limited to the user's municipalities; a row
    outside them is a programming error and stops the page.
    """
    numbers = user_municipality_numbers(user=user, role=Role.TRACER)

    def records():
        for row in rows:
            if row.municipality_number not in numbers:
                raise PermissionError("list row outside the user's municipalities")
            yield AccessRecord(
                object_type=row.object_type,
                action=action,
                allowed=True,
                role=Role.TRACER,
                municipality_number=row.municipality_number,
                object_id=row.object_id,
                person_id=row.person_id,
                person_fnr=row.person_fnr,
                index_id=row.index_id,
            )

    # Written in chunks, so that memory stays flat however long the list. One moment for the
    # whole list, and all or nothing (a transaction once there is more than one chunk); a page
    # fits in one.
    now = timezone.now()
    pending = records()
    first = list(itertools.islice(pending, _LOG_CHUNK))
    if len(first) < _LOG_CHUNK:
        access_log_write(user=user, records=first, now=now)
        return
    with transaction.atomic():
        access_log_write(user=user, records=first, now=now)
        while chunk := list(itertools.islice(pending, _LOG_CHUNK)):
            access_log_write(user=user, records=chunk, now=now)


def indexes_log(*, user: AbstractBaseUser, indexes: Iterable[Index], action: str) -> None:
    """B-4 for a list of indexes shown (a worklist page, the API's list): one entry each."""
    index_rows_log(
        user=user,
        rows=(
            IndexRow(ObjectType.INDEX, i.pk, i.person_id, i.fnr, i.municipality_id, i.pk)
            for i in indexes
        ),
        action=action,
    )


def close_contacts_log(
    *, user: AbstractBaseUser, index: Index, contacts: Iterable[CloseContact], action: str
) -> None:
    """B-4 for the close contacts of an index shown or just registered (their names and
    numbers are reads of their records); the contacts must have their person loaded."""
    index_rows_log(
        user=user,
        rows=(
            IndexRow(
                ObjectType.CLOSE_CONTACT,
                c.pk,
                c.person_id,
                c.person.fnr,
                c.municipality_id,
                index.pk,
            )
            for c in contacts
        ),
        action=action,
    )


def close_contacts_list_log(
    *, user: AbstractBaseUser, rows: Iterable[Sequence], action: str
) -> None:
    """B-4 for a list of close contacts of any indexes (the «Nærkontakter» worklist and its
    export): one entry per contact, from rows of (contact id, person id, fødselsnummer,
    municipality number, index id)."""
    index_rows_log(
        user=user,
        rows=(IndexRow(ObjectType.CLOSE_CONTACT, *row[:5]) for row in rows),
        action=action,
    )


def index_queryset_log(*, user: AbstractBaseUser, indexes: QuerySet[Index], action: str) -> int:
    """B-4 for a whole list as a query (the CSV export): one entry per index, written by the
    database in one INSERT … SELECT before the list is shown: for 50 000 rows, a fraction of a
    second and no memory in Python.

    The query must come from selectors already limited to the user's municipalities; an index
    outside them is a programming error and stops the export with nothing written.
    """
    numbers = user_municipality_numbers(user=user, role=Role.TRACER)
    if indexes.exclude(municipality_id__in=numbers).exists():
        raise PermissionError("list row outside the user's municipalities")
    source = indexes.filter(municipality_id__in=numbers).values(
        log_object_id=F("pk"),
        log_person_id=F("person_id"),
        log_person_fnr=F("fnr"),
        log_municipality=F("municipality_id"),
        log_index_id=F("pk"),
    )
    return access_log_write_select(
        user=user, source=source, object_type=ObjectType.INDEX, action=action, role=Role.TRACER
    )


def overview_municipalities_for_user(*, user: AbstractBaseUser) -> list[Municipality]:
    """The municipalities whose «Oversikt» the user may see, in Norwegian alphabetical order."""
    found = {
        m.number: m for role in OVERVIEW_ROLES for m in user_municipalities(user=user, role=role)
    }
    return sorted(found.values(), key=lambda m: norwegian_sort_key(m.name_norwegian))


def overview_municipality_get_for_user(*, user: AbstractBaseUser, number: str) -> Municipality:
    """The municipality if the user is a tracer or administrator there (B-1, A-2); else Http404,
    the same for another municipality's number as for one that does not exist.

    Not logged: the overview shows counts, never a person's record (B-4)."""
    if not any(
        user_has_role(user=user, role=role, municipality_number=number) for role in OVERVIEW_ROLES
    ):
        raise Http404
    return next(m for m in overview_municipalities_for_user(user=user) if m.number == number)
