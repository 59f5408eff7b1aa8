"""Registering an index by hand goes through index_register: same duplicate rules (section 5)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccessLogEntry
from registers.types import RegisterTimeout
from tests.factories import IndexFactory, SyntheticPersonFactory, new_fnr
from tracing.models import Index, RegisteredByKind

pytestmark = pytest.mark.django_db

URL = "/smittesporing/indeks/ny/"
OSLO, BERGEN = "0301", "4601"


def _data(fnr, **overrides):
    return {
        "submission_id": "7b0d3a4e-1f62-4f1e-9a59-2d1f3c4b5a69",
        "fnr": fnr,
        "kommune": OSLO,
        "test_date_from": timezone.localdate().isoformat(),
        "workplace_or_school": "Laboratoriet",
        "infection_place": "unknown",
        "risk_group": "no",
        **overrides,
    }


def test_form_has_the_norwegian_labels(staff_client):
    body = staff_client(tracer_in=[OSLO]).get(URL).content.decode()
    for label in (
        "Fødselsnummer",
        "Kommune",
        "Dato for test",
        "Dato for symptomstart",
        "Ingen symptomer",
        "Arbeidssted eller skole",
        "Registrer indeks",
    ):
        assert label in body


def test_register_by_hand_creates_a_staff_index(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory(first_name="Lab", last_name="Svar")
    response = client.post(URL, _data(person.fnr))
    assert response.status_code == 302
    index = Index.objects.get(fnr=person.fnr)
    assert response["Location"] == f"/smittesporing/indeks/{index.pk}/"
    assert not index.self_registered
    assert index.registered_by_kind == RegisteredByKind.STAFF
    assert index.registered_by_user == client.staff_user
    assert (index.duplicate_rule, index.municipality_id) == ("D-0", OSLO)
    assert index.person.first_name == "Lab" and index.workplace_or_school == "Laboratoriet"
    assert not index.notes.exists()  # the self-registration notes are for self-registrations
    assert AccessLogEntry.objects.filter(action="register", index_id=index.pk).count() == 1


def test_the_same_form_twice_registers_once(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    first = client.post(URL, _data(person.fnr))
    second = client.post(URL, _data(person.fnr))
    assert first["Location"] == second["Location"]
    assert Index.objects.filter(fnr=person.fnr).count() == 1


def test_already_registered_gives_a_clear_message(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    IndexFactory(person__fnr=person.fnr, person__municipality_id=BERGEN)  # active elsewhere
    response = client.post(URL, _data(person.fnr))
    assert response.status_code == 400
    assert "allerede registrert og under oppfølging (regel D-1a)" in response.content.decode()
    assert Index.objects.filter(fnr=person.fnr).count() == 1


def test_closed_index_elsewhere_is_a_marked_duplicate(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    IndexFactory(person__fnr=person.fnr, person__municipality_id=BERGEN, closed=True)
    client.post(URL, _data(person.fnr))
    index = Index.objects.get(fnr=person.fnr, status="active")
    assert index.duplicate_rule == "D-1c" and index.person.possible_duplicate


def test_only_my_municipalities_can_be_chosen(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    response = client.post(URL, _data(person.fnr, kommune=BERGEN))
    assert response.status_code == 400
    assert not Index.objects.exists()


def test_not_in_folkeregisteret_and_register_down(staff_client, monkeypatch):
    client = staff_client(tracer_in=[OSLO])
    body = client.post(URL, _data(new_fnr())).content.decode()
    assert "Fant ingen person med dette fødselsnummeret i Folkeregisteret." in body

    class Slow:
        def person(self, fnr):
            raise RegisterTimeout("timeout")

    monkeypatch.setattr("tracing.lookup.get_folkeregister", lambda: Slow())
    response = client.post(URL, _data(new_fnr()))
    assert response.status_code == 400
    assert "Folkeregisteret svarer ikke akkurat nå" in response.content.decode()
    assert not Index.objects.exists()


def test_dates_in_the_future_are_refused(staff_client):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client.post(URL, _data(person.fnr, test_date_from=future))
    assert response.status_code == 400
    assert 'id="id_test_date_from_error"' in response.content.decode()


@pytest.mark.parametrize("code", ["nn", "en"])
def test_the_language_switch_keeps_the_typed_form_and_registers_nothing(staff_client, code):
    client = staff_client(tracer_in=[OSLO])
    person = SyntheticPersonFactory()
    body = client.get(URL).content.decode()
    assert 'form="index-register"' in body and '<form method="post" id="index-register"' in body
    typed = _data(person.fnr, test_date_from="not a date")
    response = client.post(f"{URL}?lang={code}", typed | {"_language_switch": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}"' in html
    assert f'value="{person.fnr}"' in html and 'value="Laboratoriet"' in html
    assert 'value="not a date"' in html and 'aria-invalid="true"' not in html
    assert f'value="{typed["submission_id"]}"' in html  # C-8 still holds after the switch
    assert not Index.objects.exists()
    # Sent as usual afterwards, the same form registers once.
    assert client.post(URL, _data(person.fnr)).status_code == 302
    assert Index.objects.filter(fnr=person.fnr).count() == 1


def test_the_error_summary_names_each_field_and_the_period_ends_apart(staff_client):
    """Two «til» dates with the same message read differently in the summary."""
    today = timezone.localdate()
    future = (today + datetime.timedelta(days=3)).isoformat()
    response = staff_client(tracer_in=[OSLO]).post(
        URL,
        _data(
            new_fnr(),
            test_date_to=future,
            symptom_onset_from=today.isoformat(),
            symptom_onset_to=future,
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a class="ds-link" href="#id_test_date_to">Dato for test, til: ' in body
    assert '<a class="ds-link" href="#id_symptom_onset_to">Dato for symptomstart, til: ' in body
