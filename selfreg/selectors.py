"""Reads for the citizen portal: who the citizen may register (C-4) and what is prefilled (C-6).

Every register read may raise `registers.types.RegisterError`; the views turn that into a 503
page (selfreg.decorators). The registers are reached through `registers.interfaces` at call
time, so the configured implementation (or a test's replacement) is the one used.
"""

import datetime
import hmac
import logging
from dataclasses import dataclass

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from municipalities.selectors import postal_place
from registers import interfaces
from registers.types import RegisterError, RegisterPerson
from selfreg import rules
from tracing.models import Index
from tracing.references import is_reference, reference_normalize
from tracing.registration import PersonDetails
from tracing.selectors import (
    fnrs_already_registered,
    index_self_registered_by_reference,
    indexes_self_registered_of,
)

logger = logging.getLogger(__name__)

SELF_CHOICE = "self"
_CHOICE_SALT = "selfreg.subject-choice"


@dataclass(frozen=True)
class Subject:
    """The person a registration is for: the citizen or one of their eligible children.

    `choice` is what the browser sees and sends back: "self", or an opaque token bound to the
    logged-in parent and the child (never a fødselsnummer, which must not leave the server).
    """

    choice: str
    person: RegisterPerson
    is_self: bool


def child_choice_token(*, parent_pid: str, child_fnr: str) -> str:
    """An opaque, unguessable value for a child's radio button, valid only for this parent."""
    return salted_hmac(_CHOICE_SALT, f"{parent_pid}:{child_fnr}").hexdigest()[:32]


def citizen_person(*, pid: str) -> RegisterPerson | None:
    """The logged-in citizen as Folkeregisteret knows them, or None if it does not."""
    return interfaces.get_folkeregister().person(pid)


def subject_options(*, parent: RegisterPerson, today: datetime.date) -> list[Subject]:
    """C-4: the citizen themself, then each child offered to them, re-read from the register
    every time (a child who has turned 16 or moved since the last page is no longer offered)."""
    children = interfaces.get_folkeregister().children(parent.fnr)
    eligible = rules.eligible_children(parent=parent, children=children, today=today)
    return [Subject(choice=SELF_CHOICE, person=parent, is_self=True)] + [
        Subject(
            choice=child_choice_token(parent_pid=parent.fnr, child_fnr=child.fnr),
            person=child,
            is_self=False,
        )
        for child in eligible
    ]


def citizen_subjects(*, citizen_pid: str, today: datetime.date) -> list[Subject] | None:
    """C-4: the citizen and the children they may register for today, read from the register
    on every request; None when Folkeregisteret does not know the citizen."""
    parent = citizen_person(pid=citizen_pid)
    return None if parent is None else subject_options(parent=parent, today=today)


def subjects_already_registered(
    *, subjects: list[Subject], now: datetime.datetime
) -> list[Subject]:
    """C-5 for each subject in one query: those already registered (the same rule that refuses
    the form and the import)."""
    found = fnrs_already_registered(fnrs=[s.person.fnr for s in subjects], now=now)
    return [s for s in subjects if s.person.fnr in found]


@dataclass(frozen=True)
class OwnRegistration:
    """One line of «Mine registreringer»: a self-registration and whom it is for."""

    index: Index
    subject: Subject


def registrations_of(*, subjects: list[Subject]) -> list[OwnRegistration]:
    """The self-registrations of the citizen and their children (`subjects`, from C-4), newest
    first; one query."""
    by_fnr = {s.person.fnr: s for s in subjects}
    return [
        OwnRegistration(index=index, subject=by_fnr[index.fnr])
        for index in indexes_self_registered_of(fnrs=by_fnr)
    ]


def subject_get(
    *,
    parent: RegisterPerson,
    choice: str,
    today: datetime.date,
    subjects: list[Subject] | None = None,
) -> Subject | None:
    """C-4: the subject a submitted choice names, or None if it names nobody this parent may
    register (a forged or stale value). `subjects`: subject_options as this request read them,
    if it did."""
    if subjects is None:
        subjects = subject_options(parent=parent, today=today)
    return subject_pick(subjects=subjects, choice=choice)


