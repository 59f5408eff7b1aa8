"""Small texts of the form that must say the right thing: the KRR help text only under a field
KRR filled (C-6), each message of the error summary naming its field (C-7), and for a child the
questions speaking of the child, with the spec's label kept (O-7)."""

import re

import pytest

from selfreg.tests.portal import FORM, choose, days_ago, valid_form
from tests.factories import (
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

KRR_PHONE = "Fra Kontakt- og reservasjonsregisteret. Du kan rette det."
KRR_EMAIL = "Fra Kontakt- og reservasjonsregisteret. Du kan rette den."
SUMMARY = re.compile(r'<div class="ds-error-summary"[^>]*>(.*?)</div>', re.S)


def _helptext(html: str, field: str) -> str | None:
    found = re.search(rf'id="id_{field}_helptext">([^<]*)<', html)
    return found.group(1) if found else None


def _summary(html: str) -> list[tuple[str, str]]:
    summary = SUMMARY.search(html)
    assert summary, "no error summary"
    return re.findall(r'<a class="ds-link" href="#([^"]+)">([^<]+)</a>', summary.group(1))


@pytest.mark.parametrize(
    ("phone", "email", "shown"),
    [
        ("+4791234567", "kari@example.no", {"phone", "email"}),
        ("+4791234567", "", {"phone"}),
        ("", "kari@example.no", {"email"}),
        (None, None, set()),  # not in KRR
    ],
    ids=["both", "phone only", "e-mail only", "absent"],
)
def test_c6_the_krr_help_text_is_only_under_a_field_krr_filled(citizen_client, phone, email, shown):
    person = SyntheticPersonFactory()
    if phone is not None:
        SyntheticKrrEntryFactory(person=person, phone=phone, email=email)
    client = citizen_client(person.fnr)
    choose(client)
    html = client.get(FORM).content.decode()
    assert (_helptext(html, "phone") == KRR_PHONE) == ("phone" in shown)
    assert (_helptext(html, "email") == KRR_EMAIL) == ("email" in shown)
    # Shown again with errors (and whatever the citizen typed), the same fields say it: the
    # form carries which fields KRR filled.
    carried = re.findall(r'<input type="hidden" name="krr_fylt" value="(\w+)">', html)
    assert set(carried) == shown
    again = client.post(
        FORM,
        {
            **valid_form(test_date_from="", phone="+4790000000", email="a@b.no"),
            "krr_fylt": carried,
        },
    )
    again_html = again.content.decode()
    assert (_helptext(again_html, "phone") == KRR_PHONE) == ("phone" in shown)
    assert (_helptext(again_html, "email") == KRR_EMAIL) == ("email" in shown)


def test_c7_each_message_in_the_error_summary_names_its_field(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    tomorrow = days_ago(-1)
    response = client.post(
        FORM,
        valid_form(
            test_date_from=tomorrow,
            test_date_to=days_ago(-2),
            symptom_onset_from=tomorrow,
            no_symptoms="",
            phone="12",
        ),
    )
    entries = dict(_summary(response.content.decode()))
    assert entries["id_test_date_from"].startswith(
        "Dato for test: Datoen kan ikke være etter i dag"
    )
    assert entries["id_test_date_to"].startswith("Dato for test, til: ")
    assert entries["id_symptom_onset_from"].startswith(
        "Dato for symptomstart: Datoen kan ikke være etter i dag"
    )
    assert entries["id_phone"].startswith("Telefonnummer: Skriv et telefonnummer")
    # Two date errors with the same message no longer read the same.
    assert len(set(entries.values())) == len(entries)


def test_c7_a_question_label_is_named_without_its_question_mark(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(FORM, valid_form(infection_place="", risk_group=""))
    entries = dict(_summary(response.content.decode()))
    assert (
        entries["id_infection_place"] == "Hvor ble du smittet: Velg hvor du tror smitten skjedde."
    )
    assert entries["id_risk_group_0"].startswith("Er du i en risikogruppe: ")


def test_for_a_child_the_questions_speak_of_the_child_and_the_spec_label_stays(
    citizen_client, parent
):
    synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    html = client.get(FORM).content.decode()
    assert '<label class="ds-label" for="id_infection_place">Hvor ble du smittet?</label>' in html
    assert _helptext(html, "infection_place") == "Svar for barnet: hvor tror du barnet ble smittet?"
    select = re.search(r'<select[^>]*name="infection_place"[^>]*>', html).group(0)
    assert "id_infection_place_helptext" in select  # read out with the question
    assert "Er barnet i en risikogruppe?" in html


def test_for_oneself_the_infection_question_has_no_child_help_text(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    html = client.get(FORM).content.decode()
    assert "Svar for barnet" not in html
