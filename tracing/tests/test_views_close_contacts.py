"""The «Nærkontakter» worklist and the actions on a close contact: status, note, «Gjør om til
indeks» (B-1, B-3, B-4, I-3, D-1d/D-2c)."""

import csv
import io
import re

import pytest
from django.utils import timezone

from accounts.models import AccessLogEntry
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    StaffFactory,
    SyntheticPersonFactory,
)
from tracing.models import CloseContact, Index, Note, WorklistPreference

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"
URL = "/smittesporing/naerkontakter/"
EXPORT_URL = "/smittesporing/naerkontakter/eksport/"
COLUMNS_URL = "/smittesporing/naerkontakter/kolonner/"


def _contact(**kwargs) -> CloseContact:
    kwargs.setdefault("person__last_name", "Kontakt")
    return CloseContactFactory(**kwargs)


def _rows(body: str) -> list[str]:
    return re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", body, flags=re.S)


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/smittesporing/logg-inn/" in response["Location"]


def test_the_list_is_in_the_menu_and_shows_status_index_and_reporter(staff_client):
    client = staff_client(tracer_in=[OSLO])
    tracer = StaffFactory(first_name="Tove", last_name="Sporer", tracer_in=[OSLO])
    index = IndexFactory(person__first_name="Ivar", person__last_name="Indeks")
    by_tracer = _contact(
        index=index,
        person__first_name="Kari",
        registered_by_user=tracer,
        status=CloseContact.Status.CONTACTED,
    )
    by_index = _contact(
        index=index,
        person__first_name="Ola",
        reported_by=CloseContact.ReportedBy.INDEX,
        status=CloseContact.Status.NOT_REACHED,
    )
    body = client.get(URL).content.decode()
    assert f'href="{URL}" aria-current="page">Nærkontakter</a>' in body
    rows = {r.split("</a>")[0].split(">")[-1]: r for r in _rows(body)}
    assert set(rows) == {"Kontakt, Kari", "Kontakt, Ola"}
    kari, ola = rows["Kontakt, Kari"], rows["Kontakt, Ola"]
    assert f'href="/smittesporing/naerkontakt/{by_tracer.pk}/"' in body
    assert f'href="/smittesporing/naerkontakt/{by_index.pk}/"' in body
    assert f'<a class="ds-link" href="/smittesporing/indeks/{index.pk}/">Indeks, Ivar</a>' in kari
    assert "Kontaktet" in kari and "Tove Sporer" in kari
    assert "Ikke nådd" in ola and "Registrert av indeks" in ola


def test_b1_only_my_municipalities_contacts(staff_client):
    client = staff_client(tracer_in=[OSLO])
    _contact(person__first_name="Osloperson")
    bergen_index = IndexFactory(person__municipality_id=BERGEN)
    _contact(index=bergen_index, person__municipality_id=BERGEN, person__first_name="Bergensk")
    body = client.get(URL, {"kommune": BERGEN}).content.decode()
    assert "Osloperson" in body and "Bergensk" not in body


