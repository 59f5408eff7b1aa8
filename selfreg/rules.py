"""The citizen portal's rules as pure functions: who may be registered (C-4), what a form must
hold (C-7). No ORM and no registers in here; the callers pass in what the registers said.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registers.identity import age_on
from registers.types import Address, RegisterPerson

CHILD_AGE_LIMIT = 16
TEST_MAX_AGE_DAYS = 14


def child_is_eligible(
    *, parent_address: Address | None, child: RegisterPerson, today: datetime.date
) -> bool:
    """C-4: a child may be registered by a parent when under 16 today and living at the same
    residential address (bostedsadresse) as the parent. An unknown address on either side is
    not the same address: the register cannot vouch for it, so the child is not offered.
    """
    if parent_address is None or child.address is None:
        return False
    if child.address != parent_address:
        return False
    return age_on(child.birth_date, today) < CHILD_AGE_LIMIT


def eligible_children(
    *, parent: RegisterPerson, children: list[RegisterPerson], today: datetime.date
) -> list[RegisterPerson]:
    """C-4: the children offered to `parent`, in the order the register gave them."""
    return [
        child
        for child in children
        if child_is_eligible(parent_address=parent.address, child=child, today=today)
    ]


@dataclass(frozen=True)
class Answers:
    """What the citizen typed into the form (C-7), parsed; None/'' where nothing was given."""

    test_date_from: datetime.date | None = None
    test_date_to: datetime.date | None = None
    no_symptoms: bool = False
    symptom_onset_from: datetime.date | None = None
    symptom_onset_to: datetime.date | None = None
    infection_place: str = ""
    infection_place_description: str = ""
    risk_group: str = ""
    workplace_or_school: str = ""


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


# The choice that needs a description: "Annet" (other) says nothing without one.
INFECTION_PLACE_NEEDING_DESCRIPTION = "other"


def _d(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def _future_errors(answers: Answers, today: datetime.date) -> list[FieldError]:
    message = _("Datoen kan ikke være etter i dag (%(today)s).") % {"today": _d(today)}
    return [
        FieldError(field, "future", message)
        for field in ("test_date_from", "test_date_to", "symptom_onset_from", "symptom_onset_to")
        if getattr(answers, field) is not None and getattr(answers, field) > today
    ]


def _period_errors(start_field: str, end_field: str, answers: Answers) -> list[FieldError]:
    start, end = getattr(answers, start_field), getattr(answers, end_field)
    if end is None:
        return []
    if start is None:
        message = _("Fyll inn første dato når du har fylt inn «til».")
        return [FieldError(start_field, "end_without_start", message)]
    if end < start:
        message = _("«Til»-datoen kan ikke være før den første datoen (%(start)s).") % {
            "start": _d(start)
        }
        return [FieldError(end_field, "end_before_start", message)]
    return []


def _test_date_errors(answers: Answers, today: datetime.date) -> list[FieldError]:
    if answers.test_date_from is None:
        return [FieldError("test_date_from", "required", _("Fyll inn dato for test."))]
    oldest = today - datetime.timedelta(days=TEST_MAX_AGE_DAYS)
    if answers.test_date_from < oldest:
        message = _(
            "Testen er tatt for mer enn %(days)s dager siden. Du kan bare registrere en test "
            "tatt %(oldest)s eller senere. Ta kontakt med kommunen din hvis du har spørsmål."
        ) % {"days": TEST_MAX_AGE_DAYS, "oldest": _d(oldest)}
        return [FieldError("test_date_from", "test_too_old", message)]
    return []


def _symptom_errors(answers: Answers) -> list[FieldError]:
    has_date = answers.symptom_onset_from is not None or answers.symptom_onset_to is not None
    if answers.no_symptoms and has_date:
        message = _(
            "Fyll inn dato for symptomstart, eller kryss av for «Ingen symptomer», ikke begge."
        )
        return [FieldError("symptom_onset_from", "symptoms_and_none", message)]
    if not answers.no_symptoms and not has_date:
        message = _("Fyll inn dato for symptomstart, eller kryss av for «Ingen symptomer».")
        return [FieldError("symptom_onset_from", "symptoms_missing", message)]
    return []


def _choice_errors(answers: Answers) -> list[FieldError]:
    errors = []
    if not answers.infection_place:
        message = _("Velg hvor du tror smitten skjedde.")
        errors.append(FieldError("infection_place", "required", message))
    elif (
        answers.infection_place == INFECTION_PLACE_NEEDING_DESCRIPTION
        and not answers.infection_place_description.strip()
    ):
        message = _("Beskriv hvor smitten skjedde når du har valgt «Annet».")
        errors.append(FieldError("infection_place_description", "description_required", message))
    if not answers.risk_group:
        message = _("Svar «Ja», «Nei» eller «Vet ikke».")
        errors.append(FieldError("risk_group", "required", message))
    return errors


def answers_errors(
    answers: Answers, *, today: datetime.date, already: frozenset[str] = frozenset()
) -> list[FieldError]:
    """C-7: every rule the form's answers break, each tied to the field it is shown next to.

    Dates cannot lie in the future. The test must be taken in the last 14 days (counted from the
    first date of a period). A period's end cannot be before its start. Symptom onset after the
    test is allowed, up to today. Either a symptom date or "Ingen symptomer", not both. Required:
    test date, symptoms (a date or none), where infected (a description for "Annet") and risk
    group. One message per field, the first rule in this order that it breaks; `already` names
    fields that have an error of their own (e.g. a date that could not be read).
    """
    candidates = [
        *_future_errors(answers, today),
        *_test_date_errors(answers, today),
        *_period_errors("test_date_from", "test_date_to", answers),
        *_symptom_errors(answers),
        *_period_errors("symptom_onset_from", "symptom_onset_to", answers),
        *_choice_errors(answers),
    ]
    seen = set(already)
    errors = []
    for error in candidates:
        if error.field not in seen:
            seen.add(error.field)
            errors.append(error)
    return errors
