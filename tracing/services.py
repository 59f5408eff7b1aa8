"""Writes to the tracing system. Each service is one transaction and raises TracingError."""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.localtime import local_date
from core.metrics import registration_counted
from tracing import notes
from tracing.models import (
    CloseContact,
    Index,
    Note,
    Person,
    PersonLock,
    RegisteredByKind,
    WorklistPreference,
)
from tracing.references import reference_new
from tracing.registration import (
    ANSWER_FIELDS,
    HOUSEHOLD_MAX,
    PERSON_FIELDS,
    Channel,
    PersonDetails,
    Registration,
    registration_errors,
    values_of,
)
from tracing.rules import Decision, Outcome, decide
from tracing.selectors import duplicate_candidates, index_active_or_self_registered_recently


class TracingError(Exception):
    """A change the tracing rules do not allow; `str()` is a message for the user."""


class AlreadyRegistered(TracingError):
    """C-5 / D-1a / D-2a: the person is already registered and under follow-up."""

    def __init__(self, rule: str):
        self.rule = rule
        super().__init__(gettext("Personen er allerede registrert. Ta kontakt med kommunen."))


class IndexMoved(TracingError):
    """The index was handed to another municipality after the caller reached it: the caller's
    access check no longer holds (B-1), and the views answer 404."""

    def __init__(self):
        super().__init__(gettext("Indeksen er overført til en annen kommune."))


@dataclass(frozen=True)
class RegisteredBy:
    kind: RegisteredByKind
    fnr: str = ""
    user: AbstractBaseUser | None = None
    # A guardian's name and phone, for the tracer to reach them (empty for anyone else).
    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RegistrationResult:
    index: Index
    rule: str  # the duplicate rule that decided, e.g. "D-1b"
    repeated_submission: bool = False


def person_lock(fnr: str) -> None:
    """Lock the fødselsnummer's PersonLock row until the transaction ends (made if missing):
    every write that may make or move a person's records takes it first."""
    # The retention job (S11) deletes the lock row of a number left without records; if it does
    # so between these two statements, the row is made again.
    for _ in range(3):
        # INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): one statement where
        # get_or_create takes four with its savepoint.
        PersonLock.objects.bulk_create([PersonLock(fnr=fnr)], ignore_conflicts=True)
        if list(PersonLock.objects.select_for_update().filter(fnr=fnr).values_list("pk")):
            return
    raise TracingError(gettext("Registreringen kunne ikke låses. Prøv igjen."))


def index_lock_unmoved(index: Index) -> Index:
    """Lock the index's row and read it again; raise IndexMoved if it has left the municipality
    it was in when the caller reached it. So an edit racing a transfer ends as one of the two
    serial orders: before it (and it moves along) or after it (and it is refused)."""
    locked = Index.objects.select_for_update().get(pk=index.pk)
    if locked.municipality_id != index.municipality_id:
        raise IndexMoved
    return locked


def _reference_unused() -> str:
    # 2**50 references make a repeat unlikely, not impossible: a clash would fail the
    # registration on the unique constraint, so look first.
    while True:
        reference = reference_new()
        if not Index.objects.filter(reference=reference).exists():
            return reference


def _person_data(registration: PersonDetails) -> dict:
    # Only fields the registration knows overwrite what tracers may have entered before.
    data = {name: getattr(registration, name) for name in PERSON_FIELDS if name != "fnr"}
    return {name: value for name, value in data.items() if value not in ("", None)}


def _apply_decision(
    *,
    decision: Decision,
    registration: Registration,
    municipality_number: str,
    now: datetime.datetime,
) -> tuple[Person, CloseContact | None]:
    if decision.outcome in (Outcome.CREATE, Outcome.CREATE_DUPLICATE):
        person = Person.objects.create(
            fnr=registration.fnr,
            municipality_id=municipality_number,
            possible_duplicate=decision.outcome is Outcome.CREATE_DUPLICATE,
            created_at=now,
            updated_at=now,
            **_person_data(registration),
        )
        return person, None
    person = Person.objects.select_for_update().get(pk=decision.person_id)
    for name, value in _person_data(registration).items():
        setattr(person, name, value)
    person.updated_at = now
    contact = None
    if decision.outcome is Outcome.CONVERT_CONTACT:
        # D-1d: the index is enrolled in the chosen municipality; the contact role stays, linked
        # to the index it was a contact of.
        person.municipality_id = municipality_number
        contact = person.contact_roles.order_by("-registered_at", "-pk").first()
    person.save()
    return person, contact