def test_filters_on_status_and_reporter(staff_client):
    client = staff_client(tracer_in=[OSLO])
    _contact(person__first_name="Ikkekontaktet")
    _contact(person__first_name="Kontaktet", status=CloseContact.Status.CONTACTED)
    _contact(
        person__first_name="Fraindeks",
        status=CloseContact.Status.CONTACTED,
        reported_by=CloseContact.ReportedBy.INDEX,
    )
    body = client.get(URL, {"status": "contacted"}).content.decode()
    assert "Ikkekontaktet" not in body and "Kontaktet" in body and "Fraindeks" in body
    assert "2 nærkontakter" in body
    body = client.get(URL, {"status": "contacted", "rapportert_av": "index"}).content.decode()
    assert "Fraindeks" in body and "Kontakt, Kontaktet" not in body
    # A bad filter value is shown as an error; the others still filter.
    response = client.get(URL, {"status": "ukjent", "rapportert_av": "index"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ds-validation-message" in body
    assert "Fraindeks" in body and "Ikkekontaktet" not in body


def test_sorting_flips_and_pagination(staff_client):
    client = staff_client(tracer_in=[OSLO])
    for letter in "CAB":
        _contact(person__last_name=f"{letter}kontakt")
    body = client.get(URL, {"sorter": "navn", "retning": "stigende"}).content.decode()
    names = re.findall(r"([ABC])kontakt, ", body)
    assert names == ["A", "B", "C"]
    assert 'aria-sort="ascending"' in body
    assert "sorter=navn&amp;retning=synkende" in body
    body = client.get(URL, {"sorter": "navn", "retning": "synkende"}).content.decode()
    assert re.findall(r"([ABC])kontakt, ", body) == ["C", "B", "A"]
    # The filter form keeps the sort.
    assert '<input type="hidden" name="sorter" value="navn">' in body
    assert '<input type="hidden" name="retning" value="synkende">' in body
    # An unknown column is the default sort, not an error.
    assert client.get(URL, {"sorter": "person__fnr"}).status_code == 200
    CloseContactFactory.create_batch(10)
    body = client.get(URL, {"antall": "10", "side": "2"}).content.decode()
    assert len(_rows(body)) == 3
    assert 'aria-current="true"' in body


def test_b4_every_contact_shown_is_logged(staff_client):
    client = staff_client(tracer_in=[OSLO])
    contacts = CloseContactFactory.create_batch(3)
    client.get(URL)
    logged = AccessLogEntry.objects.filter(user=client.staff_user, action="list")
    assert set(logged.values_list("object_type", "object_id", "index_id", "person_fnr")) == {
        ("close_contact", c.pk, c.index_id, c.person.fnr) for c in contacts
    }


@pytest.mark.parametrize("page_size", [10, 100])
def test_query_budget_whatever_the_page_size(
    staff_client, django_assert_max_num_queries, page_size
):
    """Session, user, roles, saved columns, count, the page's ids, its rows with everything
    joined in, the access-log INSERT: 8 for 10 rows as for 100 (SQLite's limit on a
    statement's parameters splits the INSERT of 100 entries in two: one more there)."""
    client = staff_client(tracer_in=[OSLO, BERGEN])
    tracer = StaffFactory(tracer_in=[OSLO])
    CloseContactFactory.create_batch(60, registered_by_user=tracer)
    CloseContactFactory.create_batch(60, reported_by=CloseContact.ReportedBy.INDEX)
    WorklistPreference.objects.create(
        user=client.staff_user,
        worklist="naerkontakter",
        columns=["navn", "indeks", "status", "rapportert_av", "kommune", "fodselsnummer"],
    )
    client.get(URL)  # the session's first read out of the way
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"antall": str(page_size), "sorter": "status"})
    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == page_size


def test_i3_column_chooser_is_kept_per_tracer_and_never_redirects_elsewhere(staff_client):
    client = staff_client(tracer_in=[OSLO])
    _contact(person__phone="+4791234567")
    assert "+4791234567" in client.get(URL).content.decode()
    response = client.post(
        COLUMNS_URL, {"kolonner": ["fodselsnummer"], "neste": f"{URL}?status=contacted"}
    )
    assert response["Location"] == f"{URL}?status=contacted"
    preference = WorklistPreference.objects.get(user=client.staff_user, worklist="naerkontakter")
    assert preference.columns == ["navn", "indeks", "fodselsnummer"]
    body = client.get(URL).content.decode()
    assert "+4791234567" not in body and "Fødselsnummer" in body
    assert client.post(COLUMNS_URL, {"neste": "https://example.org/"})["Location"] == URL
    assert client.get(COLUMNS_URL).status_code == 405


