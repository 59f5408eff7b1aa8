"""One definition of a registration (tracing.registration): the same bad input through every
way in (the citizen's form, the back office's «Registrer indeks», the API) gets the same
verdict and the same message id, on the same field (C-7).

Where the channels differ, they differ by the definition (`Channel`): a tracer may register a
test older than 14 days (a late laboratory report), the citizen and an integration may not.
"""

import datetime
import uuid

import pytest
from django.test import Client

from accounts.services import api_token_create
from core.localtime import local_today
from selfreg.tests.portal import FORM, choose, selfreg_on
from tests.factories import StaffFactory, SyntheticKrrEntryFactory, SyntheticPersonFactory
from tracing.models import Index
from tracing.registration import DATE_FIELDS

pytestmark = pytest.mark.django_db

TODAY = local_today()
OK = None  # accepted: registered


def day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


VALID = {
    "workplace_or_school": "Storgata skole",
    "test_date_from": day(-1),
    "test_date_to": "",
    "symptom_onset_from": day(-2),
    "symptom_onset_to": "",
    "infection_place": "household",
    "infection_place_description": "",
    "risk_group": "no",
}

# (case, changes to VALID, field with the error, message id per way in: citizen, staff, api)
CASES = [
    ("valid", {}, None, (OK, OK, OK)),
    ("C-7 test date tomorrow", {"test_date_from": day(1)}, "test_date_from", ("future",) * 3),
    (
        "C-7 test 15 days old",
        {"test_date_from": day(-15)},
        "test_date_from",
        ("test_too_old", OK, "test_too_old"),
    ),
    ("C-7 test 14 days old", {"test_date_from": day(-14)}, None, (OK, OK, OK)),
    ("C-7 test date missing", {"test_date_from": ""}, "test_date_from", ("required",) * 3),
    (
        "C-7 test period ends before it starts",
        {"test_date_from": day(-2), "test_date_to": day(-3)},
        "test_date_to",
        ("end_before_start",) * 3,
    ),
    (
        "C-7 test period ends tomorrow",
        {"test_date_to": day(1)},
        "test_date_to",
        ("future",) * 3,
    ),
    (
        "C-7 test 'til' without a first date",
        {"test_date_from": "", "test_date_to": day(-1)},
        "test_date_from",
        ("required",) * 3,
    ),
    (
        "C-7 symptom onset tomorrow",
        {"symptom_onset_from": day(1)},
        "symptom_onset_from",
        ("future",) * 3,
    ),
    (
        "C-7 symptom onset after the test, today",
        {"symptom_onset_from": day(0)},
        None,
        (OK, OK, OK),
    ),
    (
        "C-7 symptom 'til' without a first date (the back office used to accept it)",
        {"symptom_onset_from": "", "symptom_onset_to": day(-1)},
        "symptom_onset_from",
        ("end_without_start",) * 3,
    ),
    (
        "C-7 symptom period ends before it starts",
        {"symptom_onset_from": day(-2), "symptom_onset_to": day(-4)},
        "symptom_onset_to",
        ("end_before_start",) * 3,
    ),
    (
        "C-7 symptom date and no symptoms",
        {"no_symptoms": True},
        "symptom_onset_from",
        ("symptoms_and_none",) * 3,
    ),
    (
        "date before 1900",
        {"symptom_onset_from": "1899-12-31"},
        "symptom_onset_from",
        ("date_too_early",) * 3,
    ),
    (
        "year 0001",
        {"symptom_onset_from": "0001-01-01"},
        "symptom_onset_from",
        ("date_too_early",) * 3,
    ),
    (
        "NUL in a text",
        {"workplace_or_school": "Stor\x00gata skole"},
        "workplace_or_school",
        ("invalid_character",) * 3,
    ),
    (
        "bidi override in a text",
        {"workplace_or_school": "Storgata \u202eskole"},
        "workplace_or_school",
        ("invalid_character",) * 3,
    ),
    (
        "over-long text",
        {"workplace_or_school": "x" * 201},
        "workplace_or_school",
        ("too_long",) * 3,
    ),
    (
        "over-long description",
        {"infection_place": "other", "infection_place_description": "y" * 501},
        "infection_place_description",
        ("too_long",) * 3,
    ),
]


def _citizen(citizen_client, data: dict) -> tuple[bool, dict[str, str]]:
    selfreg_on("0301")
    person = SyntheticPersonFactory()
    SyntheticKrrEntryFactory(person=person)
    client = citizen_client(person.fnr)
    choose(client)
    form = {"phone": "+4791234567", "email": "kari@example.no", **data}
    if form.pop("no_symptoms", False):
        form["no_symptoms"] = "on"
    response = client.post(FORM, form)
    if response.status_code == 302:
        return True, {}
    return False, _codes(response.context["form"])


def _staff(staff_client, data: dict) -> tuple[bool, dict[str, str]]:
    person = SyntheticPersonFactory()
    form = {"submission_id": str(uuid.uuid4()), "fnr": person.fnr, "kommune": "0301", **data}
    if form.pop("no_symptoms", False):
        form["no_symptoms"] = "on"
    response = staff_client(tracer_in=["0301"]).post("/smittesporing/indeks/ny/", form)
    if response.status_code == 302:
        return True, {}
    return False, _codes(response.context["form"])


def _api(data: dict) -> tuple[bool, dict[str, str]]:
    admin = StaffFactory(admin_in=["0301"])
    created = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    client = Client(headers={"Authorization": f"Bearer {created.secret}"})
    person = SyntheticPersonFactory()
    body = {"fnr": person.fnr, "first_name": "Kari", "last_name": "Syntetisk"}
    for name, value in data.items():
        body[name] = None if value == "" and name in DATE_FIELDS else value
    response = client.post("/api/v1/indexes", body, content_type="application/json")
    if response.status_code == 201:
        return True, {}
    assert response.status_code == 422, response.content
    return False, {e["loc"][-1]: e["type"] for e in response.json()["detail"]}


def _codes(form) -> dict[str, str]:
    return {field: errors[0].code for field, errors in form.errors.as_data().items()}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_same_input_gets_the_same_verdict_everywhere(
    citizen_client, staff_client, changes, field, expected
):
    data = {**VALID, **changes}
    answers = {
        "citizen": _citizen(citizen_client, data),
        "staff": _staff(staff_client, data),
        "api": _api(data),
    }
    for (way_in, (registered, codes)), code in zip(answers.items(), expected, strict=True):
        if code is OK:
            assert registered, (way_in, codes)
        else:
            assert not registered, way_in
            assert codes.get(field) == code, (way_in, codes)
    registered = sum(1 for ok, _ in answers.values() if ok)
    assert Index.objects.count() == registered  # a refusal writes nothing
