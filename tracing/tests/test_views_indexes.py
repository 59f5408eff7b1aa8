"""The index page and its actions (B-3), each logged (B-4) and each through tracing.services."""

import datetime
import re

import pytest
from django.db import DatabaseError
from django.utils import timezone

from accounts.models import AccessLogEntry
from registers.types import RegisterUnavailable
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    NoteFactory,
    SyntheticPersonFactory,
    new_fnr,
)
from tracing.models import CloseContact, Index, Note, RegisteredByKind
from tracing.services import RegisteredBy, Registration, index_register

pytestmark = pytest.mark.django_db

OSLO = "0301"


def url(index, action=""):
    return f"/smittesporing/indeks/{index.pk}/{action + '/' if action else ''}"


@pytest.fixture
def tracer(staff_client):
    return staff_client(tracer_in=[OSLO])


def test_index_page_shows_person_fields_source_notes_and_contacts(tracer):
    index = IndexFactory(
        person__first_name="Kari",
        person__phone="+4791234567",
        workplace_or_school="Testskolen",
        infection_place="household",
        risk_group="no",
        test_date_from=datetime.date(2026, 1, 5),
    )
    old = NoteFactory(
        index=index, title="Første", created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    new = NoteFactory(index=index, title="Andre", created_at=timezone.now())
    contact = CloseContactFactory(index=index, person__first_name="Kontaktperson")
    body = tracer.get(url(index)).content.decode()
    for text in (
        index.fnr,
        "Kari",
        "+4791234567",
        "Testskolen",
        "Husstand",
        "05.01.2026",
        "Prøvedato",
        "Smittested",
        "Risikogruppe",
        "Arbeidssted eller skole",
        "Registrert av",
        "Smittesporer",
        "D-0",
        "Kontaktperson",
        contact.person.fnr,
    ):
        assert text in body, text
    assert body.index(new.title) < body.index(old.title)  # newest first


def test_index_page_shows_a_self_registration_with_its_two_notes_and_rule(tracer):
    fnr = new_fnr()
    IndexFactory(person__fnr=fnr, closed=True)  # a closed index in Oslo: D-1b
    index = index_register(
        registration=Registration(
            fnr=fnr, first_name="Kari", last_name="Syntetisk", no_symptoms=True
        ),
        municipality_number=OSLO,
        registered_by=RegisteredBy(kind=RegisteredByKind.GUARDIAN, fnr=new_fnr()),
        self_registered=True,
    ).index
    body = tracer.get(url(index)).content.decode()
    assert "Utført selvregistrering" in body
    assert "Informasjon registrert i selvregistreringsskjema" in body
    assert "selvregistrering av barn fra foresatt" in body
    assert "Foresatt" in body and "JA" in body
    assert "D-1b" in body and "Avsluttet indeks" in body  # the rule and the candidate it saw


def test_b4_viewing_logs_the_index_and_each_contact_shown(tracer):
    index = IndexFactory()
    contacts = CloseContactFactory.create_batch(2, index=index)
    tracer.get(url(index))
    entries = AccessLogEntry.objects.filter(user=tracer.staff_user, action="view", allowed=True)
    assert set(entries.values_list("object_type", "person_fnr")) == {
        ("index", index.fnr),
        *(("close_contact", c.person.fnr) for c in contacts),
    }


def test_b4_no_log_entry_no_data(tracer, monkeypatch):
    index = IndexFactory(person__first_name="Hemmelig")

    def fail(*args, **kwargs):
        raise DatabaseError("log unavailable")

    monkeypatch.setattr(AccessLogEntry.objects, "bulk_create", fail)
    tracer.raise_request_exception = False
    response = tracer.get(url(index))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Hemmelig" not in body and index.fnr not in body


def test_add_note(tracer):
    index = IndexFactory()
    response = tracer.post(url(index, "notat"), {"title": "Ringt", "text": "Ringte indeks kl 10."})
    assert response.status_code == 302
    note = Note.objects.get(index=index)
    assert (note.title, note.text, note.author_user) == (
        "Ringt",
        "Ringte indeks kl 10.",
        tracer.staff_user,
    )
    assert AccessLogEntry.objects.filter(action="note_add", index_id=index.pk).count() == 1
    body = tracer.get(url(index)).content.decode()
    assert "Notatet er lagret." in body and "Ringte indeks kl 10." in body


def test_empty_note_is_refused_next_to_the_field(tracer):
    index = IndexFactory()
    response = tracer.post(url(index, "notat"), {"title": "", "text": "   "})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not Note.objects.exists()


def test_notes_have_no_edit_or_delete_route(tracer):
    note = NoteFactory()
    for suffix in (f"notat/{note.pk}/", f"notat/{note.pk}/slett/", f"notat/{note.pk}/endre/"):
        assert tracer.post(url(note.index) + suffix).status_code == 404


def test_register_close_contact_from_folkeregisteret(tracer):
    index = IndexFactory()
    person = SyntheticPersonFactory(first_name="Nora", last_name="Berg", postal_code="0155")
    response = tracer.post(
        url(index, "naerkontakt"),
        {"fnr": person.fnr, "last_contact_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    contact = CloseContact.objects.get(index=index)
    assert (contact.person.first_name, contact.person.last_name, contact.person.fnr) == (
        "Nora",
        "Berg",
        person.fnr,
    )
    assert contact.person.street_address == "Storgata 1" and contact.person.post_town
    assert contact.registered_by_user == tracer.staff_user
    assert AccessLogEntry.objects.filter(action="contact_add", person_fnr=person.fnr).count() == 1


def test_close_contact_not_in_folkeregisteret(tracer):
    index = IndexFactory()
    response = tracer.post(url(index, "naerkontakt"), {"fnr": new_fnr()})
    assert response.status_code == 400
    assert (
        "Fant ingen person med dette fødselsnummeret i Folkeregisteret."
        in response.content.decode()
    )
    assert not CloseContact.objects.exists()


def test_close_contact_when_the_register_is_down(tracer, monkeypatch):
    class Down:
        def person(self, fnr):
            raise RegisterUnavailable("503")

    monkeypatch.setattr("tracing.lookup.get_folkeregister", lambda: Down())
    index = IndexFactory()
    response = tracer.post(url(index, "naerkontakt"), {"fnr": new_fnr()})
    assert response.status_code == 400
    assert "Folkeregisteret svarer ikke akkurat nå" in response.content.decode()


def test_close_contact_bad_fnr_and_self_and_twice(tracer):
    index = IndexFactory()
    body = tracer.post(url(index, "naerkontakt"), {"fnr": "12345678901"}).content.decode()
    assert "Ugyldig fødselsnummer" in body
    SyntheticPersonFactory(fnr=index.fnr)
    body = tracer.post(url(index, "naerkontakt"), {"fnr": index.fnr}).content.decode()
    assert "sin egen nærkontakt" in body
    person = SyntheticPersonFactory()
    tracer.post(url(index, "naerkontakt"), {"fnr": person.fnr})
    body = tracer.post(url(index, "naerkontakt"), {"fnr": person.fnr}).content.decode()
    assert "allerede registrert som nærkontakt" in body
    assert CloseContact.objects.count() == 1


def test_closing_asks_first_on_a_page_of_its_own(tracer):
    """«Avslutt indeks» posts to a confirmation page; nothing is closed until its button."""
    index = IndexFactory(person__first_name="Siri", person__last_name="Spør")
    response = tracer.post(url(index, "avslutt"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vil du avslutte indeksen for Siri Spør?" in body
    # The page's title, which browser history keeps, names the index by its id only.
    assert f"<title>Avslutt indeks {index.pk} – Smittesporing</title>" in body
    assert f'action="{url(index, "avslutt")}"' in body
    assert '<input type="hidden" name="bekreft" value="ja">' in body
    assert f'href="{url(index)}">Avbryt</a>' in body
    assert "<script" not in body
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    # Seeing the question is a read of the index (B-4), not a close.
    assert list(AccessLogEntry.objects.values_list("action", flat=True)) == ["view"]
    tracer.post(url(index, "avslutt"), {"bekreft": "nei"})
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE


def test_close_and_reopen(tracer):
    index = IndexFactory()
    tracer.post(url(index, "avslutt"), {"bekreft": "ja"})
    index.refresh_from_db()
    assert index.status == Index.Status.CLOSED
    body = tracer.get(url(index)).content.decode()
    assert "Indeksen er avsluttet." in body and "Gjenåpne indeks" in body
    tracer.post(url(index, "gjenapne"))
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    assert set(AccessLogEntry.objects.values_list("action", flat=True)) >= {"close", "reopen"}


def test_reopen_refused_while_another_index_is_active(tracer):
    closed = IndexFactory(closed=True)
    IndexFactory(person=closed.person)
    response = tracer.post(url(closed, "gjenapne"), follow=True)
    assert "allerede en aktiv indeks" in response.content.decode()
    closed.refresh_from_db()
    assert closed.status == Index.Status.CLOSED


def test_actions_are_post_only(tracer):
    index = IndexFactory()
    for action in ("notat", "naerkontakt", "avslutt", "gjenapne", "oppfolging"):
        assert tracer.get(url(index, action)).status_code == 405


def test_follow_up_date_moves_the_index_off_todays_list(tracer):
    index = IndexFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert (
        tracer.post(url(index, "oppfolging"), {"follow_up_on": tomorrow.isoformat()}).status_code
        == 302
    )
    index.refresh_from_db()
    assert index.follow_up_on == tomorrow
    assert (
        f"/indeks/{index.pk}/"
        not in tracer.get("/smittesporing/arbeidsliste/i-dag/").content.decode()
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = tracer.post(url(index, "oppfolging"), {"follow_up_on": yesterday.isoformat()})
    assert response.status_code == 400
    assert "tilbake i tid" in response.content.decode()


def test_index_page_shows_the_reference_number(tracer):
    index = IndexFactory(person__municipality_id=OSLO)
    html = tracer.get(url(index)).content.decode()
    assert "Referansenummer" in html
    assert f'<dd class="reference">{index.reference}</dd>' in html


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("notat", {"title": "", "text": ""}, "id_text"),
        ("naerkontakt", {"fnr": "123"}, "id_fnr"),
        ("oppfolging", {"follow_up_on": "i morgen"}, "id_follow_up_on"),
    ],
)
def test_a_failed_form_on_the_index_page_puts_the_focus_on_its_error_summary(
    tracer, action, data, field
):
    """As in the citizen portal: the summary takes the focus (autofocus), and the form's
    address has no #fragment, which would stop the browser from moving it."""
    index = IndexFactory()
    response = tracer.post(url(index, action), data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(
        r'<div class="ds-error-summary" tabindex="-1" autofocus[^>]*>(.*?)</div>', html, re.S
    )
    assert summary and f'href="#{field}"' in summary.group(1)
    assert html.count("autofocus") == 1
    assert not re.search(r'<form[^>]*action="[^"]*#', html)


def _facts(body: str) -> dict[str, str]:
    """The index page's label/value lists as label -> value text."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", body, re.S)
    return {dt: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dd)).strip() for dt, dd in pairs}


def test_a_childs_index_shows_the_guardians_name_and_phone_labelled_foresatt(tracer):
    index = index_register(
        registration=Registration(
            fnr=new_fnr(), first_name="Ola", last_name="Barnesen", no_symptoms=True
        ),
        municipality_number=OSLO,
        registered_by=RegisteredBy(
            kind=RegisteredByKind.GUARDIAN,
            fnr=new_fnr(),
            name="Kari Foresattesen",
            phone="+4791234567",
        ),
        self_registered=True,
    ).index
    body = tracer.get(url(index)).content.decode()
    assert _facts(body)["Foresatt"] == "Kari Foresattesen Telefon: +4791234567"
    assert 'href="tel:+4791234567"' in body


def test_a_guardian_without_a_phone_says_so_and_an_adult_has_no_guardian(tracer):
    child = IndexFactory(
        registered_by_kind=RegisteredByKind.GUARDIAN, registered_by_name="Kari Foresattesen"
    )
    facts = _facts(tracer.get(url(child)).content.decode())
    assert facts["Foresatt"] == "Kari Foresattesen Telefon: ikke registrert"
    adult = IndexFactory(registered_by_kind=RegisteredByKind.SELF)
    assert "Foresatt" not in _facts(tracer.get(url(adult)).content.decode())
