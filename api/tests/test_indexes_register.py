"""POST /api/v1/indexes: the same import service and duplicate rules as the portal and the
tracers (section 5), in the token's municipality; 409 "allerede registrert" when refused;
422 for bad input, never a 500."""

import datetime
import uuid

import pytest
from django.utils import timezone

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, PersonFactory, new_fnr
from tracing.models import Index, Person, RegisteredByKind
from tracing.rules import decide
from tracing.selectors import duplicate_candidates

pytestmark = pytest.mark.django_db

URL = "/api/v1/indexes"


def body(fnr: str, **fields) -> dict:
    data = {
        "fnr": fnr,
        "first_name": "Kari",
        "last_name": "Syntetisk",
        "street_address": "Storgata 1",
        "postal_code": "0155",
        "post_town": "OSLO",
        "phone": "+47 912 34 567",
        "email": "kari@example.no",
        "workplace_or_school": "Testskolen",
        "test_date_from": timezone.localdate().isoformat(),
        "no_symptoms": True,
        "infection_place": "household",
        "risk_group": "no",
    }
    data.update(fields)
    return data


def portal_rule(fnr: str, municipality: str = "0301") -> str:
    """What the duplicate rules would decide for the portal, asked before the API call."""
    return decide(duplicate_candidates(fnr=fnr), municipality).rule


def test_d0_creates_person_and_index_in_the_tokens_municipality(api_client):
    client = api_client("0301")
    fnr = new_fnr(datetime.date(1985, 4, 3))
    assert portal_rule(fnr) == "D-0"
    response = client.post_json(URL, body(fnr))
    assert response.status_code == 201
    answer = response.json()
    assert answer["rule"] == "D-0"
    assert answer["repeated_submission"] is False
    assert answer["message"] == "Indeksen er registrert (regel D-0)."
    index = Index.objects.get(pk=answer["index"]["id"])
    assert (index.municipality_id, index.fnr, index.status) == ("0301", fnr, "active")
    assert index.self_registered is False
    assert index.registered_by_kind == RegisteredByKind.API
    assert index.registered_by_user == client.token.service_user
    assert index.workplace_or_school == "Testskolen"
    assert index.person.birth_date == datetime.date(1985, 4, 3)  # read from the number
    assert index.person.phone == "+4791234567"  # as the portal stores it (one definition)
    assert answer["index"]["notes"] == []  # no self-registration notes (I-4 is the portal's)
    entries = AccessLogEntry.objects.filter(user=client.token.service_user)
    assert [(e.action, e.allowed, e.index_id) for e in entries] == [("register", True, index.pk)]


def test_d1a_an_active_index_is_refused_with_409(api_client):
    client = api_client("0301")
    active = IndexFactory(person__municipality_id="4601")
    assert portal_rule(active.fnr) == "D-1a"
    response = client.post_json(URL, body(active.fnr))
    assert response.status_code == 409
    answer = response.json()
    assert "allerede registrert" in answer["detail"]
    assert "D-1a" in answer["detail"]
    assert (answer["code"], answer["rule"]) == ("allerede_registrert", "D-1a")
    # Nothing written, and nothing of the other municipality's index in the answer.
    assert Index.objects.filter(fnr=active.fnr).count() == 1
    assert Person.objects.filter(fnr=active.fnr).count() == 1
    for trace in (active.person.first_name, active.person.last_name, "4601", "Bergen"):
        assert trace not in response.content.decode()


def test_d1b_a_closed_index_here_is_reenrolled(api_client):
    client = api_client("0301")
    closed = IndexFactory(closed=True)
    assert portal_rule(closed.fnr) == "D-1b"
    response = client.post_json(URL, body(closed.fnr, first_name="Karianne"))
    assert response.status_code == 201
    answer = response.json()
    assert answer["rule"] == "D-1b"
    new = Index.objects.get(pk=answer["index"]["id"])
    assert new.pk != closed.pk
    assert new.person_id == closed.person_id  # the same person record, enrolled again
    assert answer["index"]["person"]["first_name"] == "Karianne"


def test_d1c_a_closed_index_elsewhere_makes_a_duplicate(api_client):
    client = api_client("0301")
    closed = IndexFactory(closed=True, person__municipality_id="4601")
    expected = portal_rule(closed.fnr)
    response = client.post_json(URL, body(closed.fnr))
    assert response.status_code == 201
    assert response.json()["rule"] == expected == "D-1c"
    assert response.json()["index"]["person"]["possible_duplicate"] is True


def test_d1d_a_close_contact_is_converted(api_client):
    client = api_client("0301")
    contact = CloseContactFactory(person=PersonFactory(municipality_id="0301"))
    expected = portal_rule(contact.person.fnr)
    response = client.post_json(URL, body(contact.person.fnr))
    assert response.status_code == 201
    assert response.json()["rule"] == expected == "D-1d"
    assert response.json()["index"]["person"]["id"] == contact.person_id


def test_the_same_submission_id_registers_once(api_client):
    client = api_client("0301")
    fnr = new_fnr()
    submission = str(uuid.uuid4())
    first = client.post_json(URL, body(fnr, submission_id=submission))
    second = client.post_json(URL, body(fnr, submission_id=submission))
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["repeated_submission"] is True
    assert second.json()["index"]["id"] == first.json()["index"]["id"]
    assert Index.objects.filter(fnr=fnr).count() == 1


