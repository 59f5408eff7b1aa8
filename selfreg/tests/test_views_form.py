"""Step 3, the form: C-6 (prefill) and C-7 (validation; errors next to fields; nothing lost)."""

import datetime
import re

import pytest

from municipalities.selectors import postal_place
from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    START,
    choose,
    days_ago,
    input_value,
    today,
    valid_form,
)
from tests.factories import (
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)
from tracing.models import Index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


# --- entering the form ----------------------------------------------------------------------


def test_form_without_a_chosen_municipality_and_person_goes_to_start(citizen_client, parent):
    client = citizen_client(parent.fnr)
    assert client.get(FORM).url == START
    response = client.post(FORM, valid_form(kommunenummer="0301", hvem="self"))
    assert response.status_code == 302
    assert response.url == START
    assert not Index.objects.exists()


def test_c6_self_prefill_from_folkeregisteret_and_krr(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    html = client.get(FORM).content.decode()
    for text in ("<dd>Kari</dd>", "<dd>Nordmann</dd>", "<dd>Storgata 1</dd>", "<dd>0155</dd>"):
        assert text in html
    assert f"<dd>{postal_place(code='0155')}</dd>" in html
    assert input_value(html, "phone") == "+4791234567"
    assert input_value(html, "email") == "kari@example.no"
    assert '<label class="ds-label" for="id_phone">Telefonnummer</label>' in html
    assert '<label class="ds-label" for="id_email">E-post</label>' in html
    # Only phone and e-mail are inputs: names and address cannot be posted.
    for name in ("first_name", "last_name", "street_address", "postal_code", "post_town"):
        assert f'name="{name}"' not in html


@pytest.mark.parametrize("krr", ["reserved", "absent"])
def test_c6_reserved_or_absent_in_krr_gives_empty_phone_and_email(citizen_client, krr):
    person = SyntheticPersonFactory()
    if krr == "reserved":
        SyntheticKrrEntryFactory(
            person=person, phone="+4790000000", email="r@example.no", reserved=True
        )
    client = citizen_client(person.fnr)
    choose(client)
    html = client.get(FORM).content.decode()
    assert input_value(html, "phone") == ""
    assert input_value(html, "email") == ""
    assert "+4790000000" not in html


def test_c6_child_shows_only_names(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola", middle_name="Mellom")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Mellom Nordmann")
    html = client.get(FORM).content.decode()
    assert "<dd>Ola</dd>" in html and "<dd>Mellom</dd>" in html and "<dd>Nordmann</dd>" in html
    assert "Storgata" not in html
    assert 'name="phone"' not in html and 'name="email"' not in html
    assert "Er barnet i en risikogruppe?" in html


def test_o7_form_labels(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    html = client.get(FORM).content.decode()
    for field_id, label in [
        ("id_workplace_or_school", "Arbeidssted eller skole"),
        ("id_test_date_from", "Dato for test"),
        ("id_test_date_to", "til"),
        ("id_symptom_onset_from", "Dato for symptomstart"),
        ("id_symptom_onset_to", "til"),
        ("id_no_symptoms", "Ingen symptomer"),
        ("id_infection_place", "Hvor ble du smittet?"),
        ("id_infection_place_description", "Beskriv"),
        ("id_risk_group_0", "Ja"),
        ("id_risk_group_1", "Nei"),
        ("id_risk_group_2", "Vet ikke"),
    ]:
        assert re.search(
            rf'<label class="ds-label"[^>]*for="{field_id}">{re.escape(label)}</label>', html
        ), label
    assert html.count('type="date"') == 4
    assert ">Send inn</button>" in html
    # No inline style or script (S6: the CSP allows only our own files: htmx, household.js and
    # the warning before the login runs out).
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- validation (C-7) ------------------------------------------------------------------------


def test_c7_errors_are_shown_next_to_fields_and_nothing_typed_is_lost(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    data = valid_form(
        phone="+4798765432",
        email="ny@example.no",
        workplace_or_school="Byggfirma AS",
        test_date_from=days_ago(20),
        test_date_to=days_ago(19),
        symptom_onset_from=(today() + datetime.timedelta(days=1)).isoformat(),
        infection_place="other",
        infection_place_description="",
        risk_group="unknown",
    )
    response = client.post(FORM, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Index.objects.exists()
    # Each error next to its field, the field pointing at it, and a summary linking to it.
    for field in ("test_date_from", "symptom_onset_from", "infection_place_description"):
        assert f'id="id_{field}_error"' in html
        assert f'href="#id_{field}"' in html
        tag = re.search(rf'<(input|textarea) [^>]*name="{field}"[^>]*>', html).group(0)
        assert f"id_{field}_error" in tag
        assert 'aria-invalid="true"' in tag
    assert "Testen er tatt for mer enn 14 dager siden" in html
    assert "Datoen kan ikke være etter i dag" in html
    assert "Beskriv hvor smitten skjedde" in html
    assert 'class="ds-error-summary"' in html
    # Nothing lost.
    assert input_value(html, "phone") == "+4798765432"
    assert input_value(html, "email") == "ny@example.no"
    assert input_value(html, "workplace_or_school") == "Byggfirma AS"
    assert input_value(html, "test_date_from") == days_ago(20)
    assert input_value(html, "test_date_to") == days_ago(19)
    assert '<option value="other" selected>' in html
    assert re.search(r'<input type="radio" name="risk_group" value="unknown"[^>]*checked', html)


def test_c7_symptom_date_and_no_symptoms_together_is_an_error(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(FORM, valid_form(no_symptoms="on"))
    html = response.content.decode()
    assert "ikke begge" in html
    assert re.search(r'<input type="checkbox" name="no_symptoms"[^>]*checked', html)
    assert not Index.objects.exists()


def test_c7_unreadable_date_and_bad_phone_are_errors(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(FORM, valid_form(test_date_from="31.02.2021", phone="12ab"))
    html = response.content.decode()
    assert "Skriv datoen som dd.mm.åååå." in html
    assert "Skriv et telefonnummer" in html
    assert input_value(html, "test_date_from") == "31.02.2021"
    assert html.count('id="id_test_date_from_error"') == 1
    assert not Index.objects.exists()


def test_c7_norwegian_date_format_is_accepted(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    day = today() - datetime.timedelta(days=2)
    response = client.post(FORM, valid_form(test_date_from=day.strftime("%d.%m.%Y")))
    assert response.url == RECEIPT
    assert Index.objects.get().test_date_from == day


# --- the one registration definition's limits, through the citizen's form (tracing.registration)


@pytest.mark.parametrize(
    ("fields", "error_id", "message"),
    [
        ({"symptom_onset_from": "0001-01-01"}, "symptom_onset_from", "Sjekk årstallet"),
        ({"symptom_onset_from": "01.01.0001"}, "symptom_onset_from", "Sjekk årstallet"),
        ({"test_date_from": "0001-01-01"}, "test_date_from", "Sjekk årstallet"),
        ({"test_date_from": "DAYS_AGO_15"}, "test_date_from", "mer enn 14 dager siden"),
    ],
    ids=["symptoms-year-1", "symptoms-year-1-norwegian", "test-year-1", "test-15-days-old"],
)
def test_c7_dates_outside_the_limits_are_errors_on_the_form(
    citizen_client, parent, fields, error_id, message
):
    """C-7: a date from 1900 up to today, a test of the last 14 days; the citizen sees why."""
    fields = {k: days_ago(15) if v == "DAYS_AGO_15" else v for k, v in fields.items()}
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(FORM, valid_form(**fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{error_id}_error"' in html
    assert message in html
    assert not Index.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["Skole\u202eloks", "Skole\x1b[31m", "Skole\r\nGata", "Sko\u200ble", "Sko\ufeffle"],
    ids=["RLO", "ESC", "CRLF", "ZWSP", "BOM"],
)
def test_c7_control_and_invisible_characters_are_errors_on_the_form(citizen_client, parent, text):
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(FORM, valid_form(workplace_or_school=text))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_workplace_or_school_error"' in html
    assert "kontrolltegn eller usynlig tegn" in html
    assert not Index.objects.exists()
