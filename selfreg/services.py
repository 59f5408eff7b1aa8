"""Writes from the citizen portal: a submitted form becomes an index, in one operation (I-1)."""

import dataclasses
import uuid
from collections.abc import Sequence

from django.db import transaction

from core.localtime import local_today
from selfreg.confirmation import confirmation_enqueue
from selfreg.selectors import Guardian, Subject
from tracing.models import RegisteredByKind
from tracing.registration import Answers, PersonDetails, Registration, values_of
from tracing.services import (
    RegisteredBy,
    RegistrationResult,
    household_contacts_register,
    index_register,
)


def selfreg_submit(
    *,
    subject: Subject,
    prefill: PersonDetails,
    answers: Answers,
    phone: str,
    email: str,
    municipality_number: str,
    citizen_pid: str,
    submission_id: uuid.UUID,
    confirm_to: tuple[str, str] = ("", ""),
    guardian: Guardian | None = None,
    household: Sequence[PersonDetails] = (),
) -> RegistrationResult:
    """I-5: person data from the registers (phone and e-mail as the citizen corrected them),
    index fields from the form, "registered by" from the login. The import runs in one
    transaction under the duplicate rules; C-5 is checked again inside it, and a repeated
    `submission_id` returns the first registration (C-8). Raises tracing's TracingError
    (AlreadyRegistered for C-5, D-1a, D-2a). For a child, `guardian` is the parent as the
    index keeps them: name and phone, labelled «Foresatt» in the back office.

    `confirm_to` is the (phone, e-mail) the confirmation goes to: the citizen's own, also for a
    child. It is queued in the same transaction, so it is sent if and only if the registration
    is made, and once: a repeated submission queues nothing.

    `household` are the people the citizen lives with («Nærkontakter i husstanden»), typed
    (no fødselsnummer) or ticked from Folkeregisteret: each becomes a close contact of the new
    index, «Registrert av indeks», in the same transaction."""
    person = dataclasses.replace(
        prefill,
        phone=phone if subject.is_self else "",
        email=email if subject.is_self else "",
    )
    registration = Registration(**values_of(person), **values_of(answers))
    if subject.is_self:
        registered_by = RegisteredBy(kind=RegisteredByKind.SELF, fnr=citizen_pid)
    else:
        registered_by = RegisteredBy(
            kind=RegisteredByKind.GUARDIAN,
            fnr=citizen_pid,
            name=guardian.name if guardian else "",
            phone=guardian.phone if guardian else "",
        )
    with transaction.atomic():
        result = index_register(
            registration=registration,
            municipality_number=municipality_number,
            registered_by=registered_by,
            self_registered=True,
            submission_id=submission_id,
        )
        if not result.repeated_submission:
            household_contacts_register(index=result.index, contacts=household, today=local_today())
            phone_to, email_to = confirm_to
            confirmation_enqueue(reference=result.index.reference, phone=phone_to, email=email_to)
    return result