def subject_pick(*, subjects: list[Subject], choice: str) -> Subject | None:
    """The one of `subjects` (from subject_options) a submitted choice names, or None."""
    for subject in subjects:
        if hmac.compare_digest(subject.choice.encode(), (choice or "").encode()):
            return subject
    return None


def household_members(*, subjects: list[Subject], subject: Subject) -> list[tuple[Subject, str]]:
    """The people C-4 offers (`subjects`, from subject_options on this request) besides
    `subject`, each with the name to tick them by: they live with the one registered, and may
    be listed as household close contacts with what Folkeregisteret has of them."""
    return [
        (
            other,
            gettext("%(name)s (deg selv)") % {"name": other.person.full_name}
            if other.is_self
            else other.person.full_name,
        )
        for other in subjects
        if other.choice != subject.choice
    ]


@dataclass(frozen=True)
class Guardian:
    """The logged-in parent registering a child: name and phone as the index keeps them for the
    tracer («Foresatt»), phone and e-mail where the child's confirmation goes."""

    name: str
    phone: str
    email: str


def guardian_of(*, parent: RegisterPerson) -> Guardian:
    """The parent's name from Folkeregisteret, phone and e-mail from KRR: none if they are
    reserved or not in KRR, and none if KRR does not answer. Neither the child's registration
    nor its confirmation is refused for that: the tracer still has the guardian's name and
    number to go by."""
    phone = email = ""
    try:
        contact = interfaces.get_krr().contact_info(parent.fnr)
    except RegisterError as exc:
        logger.warning("KRR unavailable for a guardian's contact: %s", type(exc).__name__)
    else:
        if contact is not None and not contact.reserved:
            phone, email = contact.phone, contact.email
    return Guardian(name=parent.full_name, phone=phone, email=email)


def subject_prefill(*, subject: Subject, contact: bool = True) -> PersonDetails:
    """C-6: names, address, postal code and post town from Folkeregisteret; phone and e-mail
    from KRR for the citizen themself. A person reserved in KRR, or not in it, gets empty
    phone and e-mail: reservation means the public sector is not to use those channels.
    A child gets no phone or e-mail (only the names are shown for a child), but the child's
    address is still registered on the person record (I-5).
    `contact=False` leaves KRR unasked: a posted form carries the phone and e-mail to use."""
    person = subject.person
    address = person.address
    phone = email = ""
    if subject.is_self and contact:
        contact = interfaces.get_krr().contact_info(person.fnr)
        if contact is not None and not contact.reserved:
            phone, email = contact.phone, contact.email
    return PersonDetails(
        fnr=person.fnr,
        first_name=person.first_name,
        middle_name=person.middle_name,
        last_name=person.last_name,
        birth_date=person.birth_date,
        street_address=address.street_line if address else "",
        postal_code=address.postal_code if address else "",
        post_town=postal_place(code=address.postal_code) if address else "",
        phone=phone,
        email=email,
    )


@dataclass(frozen=True)
class Receipt:
    index: Index
    is_self: bool


def citizen_receipt(*, citizen_pid: str, reference: str, today: datetime.date) -> Receipt | None:
    """The self-registration with this reference, if it is the citizen's own or that of a child
    the register offers them today (C-4, checked on every request); else None, the same for a
    foreign and a missing reference."""
    reference = reference_normalize(reference)
    if not is_reference(reference):
        return None
    index = index_self_registered_by_reference(reference=reference)
    if index is None:
        return None
    if hmac.compare_digest(index.fnr.encode(), citizen_pid.encode()):
        return Receipt(index=index, is_self=True)
    parent = citizen_person(pid=citizen_pid)
    if parent is None:
        return None
    for subject in subject_options(parent=parent, today=today):
        if not subject.is_self and subject.person.fnr == index.fnr:
            return Receipt(index=index, is_self=False)
    return None