def test_another_municipalitys_submission_id_reveals_nothing(api_client):
    bergen = api_client("4601")
    fnr = new_fnr()
    submission = str(uuid.uuid4())
    assert bergen.post_json(URL, body(fnr, submission_id=submission)).status_code == 201
    oslo = api_client("0301")
    response = oslo.post_json(URL, body(fnr, submission_id=submission))
    assert response.status_code == 404
    assert response.json() == {"detail": "Finnes ikke."}
    denied = AccessLogEntry.objects.get(user=oslo.token.service_user)
    assert denied.allowed is False


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"fnr": "12345678901"}, "fnr"),
        ({"fnr": "1234"}, "fnr"),
        ({"fnr": 12848506018}, "fnr"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"test_date_from": "i går"}, "test_date_from"),
        ({"test_date_from": "2026-02-30"}, "test_date_from"),
        ({"test_date_from": None}, "test_date_from"),
        ({"symptom_onset_from": "2020-01-01"}, None),
        ({"postal_code": "155"}, "postal_code"),
        ({"email": "ikke-en-adresse"}, "email"),
        ({"phone": "ring meg"}, "phone"),
        ({"infection_place": "moon"}, "infection_place"),
        ({"risk_group": "kanskje"}, "risk_group"),
        ({"submission_id": "abc"}, "submission_id"),
        ({"municipality_number": "4601"}, "municipality_number"),
    ],
    ids=[
        "fnr-checksum",
        "fnr-short",
        "fnr-number",
        "blank-first-name",
        "long-last-name",
        "date-text",
        "date-impossible",
        "date-missing",
        "no-symptoms-and-onset",
        "postal-code",
        "email",
        "phone",
        "infection-place",
        "risk-group",
        "submission-id",
        "unknown-field",
    ],
)
def test_bad_input_is_422_and_writes_nothing(api_client, fields, where):
    client = api_client("0301")
    response = client.post_json(URL, {**body(new_fnr()), **fields})
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert errors and all(e["msg"] for e in errors)
    if where is not None:
        assert any(where in e["loc"] for e in errors), errors
    assert not Index.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"test_date_from": "TOMORROW"},
        {"no_symptoms": False, "symptom_onset_from": "TOMORROW"},
    ],
    ids=["test-date", "symptom-onset"],
)
def test_dates_in_the_future_are_422(api_client, fields):
    fields = {k: _tomorrow() if v == "TOMORROW" else v for k, v in fields.items()}
    response = api_client("0301").post_json(URL, body(new_fnr(), **fields))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "future"  # the one definition's message id, as on the pages
    assert "Datoen kan ikke være etter i dag" in error["msg"]


def test_period_ending_before_it_starts_is_422(api_client):
    today = timezone.localdate()
    response = api_client("0301").post_json(
        URL,
        body(
            new_fnr(),
            test_date_from=today.isoformat(),
            test_date_to=(today - datetime.timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 422
    assert "test_date_to" in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    ["", "null", "[]", "{ikke json", '"tekst"'],
    ids=["empty", "null", "list", "broken", "string"],
)
def test_a_body_that_is_not_an_object_is_refused_without_a_500(api_client, raw):
    response = api_client("0301").post(URL, data=raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")
    assert not Index.objects.exists()


# --- the one registration definition's limits, through the API (tracing.registration) -----------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"test_date_from": "0001-01-01"}, "date_too_early"),
        ({"test_date_from": "1899-12-31"}, "date_too_early"),
        ({"test_date_from": "DAYS_AGO_15"}, "test_too_old"),
        ({"no_symptoms": False, "symptom_onset_from": "0001-01-01"}, "date_too_early"),
        ({"birth_date": "0001-01-01"}, "date_too_early"),
    ],
    ids=["test-year-1", "test-1899", "test-15-days-old", "symptoms-year-1", "birth-year-1"],
)
def test_dates_outside_the_registration_limits_are_422(api_client, fields, code):
    """C-7: a date from 1900 up to today, and a test of the last 14 days, as on the portal."""
    old = (timezone.localdate() - datetime.timedelta(days=15)).isoformat()
    fields = {k: old if v == "DAYS_AGO_15" else v for k, v in fields.items()}
    response = api_client("0301").post_json(URL, body(new_fnr(), **fields))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == code
    assert error["msg"]
    assert not Index.objects.exists()


def test_a_test_of_exactly_14_days_ago_is_registered(api_client):
    day = (timezone.localdate() - datetime.timedelta(days=14)).isoformat()
    response = api_client("0301").post_json(URL, body(new_fnr(), test_date_from=day))
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["first_name", "middle_name", "last_name", "workplace_or_school"])
@pytest.mark.parametrize(
    "text",
    [
        "Kari\u202eeldnammoK",  # right-to-left override
        "Kari\u2066x\u2069",  # isolate
        "Kari\x1b[31m",  # ESC (a terminal colour)
        "Kari\r\nNordmann",  # CR/LF
        "Kari\nNordmann",
        "Ka\u200bri",  # zero-width space
        "Ka\u200dri",  # zero-width joiner
        "Ka\ufeffri",  # zero-width no-break space (BOM)
        "Kari\x00",
    ],
    ids=["RLO", "isolate", "ESC", "CRLF", "LF", "ZWSP", "ZWJ", "BOM", "NUL"],
)
def test_a_name_with_control_or_invisible_characters_is_422(api_client, field, text):
    response = api_client("0301").post_json(URL, body(new_fnr(), **{field: text}))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "invalid_character"
    assert error["loc"][-1] == field
    assert "kontrolltegn eller usynlig tegn" in error["msg"]
    assert not Index.objects.exists()
