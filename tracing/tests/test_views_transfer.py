"""«Overfør til annen kommune» in the back office: form, confirmation, the transfer, and what each
side sees afterwards (B-1: 404 for the sender; the receiver's worklist marks it; B-4)."""

import pytest
from django.test import Client

from accounts.models import AccessLogEntry
from municipalities.services import municipality_set_status
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory, StaffFactory
from tracing.models import Index, Note
from tracing.transfer import NOTE_TITLE

pytestmark = pytest.mark.django_db

OSLO, BERGEN, STAVANGER = "0301", "4601", "1103"


def url(index, action=""):
    return f"/smittesporing/indeks/{index.pk}/{action + '/' if action else ''}"


@pytest.fixture(autouse=True)
def customers():
    for number in (OSLO, BERGEN):
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="t")


@pytest.fixture
def tracer(staff_client):
    return staff_client(tracer_in=[OSLO])


@pytest.fixture
def bergen():
    client = Client()
    client.force_login(StaffFactory(tracer_in=[BERGEN]))
    return client


@pytest.fixture
def index():
    index = IndexFactory(person__first_name="Kari", person__last_name="Flytter")
    NoteFactory(index=index)
    CloseContactFactory(index=index, person__first_name="Nils", person__last_name="Nærkontakt")
    return index


def _confirm(client, index, **data):
    data = {"kommune": BERGEN, "begrunnelse": "Bor i Bergen", "bekreft": "ja", **data}
    return client.post(url(index, "overfor"), data)


def test_the_index_page_offers_the_transfer_for_an_active_index_only(tracer, index):
    assert url(index, "overfor") in tracer.get(url(index)).content.decode()
    closed = IndexFactory(closed=True)
    assert url(closed, "overfor") not in tracer.get(url(closed)).content.decode()
    response = tracer.get(url(closed, "overfor"))
    assert response.status_code == 302 and response.url == url(closed)


def test_the_form_offers_customers_other_than_the_own(tracer, index):
    body = tracer.get(url(index, "overfor")).content.decode()
    assert 'label class="ds-label" for="id_kommune">Mottakende kommune<' in body
    assert 'for="id_begrunnelse">Begrunnelse<' in body
    assert f'value="{BERGEN}"' in body
    assert f'value="{OSLO}"' not in body
    assert f'value="{STAVANGER}"' not in body  # not a customer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"begrunnelse": ""}, "Skriv en begrunnelse for overføringen."),
        ({"kommune": ""}, "Velg kommunen som skal ta over."),
        ({"kommune": STAVANGER}, "Velg et gyldig valg"),
    ],
    ids=["no-reason", "no-municipality", "not-a-customer"],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_moves(tracer, index, data, message):
    response = _confirm(tracer, index, **data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "ds-error-summary" in body
    assert Index.objects.get(pk=index.pk).municipality_id == OSLO


def test_a_customer_that_stops_being_one_is_refused_at_confirmation(tracer, index):
    municipality_set_status(number=BERGEN, is_customer=False, selfreg_enabled=False, source="t")
    # The form no longer offers it, so the post is an invalid choice either way.
    assert _confirm(tracer, index).status_code == 400
    assert Index.objects.get(pk=index.pk).municipality_id == OSLO


def test_the_confirmation_lists_what_moves_and_moves_nothing(tracer, index):
    response = tracer.post(url(index, "overfor"), {"kommune": BERGEN, "begrunnelse": "Bor der"})
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Vil du overføre indeksen til Bergen?",
        "Personkortet for Kari Flytter",
        index.reference,
        "1 notat",
        "1 nærkontakt",
        "Nærkontakt, Nils",
        "Bor der",
        "Ja, overfør til Bergen",
    ):
        assert text in body, text
    assert "Kari" not in body.split("<title>")[1].split("</title>")[0]
    assert Index.objects.get(pk=index.pk).municipality_id == OSLO
    assert not Note.objects.filter(title=NOTE_TITLE).exists()


def test_endre_goes_back_to_the_form_as_typed(tracer, index):
    body = tracer.post(
        url(index, "overfor"),
        {"kommune": BERGEN, "begrunnelse": "Bor i Bergen", "endre": "ja"},
    ).content.decode()
    assert f'<option value="{BERGEN}" selected>' in body
    assert "Bor i Bergen</textarea>" in body
    assert Index.objects.get(pk=index.pk).municipality_id == OSLO


def test_after_the_transfer_the_sender_gets_404_and_the_receiver_sees_it(tracer, bergen, index):
    contact = index.close_contacts.get()
    response = _confirm(tracer, index)
    assert response.status_code == 302 and response.url == "/smittesporing/arbeidsliste/i-dag/"
    assert "Indeksen er overført til Bergen" in tracer.get(response.url).content.decode()

    # B-1: the sender reaches nothing of it any more.
    index.refresh_from_db()
    for path in (
        url(index),
        url(index, "overfor"),
        f"/smittesporing/person/{index.person_id}/",
        f"/smittesporing/naerkontakt/{contact.pk}/",
    ):
        assert tracer.get(path).status_code == 404, path
    assert tracer.post(url(index, "notat"), {"text": "Ringt"}).status_code == 404
    assert "Flytter" not in tracer.get("/smittesporing/arbeidsliste/i-dag/").content.decode()

    # The receiver: in «Indeksoppfølging i dag», marked; the index page says from where and why.
    worklist = bergen.get("/smittesporing/arbeidsliste/i-dag/").content.decode()
    assert "Flytter, Kari" in worklist and "Overført fra Oslo" in worklist
    page = bergen.get(url(index)).content.decode()
    assert "Overført fra Oslo" in page and "Begrunnelse: Bor i Bergen" in page
    assert "Nærkontakt, Nils" in page
    assert bergen.get(f"/smittesporing/naerkontakt/{contact.pk}/").status_code == 200


def test_b4_the_transfer_is_in_both_municipalities_access_logs(tracer, index):
    _confirm(tracer, index)
    entries = AccessLogEntry.objects.filter(action="transfer", object_type="index")
    assert sorted(entries.values_list("municipality_id", flat=True)) == [OSLO, BERGEN]
    assert {e.user_id for e in entries} == {tracer.staff_user.pk}


def test_a_stale_edit_after_the_transfer_answers_404(tracer, index, monkeypatch):
    """The access check passed, then the index moved before the close took its lock."""
    from tracing import services

    moved = Index.objects.get(pk=index.pk)
    real = services.index_lock_unmoved

    def moved_meanwhile(locked):
        Index.objects.filter(pk=moved.pk).update(municipality_id=BERGEN)
        return real(locked)

    monkeypatch.setattr(services, "index_lock_unmoved", moved_meanwhile)
    response = tracer.post(url(index, "avslutt"), {"bekreft": "ja"})
    assert response.status_code == 404
    assert Index.objects.get(pk=index.pk).status == Index.Status.ACTIVE


@pytest.mark.parametrize("number", [OSLO, BERGEN], ids=["sender", "receiver"])
def test_b4_each_sides_administrator_finds_the_transfer(tracer, index, number):
    _confirm(tracer, index)
    admin = Client()
    admin.force_login(StaffFactory(admin_in=[number]))
    body = admin.get("/smittesporing/tilgangslogg/").content.decode()
    assert "Indeks overført til annen kommune" in body
    assert tracer.staff_user.get_username() in body
