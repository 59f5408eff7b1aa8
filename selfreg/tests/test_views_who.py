"""Step 2, who: C-3 (municipality not taking self-registrations), C-4 (self or an eligible
child, never anyone else), C-5 (early refusal)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from municipalities.services import municipality_set_status
from selfreg.flow import FLOW_KEY
from selfreg.selectors import child_choice_token
from selfreg.tests.portal import START, choose, form_url, radio_values, who_url
from tests.factories import (
    IndexFactory,
    PersonFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)
from tracing.models import Index, RegisteredByKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


def session_flow(client) -> dict | None:
    return client.session.get(FLOW_KEY)


@pytest.mark.parametrize(
    ("is_customer", "selfreg"), [(False, False), (True, False)], ids=["not customer", "off"]
)
def test_c3_municipality_without_selfreg_points_to_its_home_page(
    citizen_client, parent, is_customer, selfreg
):
    municipality_set_status(
        number="4601", is_customer=is_customer, selfreg_enabled=selfreg, source="test"
    )
    client = citizen_client(parent.fnr)
    for response in (client.get(who_url("4601")), client.post(who_url("4601"), {"hvem": "self"})):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Bergen tar ikke imot selvregistrering" in html
        assert "kommunens hjemmeside" in html
        assert 'name="hvem"' not in html
    assert session_flow(client) is None
    assert not Index.objects.exists()


@pytest.mark.parametrize("number", ["3001", "9999", "", "abc"])
def test_a4_who_with_a_number_not_in_force_goes_back_to_choose(citizen_client, parent, number):
    response = citizen_client(parent.fnr).get(who_url(number))
    assert response.status_code == 302
    assert response.url.startswith(START)
    if number:
        assert response.url.endswith(f"kommunenummer={number}")


def test_c4_offers_self_and_only_eligible_children_by_full_name(citizen_client, parent):
    synthetic_child_of(
        parent, birth_date=years_ago(16, days=-1), first_name="Ola", middle_name="Mellom"
    )
    synthetic_child_of(parent, birth_date=years_ago(16), first_name="Seksten")
    synthetic_child_of(
        parent,
        birth_date=years_ago(8),
        first_name="Borte",
        same_address=False,
        street_name="Lillegata",
    )
    synthetic_child_of(parent, birth_date=years_ago(6), first_name="Uten", has_address=False)
    synthetic_child_of(parent, birth_date=years_ago(2), first_name="Lille")
    response = citizen_client(parent.fnr).get(who_url())
    html = response.content.decode()
    assert list(radio_values(html, "hvem")) == [
        "Meg selv",
        "Ola Mellom Nordmann",
        "Lille Nordmann",
    ]
    assert '<legend class="ds-label">Hvem har testet positivt?</legend>' in html


def test_c4_no_eligible_child_gives_no_child_option(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years_ago(20), first_name="Voksen")
    html = citizen_client(parent.fnr).get(who_url()).content.decode()
    assert list(radio_values(html, "hvem")) == ["Meg selv"]
    assert "Vi fant ingen slike barn" in html


def test_c4_parent_without_address_gets_no_child(citizen_client):
    parent = SyntheticPersonFactory(has_address=False)
    synthetic_child_of(parent, birth_date=years_ago(5), has_address=True)
    html = citizen_client(parent.fnr).get(who_url()).content.decode()
    assert list(radio_values(html, "hvem")) == ["Meg selv"]


def test_c4_radio_values_are_not_fodselsnumre(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    html = citizen_client(parent.fnr).get(who_url()).content.decode()
    values = radio_values(html, "hvem")
    assert values["Meg selv"] == "self"
    assert child.fnr not in html
    assert parent.fnr not in html
    assert child.fnr not in values["Ola Nordmann"]


def test_c4_choosing_self_starts_the_flow_and_goes_to_the_form(citizen_client, parent):
    client = citizen_client(parent.fnr)
    response = choose(client)
    assert response.status_code == 302
    assert response.url == form_url()
    flow = session_flow(client)
    assert flow["municipality_number"] == "0301"
    assert flow["choice"] == "self"
    assert flow["submission_id"]


def test_c4_choosing_a_child_keeps_no_fnr_in_the_session_flow(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    response = choose(client, who="Ola Nordmann")
    assert response.url == form_url()
    assert child.fnr not in str(session_flow(client))


def forged_values(parent, stranger, child_of_other):
    from selfreg.selectors import child_choice_token

    return [
        stranger.fnr,
        child_of_other.fnr,
        # A real token, but for another parent's child: bound to that parent only.
        child_choice_token(parent_pid=stranger.fnr, child_fnr=child_of_other.fnr),
        # A token this parent's HMAC would give for a child not related to them.
        child_choice_token(parent_pid=parent.fnr, child_fnr=child_of_other.fnr),
        "0" * 32,
        "",
    ]


def test_c4_a_forged_choice_is_refused_and_registers_nothing(citizen_client, parent):
    """S3: a fødselsnummer, another parent's child token or an unrelated child in `hvem` is
    refused next to the field; no flow starts, nothing is registered."""
    stranger = SyntheticPersonFactory()
    child_of_other = synthetic_child_of(stranger, birth_date=years_ago(4))
    client = citizen_client(parent.fnr)
    for value in forged_values(parent, stranger, child_of_other):
        response = client.post(who_url(), {"hvem": value})
        html = response.content.decode()
        assert response.status_code == 200, value
        assert 'id="id_hvem_error"' in html
        assert session_flow(client) is None
    assert not Index.objects.exists()


def test_c4_a_child_who_has_turned_16_is_refused_on_post(citizen_client, parent):
    """S3: a once-valid child token is checked against today's register on POST."""
    from selfreg.selectors import child_choice_token

    child = synthetic_child_of(parent, birth_date=years_ago(16))
    token = child_choice_token(parent_pid=parent.fnr, child_fnr=child.fnr)
    client = citizen_client(parent.fnr)
    response = client.post(who_url(), {"hvem": token})
    assert 'id="id_hvem_error"' in response.content.decode()
    assert session_flow(client) is None