def index_register(
    *,
    registration: Registration,
    municipality_number: str,
    registered_by: RegisteredBy,
    self_registered: bool,
    submission_id: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> RegistrationResult:
    """Register an index case under the duplicate rules (section 5), in one transaction.

    Used by the citizen portal (I-1), by tracers registering by hand and by the API. Runs one
    registration per person at a time (PersonLock); the database also refuses a second active
    index for one number. A repeated submission id returns the first registration (C-8).
    Counted per rule for the metrics: a registration once it is committed, a refusal at once.
    """
    try:
        result = _index_register(
            registration=registration,
            municipality_number=municipality_number,
            registered_by=registered_by,
            self_registered=self_registered,
            submission_id=submission_id,
            now=now,
        )
    except AlreadyRegistered as exc:
        registration_counted(rule=exc.rule, outcome="refused")
        raise
    outcome = "repeated" if result.repeated_submission else "registered"
    transaction.on_commit(lambda: registration_counted(rule=result.rule, outcome=outcome))
    return result


def _index_register(
    *,
    registration: Registration,
    municipality_number: str,
    registered_by: RegisteredBy,
    self_registered: bool,
    submission_id: uuid.UUID | None,
    now: datetime.datetime | None,
) -> RegistrationResult:
    now = now or timezone.now()
    try:
        with transaction.atomic():
            person_lock(registration.fnr)
            if submission_id is not None:
                earlier = Index.objects.filter(submission_id=submission_id).first()
                if earlier is not None:
                    if earlier.fnr != registration.fnr:
                        raise TracingError(gettext("Skjemaet er allerede brukt."))
                    return RegistrationResult(
                        index=earlier, rule=earlier.duplicate_rule, repeated_submission=True
                    )
            candidates = duplicate_candidates(fnr=registration.fnr)
            decision = decide(candidates, municipality_number)
            # An active index is refused by the duplicate rules (D-1a/D-2a), which say why; what
            # C-5 refuses beyond them is a self-registration of the last 14 days.
            if decision.outcome is Outcome.REFUSE:
                raise AlreadyRegistered(decision.rule)
            if self_registered and index_active_or_self_registered_recently(
                fnr=registration.fnr, now=now
            ):
                raise AlreadyRegistered("C-5")
            person, contact = _apply_decision(
                decision=decision,
                registration=registration,
                municipality_number=municipality_number,
                now=now,
            )
            index = Index.objects.create(
                person=person,
                fnr=registration.fnr,
                birth_date=person.birth_date,
                reference=_reference_unused(),
                municipality_id=municipality_number,
                opened_at=now,
                follow_up_on=local_date(now),
                self_registered=self_registered,
                registered_by_kind=registered_by.kind,
                registered_by_fnr=registered_by.fnr,
                registered_by_name=registered_by.name,
                registered_by_phone=registered_by.phone,
                registered_by_user=registered_by.user,
                submission_id=submission_id,
                duplicate_rule=decision.rule,
                duplicate_candidates=[{**asdict(c), "kind": str(c.kind)} for c in candidates],
                converted_from_contact=contact,
                **{name: getattr(registration, name) for name in ANSWER_FIELDS},
            )
            if self_registered:
                _write_selfreg_notes(
                    index=index, registration=registration, registered_by=registered_by, now=now
                )
            return RegistrationResult(index=index, rule=decision.rule)
    except IntegrityError as exc:
        # The partial unique index on active indexes held where the lock could not (D-3).
        if Index.objects.filter(fnr=registration.fnr, status=Index.Status.ACTIVE).exists():
            raise AlreadyRegistered("D-3") from exc
        raise


def _write_selfreg_notes(
    *, index: Index, registration: Registration, registered_by: RegisteredBy, now: datetime.datetime
) -> None:
    """I-4: the two notes every self-registration writes."""
    by_guardian = registered_by.kind == RegisteredByKind.GUARDIAN
    label = "Selvregistrering (foresatt)" if by_guardian else "Selvregistrering"
    Note.objects.bulk_create(
        [
            Note(
                index=index,
                title=notes.DONE_TITLE,
                text=notes.done_text(now),
                created_at=now,
                author_label=label,
            ),
            Note(
                index=index,
                title=notes.INFO_TITLE,
                text=notes.info_text(
                    registration=registration, moment=now, by_guardian=by_guardian
                ),
                # A microsecond later, so that "newest first" lists the two notes in a stable
                # order.
                created_at=now + datetime.timedelta(microseconds=1),
                author_label=label,
            ),
        ]
    )


@transaction.atomic
def close_contact_register(
    *,
    index: Index,
    person: PersonDetails,
    last_contact_on: datetime.date | None = None,
    user: AbstractBaseUser | None = None,
    now: datetime.datetime | None = None,
    reported_by: CloseContact.ReportedBy = CloseContact.ReportedBy.STAFF,
) -> CloseContact:
    """Register a close contact of an index, in the index's municipality (B-3).

    The contact's person record in that municipality is reused if there is one. Takes the
    person lock, as index_register does: without it, the person self-registering at the same
    moment would get a second record in the municipality, each side blind to the other (R5).
    """
    now = now or timezone.now()
    if not person.fnr:
        # A record is found again by its number; one without is household_contacts_register's.
        raise TracingError(gettext("Fyll inn fødselsnummeret."))
    if person.fnr == index.fnr:
        raise TracingError(gettext("Indekspersonen kan ikke registreres som sin egen nærkontakt."))
    # The index first, then the person: the order a transfer of the index takes them in.
    index_lock_unmoved(index)
    person_lock(person.fnr)
    record = (
        Person.objects.select_for_update()
        .filter(fnr=person.fnr, municipality_id=index.municipality_id)
        .order_by("-pk")
        .first()
    )
    if record is None:
        record = Person.objects.create(
            fnr=person.fnr,
            municipality_id=index.municipality_id,
            created_at=now,
            updated_at=now,
            **_person_data(person),
        )
    if CloseContact.objects.filter(person=record, index=index).exists():
        raise TracingError(
            gettext("Personen er allerede registrert som nærkontakt til denne indeksen.")
        )
    return CloseContact.objects.create(
        person=record,
        index=index,
        municipality_id=index.municipality_id,
        registered_at=now,
        last_contact_on=last_contact_on,
        registered_by_user=user,
        reported_by=reported_by,
    )


@transaction.atomic
def household_contacts_register(
    *,
    index: Index,
    contacts: Sequence[PersonDetails],
    today: datetime.date,
    now: datetime.datetime | None = None,
) -> list[CloseContact]:
    """The people the index person lives with, as they listed them when registering: each a
    close contact of `index` in its municipality, «Registrert av indeks».

    Called inside the transaction that registers the index, so that the index and its
    household land together or not at all. A contact with a fødselsnummer (a child from
    Folkeregisteret) is registered as a tracer's would be, reusing their person record. A
    typed contact has no number: they get a person record of their own, never matched to
    another by number (docs/adr/0012-household-contacts.md). Typed contacts meet the
    registration's rules for a household contact (Channel.HOUSEHOLD)."""
    if len(contacts) > HOUSEHOLD_MAX:
        raise TracingError(gettext("For mange nærkontakter."))
    now = now or timezone.now()
    registered = []
    for person in contacts:
        if person.fnr:
            registered.append(
                close_contact_register(
                    index=index, person=person, now=now, reported_by=CloseContact.ReportedBy.INDEX
                )
            )
            continue
        if registration_errors(values_of(person), today=today, channel=Channel.HOUSEHOLD):
            raise TracingError(gettext("En nærkontakt mangler navn eller telefonnummer."))
        record = Person.objects.create(
            fnr="",
            municipality_id=index.municipality_id,
            created_at=now,
            updated_at=now,
            **_person_data(person),
        )
        registered.append(
            CloseContact.objects.create(
                person=record,
                index=index,
                municipality_id=index.municipality_id,
                registered_at=now,
                reported_by=CloseContact.ReportedBy.INDEX,
            )
        )
    return registered


@transaction.atomic
def index_close(*, index: Index, now: datetime.datetime | None = None) -> Index:
    index = index_lock_unmoved(index)
    if index.status == Index.Status.CLOSED:
        raise TracingError(gettext("Indeksen er allerede avsluttet."))
    index.status = Index.Status.CLOSED
    index.closed_at = now or timezone.now()
    index.save(update_fields=["status", "closed_at"])
    return index


def index_reopen(*, index: Index, now: datetime.datetime | None = None) -> Index:
    """Reopen a closed index, unless the person has another active index (D-3)."""
    try:
        with transaction.atomic():
            person_lock(index.fnr)
            index = index_lock_unmoved(index)
            if index.status == Index.Status.ACTIVE:
                raise TracingError(gettext("Indeksen er allerede aktiv."))
            if Index.objects.filter(fnr=index.fnr, status=Index.Status.ACTIVE).exists():
                raise AlreadyRegistered("D-3")
            index.status = Index.Status.ACTIVE
            index.closed_at = None
            index.follow_up_on = local_date(now or timezone.now())
            index.save(update_fields=["status", "closed_at", "follow_up_on"])
            return index
    except IntegrityError as exc:
        raise AlreadyRegistered("D-3") from exc


@transaction.atomic
def note_add(
    *,
    index: Index,
    title: str,
    text: str,
    user: AbstractBaseUser | None,
    author_label: str,
    now: datetime.datetime | None = None,
    close_contact: CloseContact | None = None,
) -> Note:
    """Notes are only ever added (B-3). A note about a close contact is written on the
    contact's index and points at the contact."""
    if not text.strip():
        raise TracingError(gettext("Notatet er tomt."))
    index_lock_unmoved(index)
    if close_contact is not None and close_contact.index_id != index.pk:
        raise ValueError("a close contact's note belongs on the contact's own index")
    return Note.objects.create(
        index=index,
        close_contact=close_contact,
        title=title.strip() or "Notat",
        text=text,
        created_at=now or timezone.now(),
        author_user=user,
        author_label=author_label,
    )


def follow_up_date_check(follow_up_on: datetime.date, *, now: datetime.datetime | None = None):
    """The rule for a next follow-up date, whichever index it is for: not in the past."""
    if follow_up_on < local_date(now or timezone.now()):
        raise TracingError(gettext("Neste oppfølging kan ikke være tilbake i tid."))


@transaction.atomic
def close_contact_set_status(
    *, contact: CloseContact, status: str, now: datetime.datetime | None = None
) -> CloseContact:
    """Set whether a close contact has been reached («Kontaktet», «Ikke nådd»), and when."""
    if status not in CloseContact.Status.values:
        raise TracingError(gettext("Ukjent status."))
    # The index first, as every edit and the transfer lock it: a contact handed to another
    # municipality meanwhile is refused, like an edit of its index (B-1).
    index_lock_unmoved(contact.index)
    locked = CloseContact.objects.select_for_update().get(pk=contact.pk)
    if locked.municipality_id != contact.municipality_id:
        raise IndexMoved
    contact = locked
    if contact.status == status:
        return contact
    contact.status = status
    contact.status_changed_at = now or timezone.now()
    contact.save(update_fields=["status", "status_changed_at"])
    return contact


@transaction.atomic
def index_set_follow_up(
    *, index: Index, follow_up_on: datetime.date, now: datetime.datetime | None = None
) -> Index:
    """Set the date of the next follow-up; the index leaves 'Indeksoppfølging i dag' until then
    (B-2)."""
    follow_up_date_check(follow_up_on, now=now)
    index = index_lock_unmoved(index)
    if index.status != Index.Status.ACTIVE:
        raise TracingError(gettext("Bare en aktiv indeks kan få ny oppfølgingsdato."))
    index.follow_up_on = follow_up_on
    index.save(update_fields=["follow_up_on"])
    return index


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
