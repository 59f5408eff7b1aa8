"""S3: tampered fields in the citizen flow (person, child, municipality) are ignored or
refused, never a write to another person.

The flow keeps the municipality and the person in the server-side session (selfreg.flow) and
checks them again on every request; these tests post what an attacker would add. More S3 cases
sit with the step they concern: test_views_who.py (forged `hvem` choices, a child who turned
16) and test_views_submit.py (municipality in the URL, a choice replayed in another citizen's
session, a reused submission id, a child who moved).
"""

import pytest

from selfreg.tests.portal import FORM, RECEIPT, START, choose, selfreg_on, valid_form
from tests.factories import SyntheticPersonFactory, synthetic_child_of, years_ago
from tracing.models import Index, RegisteredByKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


TAMPERED = {
    "fnr": None,  # filled in per test: another person's number
    "pid": None,
    "foedselsnummer": None,
    "person": None,
    "person_id": "1",
    "barn": None,
    "child": None,
    "hvem": None,
    "kommunenummer": "4601",
    "municipality": "4601",
    "registered_by_fnr": None,
    "self_registered": "false",
    "submission_id": "00000000-0000-0000-0000-000000000001",
    "first_name": "Forfalsket",
    "last_name": "Navn",
    "street_address": "Falskveien 1",
}


def tampered(stranger_fnr: str, token: str) -> dict:
    values = {key: value or stranger_fnr for key, value in TAMPERED.items()}
    values["hvem"] = token
    return valid_form(**values)


def test_s3_person_fields_added_to_the_form_are_ignored_for_self(citizen_client, parent):
    """S3: extra fields naming another person, municipality, submission or names change
    nothing: the index is the logged-in citizen's, in the chosen municipality, with names
    from Folkeregisteret."""
    from selfreg.selectors import child_choice_token

    selfreg_on("4601")
    stranger = SyntheticPersonFactory()
    child_of_stranger = synthetic_child_of(stranger, birth_date=years_ago(6))
    client = citizen_client(parent.fnr)
    choose(client)
    token = child_choice_token(parent_pid=stranger.fnr, child_fnr=child_of_stranger.fnr)
    response = client.post(FORM, tampered(stranger.fnr, token))
    assert response.url == RECEIPT
    index = Index.objects.get()
    assert (index.fnr, index.municipality_id) == (parent.fnr, "0301")
    assert index.registered_by_fnr == parent.fnr and index.self_registered
    assert str(index.submission_id) != TAMPERED["submission_id"]
    person = index.person
    assert (person.first_name, person.last_name, person.street_address) == (
        "Kari",
        "Nordmann",
        "Storgata 1",
    )
    assert not Index.objects.filter(fnr__in=[stranger.fnr, child_of_stranger.fnr]).exists()


def test_s3_a_child_flow_cannot_be_turned_into_self_or_another_child(citizen_client, parent):
    """S3: after choosing one child, `hvem=self` or another child's token in the form POST
    are ignored: the chosen child is registered, with the parent as registrant; a child has no
    phone or e-mail, so posted ones are dropped."""
    from selfreg.selectors import child_choice_token

    ola = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    per = synthetic_child_of(parent, birth_date=years_ago(5), first_name="Per")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    for hvem in ("self", child_choice_token(parent_pid=parent.fnr, child_fnr=per.fnr)):
        client.post(FORM, valid_form(hvem=hvem, fnr=per.fnr, phone="+4712345678"))
    index = Index.objects.get()
    assert index.fnr == ola.fnr
    assert index.registered_by_fnr == parent.fnr
    assert index.registered_by_kind == RegisteredByKind.GUARDIAN
    assert (index.person.phone, index.person.email) == ("", "")
    assert not Index.objects.filter(fnr__in=[parent.fnr, per.fnr]).exists()


def test_s3_a_posted_municipality_on_the_who_step_is_ignored(citizen_client, parent):
    """S3: the who step takes the municipality from its URL, checked against the customers:
    a number in the POST body does not move the registration elsewhere."""
    selfreg_on("4601")
    client = citizen_client(parent.fnr)
    client.post(
        "/innlogget/smitte-selvregistrering/hjemmetest/hvem?kommunenummer=0301",
        {
            "hvem": "self",
            "kommunenummer": "4601",
        },
    )
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.get().municipality_id == "0301"


@pytest.mark.parametrize("number", ["9999", "3001", "0301' OR '1'='1", "4601\x00", ""])
def test_s3_a_forged_municipality_choice_starts_no_flow(citizen_client, parent, number):
    """S3: only a municipality number in force can be chosen (a C-3 municipality is then told
    so on the who step); anything else is an error on the choose step and starts no flow."""
    from selfreg.flow import FLOW_KEY

    client = citizen_client(parent.fnr)
    response = client.post(START, {"kommunenummer": number})
    assert response.status_code == 200
    assert "Velg en kommune fra listen" in response.content.decode()
    assert FLOW_KEY not in client.session
    assert client.post(FORM, valid_form()).url == START
    assert not Index.objects.exists()