def test_c4_nothing_chosen_is_an_error_with_summary(citizen_client, parent):
    response = citizen_client(parent.fnr).post(who_url(), {})
    html = response.content.decode()
    assert "Velg hvem som har testet positivt." in html
    assert 'href="#id_hvem_0"' in html
    assert 'aria-describedby="id_hvem_helptext id_hvem_error"' in html


def test_c5_active_index_is_shown_as_already_registered_not_offered(citizen_client, parent):
    IndexFactory(person=PersonFactory(fnr=parent.fnr, municipality_id="4601"))
    client = citizen_client(parent.fnr)
    response = client.get(who_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert radio_values(html, "hvem") == {}
    assert 'id="selfreg-who"' not in html  # nothing left to choose: no form, no «Neste»
    assert "Du er allerede registrert med positiv test" in html
    assert "Ta kontakt med kommunen din (Oslo)" in html
    assert 'href="/innlogget/mine-registreringer"' in html
    # A posted «self» anyway is no choice: refused, nothing begun.
    refused = client.post(who_url(), {"hvem": "self"})
    assert "Velg en av personene i listen." in refused.content.decode()
    assert session_flow(client) is None


def test_c5_child_registered_in_the_last_14_days_is_text_not_a_choice(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    synthetic_child_of(parent, birth_date=years_ago(7), first_name="Emma")
    IndexFactory(
        person=PersonFactory(fnr=child.fnr),
        closed=True,
        self_registered=True,
        registered_by_kind=RegisteredByKind.GUARDIAN,
        opened_at=timezone.now() - datetime.timedelta(days=13),
    )
    client = citizen_client(parent.fnr)
    before = client.get(who_url())
    html = before.content.decode()
    assert set(radio_values(html, "hvem")) == {"Meg selv", "Emma Nordmann"}
    assert "Ola Nordmann er allerede registrert med positiv test" in html
    # The help text still speaks of the children found.
    assert "Barn under 16 år som har samme bostedsadresse som deg" in html
    forged = client.post(
        who_url(), {"hvem": child_choice_token(parent_pid=parent.fnr, child_fnr=child.fnr)}
    )
    assert "Velg en av personene i listen." in forged.content.decode()
    assert session_flow(client) is None
    assert choose(client, who="Emma Nordmann").url == form_url()


def test_c5_who_page_asks_once_for_everyone(citizen_client, parent):
    """C-5 for the citizen and every child in one query, not one per person."""
    for age in (3, 5, 7, 9, 11):
        synthetic_child_of(parent, birth_date=years_ago(age))
    client = citizen_client(parent.fnr)
    client.get(who_url())  # the session and caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(who_url()).status_code == 200
    on_index = [q["sql"] for q in queries if '"tracing_index"' in q["sql"]]
    assert len(on_index) == 1


def test_c5_self_registration_older_than_14_days_and_closed_is_no_refusal(citizen_client, parent):
    IndexFactory(
        person=PersonFactory(fnr=parent.fnr),
        closed=True,
        self_registered=True,
        opened_at=timezone.now() - datetime.timedelta(days=15),
    )
    assert choose(citizen_client(parent.fnr)).url == form_url()


def test_citizen_not_in_folkeregisteret_is_told_so(citizen_client):
    from tests.factories import new_fnr

    response = citizen_client(new_fnr()).get(who_url())
    html = response.content.decode()
    assert "Vi fant deg ikke i Folkeregisteret" in html
    assert 'name="hvem"' not in html
