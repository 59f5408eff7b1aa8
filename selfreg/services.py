"""Writes from the citizen portal: a submitted form becomes an index, in one operation (I-1)."""

import dataclasses
import uuid

from selfreg.selectors import Guardian, Subject
from tracing.models import RegisteredByKind
from tracing.registration import Answers, PersonDetails, Registration, values_of
from tracing.services import RegisteredBy, RegistrationResult, index_register


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
    guardian: Guardian | None = None,
) -> RegistrationResult:
    """I-5: person data from the registers (phone and e-mail as the citizen corrected them),
    index fields from the form, "registered by" from the login. The import runs in one
    transaction under the duplicate rules; C-5 is checked again inside it, and a repeated
    `submission_id` returns the first registration (C-8). Raises tracing's TracingError
    (AlreadyRegistered for C-5, D-1a, D-2a). For a child, `guardian` is the parent as the
    index keeps them: name and phone, labelled «Foresatt» in the back office."""
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
    return index_register(
        registration=registration,
        municipality_number=municipality_number,
        registered_by=registered_by,
        self_registered=True,
        submission_id=submission_id,
    )
