"""Writes from the citizen portal: a submitted form becomes an index, in one operation (I-1)."""

import uuid

from selfreg.rules import Answers
from selfreg.selectors import Prefill, Subject
from tracing.models import RegisteredByKind
from tracing.services import (
    RegisteredBy,
    Registration,
    RegistrationResult,
    index_register,
)


def selfreg_submit(
    *,
    subject: Subject,
    prefill: Prefill,
    answers: Answers,
    phone: str,
    email: str,
    municipality_number: str,
    citizen_pid: str,
    submission_id: uuid.UUID,
) -> RegistrationResult:
    """I-5: person data from the registers (phone and e-mail as the citizen corrected them),
    index fields from the form, "registered by" from the login. The import runs in one
    transaction under the duplicate rules; C-5 is checked again inside it, and a repeated
    `submission_id` returns the first registration (C-8). Raises tracing's TracingError
    (AlreadyRegistered for C-5, D-1a, D-2a)."""
    registration = Registration(
        fnr=subject.person.fnr,
        first_name=prefill.first_name,
        middle_name=prefill.middle_name,
        last_name=prefill.last_name,
        birth_date=prefill.birth_date,
        street_address=prefill.street_address,
        postal_code=prefill.postal_code,
        post_town=prefill.post_town,
        phone=phone if subject.is_self else "",
        email=email if subject.is_self else "",
        workplace_or_school=answers.workplace_or_school,
        test_date_from=answers.test_date_from,
        test_date_to=answers.test_date_to,
        no_symptoms=answers.no_symptoms,
        symptom_onset_from=answers.symptom_onset_from,
        symptom_onset_to=answers.symptom_onset_to,
        infection_place=answers.infection_place,
        infection_place_description=answers.infection_place_description,
        risk_group=answers.risk_group,
    )
    kind = RegisteredByKind.SELF if subject.is_self else RegisteredByKind.GUARDIAN
    return index_register(
        registration=registration,
        municipality_number=municipality_number,
        registered_by=RegisteredBy(kind=kind, fnr=citizen_pid),
        self_registered=True,
        submission_id=submission_id,
    )
