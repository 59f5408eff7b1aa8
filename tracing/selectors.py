"""Reads of the tracing system used by registration and by the portal."""

import datetime
from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from tracing.models import CloseContact, Index, Person, WorklistPreference
from tracing.rules import Candidate, CandidateKind

SELFREG_REFUSAL_DAYS = 14


def duplicate_candidates(*, fnr: str) -> list[Candidate]:
    """Snapshots of every person record with this number, for `tracing.rules.decide`.

    A record with an active index is an active index; else one with any index is a closed
    index; else one with a close-contact role is a close contact. One query, by the fnr index.
    """
    rows = (
        Person.objects.filter(fnr=fnr)
        .annotate(
            has_active=Exists(
                Index.objects.filter(person=OuterRef("pk"), status=Index.Status.ACTIVE)
            ),
            has_index=Exists(Index.objects.filter(person=OuterRef("pk"))),
            is_contact=Exists(CloseContact.objects.filter(person=OuterRef("pk"))),
        )
        .values_list("pk", "municipality_id", "has_active", "has_index", "is_contact")
        .order_by("pk")
    )
    candidates = []
    for person_id, municipality_number, has_active, has_index, is_contact in rows:
        if has_active:
            kind = CandidateKind.ACTIVE_INDEX
        elif has_index:
            kind = CandidateKind.CLOSED_INDEX
        elif is_contact:
            kind = CandidateKind.CLOSE_CONTACT
        else:
            continue
        candidates.append(Candidate(person_id, municipality_number, kind))
    return candidates


def _already_registered(now: datetime.datetime) -> Q:
    """C-5 (with D-1a/D-2a, an active index): the indexes that make a person already
    registered: an active one, or a positive home test self-registered in the last 14 days
    (closed or not since)."""
    recently = now - datetime.timedelta(days=SELFREG_REFUSAL_DAYS)
    return Q(status=Index.Status.ACTIVE) | Q(self_registered=True, opened_at__gte=recently)


def index_active_or_self_registered_recently(*, fnr: str, now: datetime.datetime) -> bool:
    """C-5 for one person. One query, by the fnr index."""
    return Index.objects.filter(_already_registered(now), fnr=fnr).exists()


def fnrs_already_registered(*, fnrs: Collection[str], now: datetime.datetime) -> set[str]:
    """C-5 for several persons at once (the citizen and their children): those of `fnrs` who
    are already registered. One query, by the fnr index."""
    found = Index.objects.filter(_already_registered(now), fnr__in=list(fnrs))
    return set(found.values_list("fnr", flat=True).distinct())


def indexes_self_registered_of(*, fnrs: Collection[str]) -> QuerySet[Index]:
    """The self-registrations of these persons, newest first, with person and municipality:
    what «Mine registreringer» lists. Whose they may be, the caller decides (C-4)."""
    return (
        Index.objects.select_related("person", "municipality")
        .filter(fnr__in=list(fnrs), self_registered=True)
        .order_by("-opened_at", "-pk")
    )


def index_self_registered_by_reference(*, reference: str) -> Index | None:
    """A self-registration by its «Referansenummer», with its person and municipality: what the
    citizen's receipt shows. Whose it is, the caller checks (C-4)."""
    return (
        Index.objects.select_related("person", "municipality")
        .filter(reference=reference, self_registered=True)
        .first()
    )


def index_reference_by_submission(*, submission_id) -> str | None:
    """The «Referansenummer» of the index a form submission made, if it made one (C-8)."""
    return (
        Index.objects.filter(submission_id=submission_id)
        .values_list("reference", flat=True)
        .first()
    )


def index_household_contacts(*, index: Index) -> list[CloseContact]:
    """The close contacts the index person listed themself («Registrert av indeks»), in the
    order they were listed, with their persons: what the citizen's receipt names."""
    return list(
        index.close_contacts.filter(reported_by=CloseContact.ReportedBy.INDEX)
        .select_related("person")
        .order_by("registered_at", "pk")
    )


def index_list(
    *,
    municipality_numbers: Collection[str],
    status: str = "",
    self_registered: bool | None = None,
) -> QuerySet[Index]:
    """Indexes of the given municipalities only (B-1), newest first, with their persons; for
    the integration API's list. The caller logs the rows it shows (B-4)."""
    indexes = Index.objects.filter(municipality_id__in=list(municipality_numbers))
    if status:
        indexes = indexes.filter(status=status)
    if self_registered is not None:
        indexes = indexes.filter(self_registered=self_registered)
    return indexes.select_related("person").order_by("-opened_at", "-pk")


def worklist_columns_get(*, user: AbstractBaseUser, worklist: str) -> list[str] | None:
    """The columns the user saved for this worklist, or None if never saved (I-3)."""
    preference = WorklistPreference.objects.filter(user=user, worklist=worklist).first()
    return list(preference.columns) if preference else None
