"""«Hvem har sett opplysningene mine» (innsyn, B-4): every read of the citizen's person and
index records by staff or an integration, from the access log: when, which municipality, who
(full name, or the integration's name) and role. A parent sees the same for each child they
may register for (C-4, checked on every request). The look itself is logged, as its own kind."""

import datetime
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import AccessAction, AccessLogEntry, ObjectType
from accounts.services import api_token_create
from accounts.tests.test_citizen_innsyn import staff_read
from selfreg.selectors import child_choice_token
from selfreg.tests.test_views_mine import rows
from selfreg.tests.test_views_receipt import login
from tests.factories import StaffFactory, SyntheticPersonFactory, synthetic_child_of, years_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

INNSYN = "/innlogget/mine-registreringer/innsyn"


@pytest.fixture
def tracer(db):
    return StaffFactory(tracer_in=["0301"], first_name="Siri", last_name="Sporer")


def test_innsyn_needs_a_login(client):
    response = client.get(INNSYN)
    assert response.status_code == 302
    assert response.url.startswith("/innlogget/logg-inn/")


@freeze_time("2021-12-21 09:52:00")
def test_b4_shows_who_read_the_citizens_records_when_where_and_in_what_role(
    citizen_client, parent, tracer
):
    admin = StaffFactory(admin_in=["0301"])
    token = api_token_create(municipality_number="0301", label="Fagsystem X", created_by=admin)
    now = timezone.now()
    staff_read(tracer, parent.fnr, now=now - datetime.timedelta(days=1))
    staff_read(
        tracer,
        parent.fnr,
        object_type=ObjectType.PERSON,
        action=AccessAction.LIST,
        now=now - datetime.timedelta(hours=3),
    )
    staff_read(token.token.service_user, parent.fnr, now=now - datetime.timedelta(hours=1))
    staff_read(tracer, SyntheticPersonFactory().fnr)  # someone else's
    html = citizen_client(parent.fnr).get(INNSYN).content.decode()
    assert rows(html) == [
        "Når 21.12.2021 09:52 Kommune Oslo Hvem Fagsystem X Rolle Integrasjon Hva Vist (indeks)",
        "Når 21.12.2021 07:52 Kommune Oslo Hvem Siri Sporer Rolle Smittesporer "
        "Hva Vist i arbeidsliste (person)",
        "Når 20.12.2021 10:52 Kommune Oslo Hvem Siri Sporer Rolle Smittesporer Hva Vist (indeks)",
    ]
    assert tracer.username not in html and parent.fnr not in html


def test_b4_the_look_is_logged_as_its_own_kind_and_never_listed(citizen_client, parent, tracer):
    staff_read(tracer, parent.fnr)
    client = citizen_client(parent.fnr)
    for _ in range(2):
        assert len(rows(client.get(INNSYN).content.decode())) == 1
    looks = AccessLogEntry.objects.filter(action=AccessAction.CITIZEN_VIEW)
    assert [(e.citizen_fnr, e.person_fnr, e.user_id) for e in looks] == [
        (parent.fnr, parent.fnr, None)
    ] * 2


def test_c4_a_parent_sees_each_child_they_may_register_for(citizen_client, parent, tracer):
    ola = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    staff_read(tracer, ola.fnr)
    staff_read(tracer, ola.fnr, object_type=ObjectType.CLOSE_CONTACT)
    client = citizen_client(parent.fnr)
    own = client.get(INNSYN).content.decode()
    assert rows(own) == []
    assert "Ingen ansatte eller fagsystemer har sett opplysningene ennå." in own
    token = child_choice_token(parent_pid=parent.fnr, child_fnr=ola.fnr)
    assert f'href="{INNSYN}?person={token}"' in own  # the choice of person
    html = client.get(INNSYN, {"person": token}).content.decode()
    assert "Hvem har sett opplysningene til Ola Nordmann" in html
    assert [row.rsplit(" Hva ", 1)[1] for row in rows(html)] == [
        "Vist (nærkontakt)",
        "Vist (indeks)",
    ]
    assert ola.fnr not in html
    look = AccessLogEntry.objects.get(action=AccessAction.CITIZEN_VIEW, person_fnr=ola.fnr)
    assert look.citizen_fnr == parent.fnr


def test_c4_anyone_else_is_a_404_and_nothing_is_logged(citizen_client, parent, tracer):
    sofie = synthetic_child_of(parent, birth_date=years_ago(16), first_name="Sofie")
    stranger = SyntheticPersonFactory()
    staff_read(tracer, sofie.fnr)
    client = citizen_client(parent.fnr)
    over_16 = client.get(
        INNSYN, {"person": child_choice_token(parent_pid=parent.fnr, child_fnr=sofie.fnr)}
    )
    # A token made for another parent names nobody for this one.
    foreign = client.get(
        INNSYN,
        {"person": child_choice_token(parent_pid=stranger.fnr, child_fnr=sofie.fnr)},
    )
    garbage = client.get(INNSYN, {"person": "0" * 32})
    assert over_16.status_code == foreign.status_code == garbage.status_code == 404
    assert over_16.content == garbage.content
    assert not AccessLogEntry.objects.filter(action=AccessAction.CITIZEN_VIEW).exists()
    # Another citizen's own page is their own: nothing of the parent's.
    staff_read(tracer, parent.fnr)
    assert rows(login(stranger.fnr).get(INNSYN).content.decode()) == []


def test_innsyn_pages_fifty_newest_first(citizen_client, parent, tracer):
    start = timezone.now() - datetime.timedelta(days=1)
    for minute in range(51):
        staff_read(tracer, parent.fnr, now=start + datetime.timedelta(minutes=minute))
    client = citizen_client(parent.fnr)
    first = client.get(INNSYN).content.decode()
    assert len(rows(first)) == 50
    assert "Side 1 av 2" in first
    assert re.search(rf'href="{INNSYN}\?side=2"', first)
    second = client.get(INNSYN, {"side": "2"}).content.decode()
    assert len(rows(second)) == 1
    assert f'href="{INNSYN}"' in second  # «Nyere» back to the first page


def test_innsyn_is_a_fixed_number_of_queries(
    citizen_client, parent, tracer, django_assert_num_queries
):
    """No query per entry (user, municipality, integration) and none per child."""
    admin = StaffFactory(admin_in=["0301"])
    for n in range(3):
        synthetic_child_of(parent, birth_date=years_ago(4 + n))
        user = StaffFactory(tracer_in=["0301"])
        staff_read(user, parent.fnr)
        token = api_token_create(municipality_number="0301", label=f"System {n}", created_by=admin)
        staff_read(token.token.service_user, parent.fnr)
    client = citizen_client(parent.fnr)
    client.get(INNSYN)
    # The session, the citizen and the children in the register, the look's entry, the
    # count for the pages and the page of entries with who and where.
    with django_assert_num_queries(6):
        response = client.get(INNSYN)
    assert len(rows(response.content.decode())) == 6