def test_csv_export_of_the_filtered_list_is_logged(staff_client):
    client = staff_client(tracer_in=[OSLO])
    index = IndexFactory(person__first_name="Ivar", person__last_name="Indeks")
    kari = _contact(
        index=index,
        person__first_name="Kari",
        person__phone="+4791234567",
        status=CloseContact.Status.NOT_REACHED,
    )
    _contact(person__first_name="Ola")
    WorklistPreference.objects.create(
        user=client.staff_user,
        worklist="naerkontakter",
        columns=["navn", "indeks", "status", "rapportert_av", "telefon", "fodselsnummer"],
    )
    response = client.get(EXPORT_URL, {"status": "not_reached"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert _csv(response) == [
        ["Navn", "Indeks", "Status", "Rapportert av", "Telefon", "Fødselsnummer"],
        [
            "Kontakt, Kari",
            "Indeks, Ivar",
            "Ikke nådd",
            "Smittesporer",
            "+4791234567",
            f'="{kari.person.fnr}"',  # a text cell, as core.csvexport writes every number
        ],
    ]
    exported = AccessLogEntry.objects.filter(action="export")
    assert list(exported.values_list("object_type", "object_id")) == [("close_contact", kari.pk)]


def test_csv_export_holds_only_my_municipalities(staff_client):
    client = staff_client(tracer_in=[OSLO])
    _contact(person__first_name="Osloperson")
    bergen_index = IndexFactory(person__municipality_id=BERGEN)
    _contact(index=bergen_index, person__municipality_id=BERGEN, person__first_name="Bergensk")
    rows = _csv(client.get(EXPORT_URL, {"kommune": BERGEN}))
    assert [r[0] for r in rows[1:]] == ["Kontakt, Osloperson"]


def test_set_status_keeps_when_and_is_logged(staff_client):
    client = staff_client(tracer_in=[OSLO])
    contact = _contact()
    url = f"/smittesporing/naerkontakt/{contact.pk}/status/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"status": "contacted"})
    assert response["Location"] == f"/smittesporing/naerkontakt/{contact.pk}/"
    contact.refresh_from_db()
    assert contact.status == CloseContact.Status.CONTACTED
    assert contact.status_changed_at is not None
    assert AccessLogEntry.objects.filter(
        action="contact_status", object_id=contact.pk, allowed=True
    ).exists()
    response = client.post(url, {"status": "ukjent"})
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.status == CloseContact.Status.CONTACTED


def test_b3_a_note_on_a_contact_lives_on_its_index_naming_it(staff_client):
    client = staff_client(tracer_in=[OSLO], first_name="Tove", last_name="Sporer")
    contact = _contact(person__first_name="Kari")
    url = f"/smittesporing/naerkontakt/{contact.pk}/notat/"
    assert client.post(url, {"text": "  "}).status_code == 400
    response = client.post(url, {"text": "Ringt, ikke svar. Prøver igjen i morgen."})
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.index_id, note.close_contact_id) == (contact.index_id, contact.pk)
    assert note.title == "Nærkontakt Kontakt, Kari"
    assert note.author_user == client.staff_user and note.author_label == "Tove Sporer"
    page = client.get(f"/smittesporing/naerkontakt/{contact.pk}/").content.decode()
    assert "Ringt, ikke svar." in page
    index_page = client.get(f"/smittesporing/indeks/{contact.index_id}/").content.decode()
    assert "Nærkontakt Kontakt, Kari" in index_page
    assert AccessLogEntry.objects.filter(action="note_add", object_id=contact.pk).exists()


def test_the_contact_page_shows_status_reporter_and_actions(staff_client):
    client = staff_client(tracer_in=[OSLO])
    contact = _contact(reported_by=CloseContact.ReportedBy.INDEX)
    body = client.get(f"/smittesporing/naerkontakt/{contact.pk}/").content.decode()
    assert "Ikke kontaktet" in body and "Registrert av indeks" in body
    for action in ("status", "notat", "gjor-om-til-indeks"):
        assert f'action="/smittesporing/naerkontakt/{contact.pk}/{action}/"' in body
    assert body.count('name="csrfmiddlewaretoken"') >= 4


def test_convert_opens_the_one_registration_form_filled_in(staff_client):
    client = staff_client(tracer_in=[OSLO])
    contact = _contact()
    response = client.post(f"/smittesporing/naerkontakt/{contact.pk}/gjor-om-til-indeks/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'action="/smittesporing/indeks/ny/"' in body
    assert f'value="{contact.person.fnr}"' in body
    assert not Index.objects.filter(fnr=contact.person.fnr).exists()  # nothing registered yet
    # The number is in the form, never in a URL.
    assert contact.person.fnr not in response.request["PATH_INFO"]


def _register(client, fnr: str, municipality: str = OSLO):
    return client.post(
        "/smittesporing/indeks/ny/",
        {
            "submission_id": "9c0d3a4e-1f62-4f1e-9a59-2d1f3c4b5a70",
            "fnr": fnr,
            "kommune": municipality,
            "test_date_from": timezone.localdate().isoformat(),
        },
    )


def test_d1d_converting_a_contact_keeps_its_person_and_link(staff_client):
    client = staff_client(tracer_in=[OSLO])
    registered = SyntheticPersonFactory()
    contact = _contact(person__fnr=registered.fnr)
    response = _register(client, registered.fnr)
    assert response.status_code == 302
    index = Index.objects.get(fnr=registered.fnr)
    assert (index.duplicate_rule, index.person_id) == ("D-1d", contact.person_id)
    assert index.converted_from_contact == contact
    assert index.registered_by_user == client.staff_user


def test_d2c_a_contact_in_the_chosen_municipality_among_others(staff_client):
    client = staff_client(tracer_in=[OSLO])
    registered = SyntheticPersonFactory()
    closed_in_bergen = IndexFactory(
        person__fnr=registered.fnr,
        person__municipality_id=BERGEN,
        status=Index.Status.CLOSED,
        closed_at=timezone.now(),
    )
    contact = _contact(person__fnr=registered.fnr)
    assert _register(client, registered.fnr).status_code == 302
    index = Index.objects.get(fnr=registered.fnr, status=Index.Status.ACTIVE)
    assert (index.duplicate_rule, index.person_id) == ("D-2c", contact.person_id)
    assert index.person_id != closed_in_bergen.person_id


def test_d1a_a_contact_with_an_active_index_is_refused(staff_client):
    client = staff_client(tracer_in=[OSLO])
    registered = SyntheticPersonFactory()
    IndexFactory(person__fnr=registered.fnr)
    response = _register(client, registered.fnr)
    assert response.status_code == 400
    assert "allerede registrert" in response.content.decode()
    assert Index.objects.filter(fnr=registered.fnr).count() == 1


@pytest.mark.parametrize("action", ["status", "notat", "gjor-om-til-indeks"])
def test_b1_another_municipalitys_contact_answers_404_and_changes_nothing(staff_client, action):
    client = staff_client(tracer_in=[OSLO])
    bergen_index = IndexFactory(person__municipality_id=BERGEN)
    contact = _contact(index=bergen_index, person__municipality_id=BERGEN)
    url = f"/smittesporing/naerkontakt/{contact.pk}/{action}/"
    response = client.post(url, {"status": "contacted", "text": "x"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.status == CloseContact.Status.NOT_CONTACTED
    assert not Note.objects.exists()
    denied = AccessLogEntry.objects.get(allowed=False)
    assert (denied.object_type, denied.object_id) == ("close_contact", contact.pk)


def test_csrf_is_required_for_every_action(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    user = StaffFactory(tracer_in=[OSLO])
    csrf_client.force_login(user)
    contact = _contact()
    for action in ("status", "notat", "gjor-om-til-indeks"):
        response = csrf_client.post(
            f"/smittesporing/naerkontakt/{contact.pk}/{action}/",
            {"status": "contacted", "text": "x"},
        )
        assert response.status_code == 403, action
    assert csrf_client.post(COLUMNS_URL, {"kolonner": ["telefon"]}).status_code == 403


def test_b1_a_contact_whose_index_moved_meanwhile_answers_404(monkeypatch, staff_client):
    """The status and the note of a close contact whose index was handed to another
    municipality after the tracer reached it: 404, as every edit of an index that moved."""
    from tracing.services import IndexMoved
    from tracing.views import close_contacts

    index = IndexFactory(municipality_id="0301")
    contact = CloseContactFactory(index=index, municipality_id="0301")
    client = staff_client(tracer_in=["0301"])

    def moved(**kwargs):
        raise IndexMoved

    monkeypatch.setattr(close_contacts, "close_contact_set_status", moved)
    monkeypatch.setattr(close_contacts, "note_add", moved)
    base = f"/smittesporing/naerkontakt/{contact.pk}"
    assert client.post(f"{base}/status/", {"status": "contacted"}).status_code == 404
    assert client.post(f"{base}/notat/", {"text": "Ringt"}).status_code == 404
