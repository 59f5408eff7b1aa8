"""The receipt («Skjemaet er registrert», C-8): its «Referansenummer», the summary of what was
registered, «Skriv ut», and reaching it later by reference, for the citizen's own registration
or a child's they may register for only (C-4, checked on every request)."""

import datetime
import re

import pytest
from django.test import Client
from freezegun import freeze_time

from selfreg.tests.portal import FORM, RECEIPT, START, choose, valid_form
from tests.factories import (
    IndexFactory,
    SyntheticParentageFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
)
from tracing.models import Index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


def receipt_url(reference: str) -> str:
    return f"{RECEIPT}/{reference}"


def login(pid: str) -> Client:
    """A second browser, for another citizen (the `citizen_client` fixture has one client)."""
    from importlib import import_module

    from django.conf import settings

    from selfreg.session import citizen_login

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.create()
    citizen_login(session, pid=pid)
    session.save()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return browser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@freeze_time("2021-12-21 09:52:00")
def test_c8_receipt_shows_reference_and_what_was_registered(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    form = valid_form(
        phone="+47 987 65 432",
        email="rettet@example.no",
        workplace_or_school="Storgata skole",
        test_date_from="2021-12-19",
        test_date_to="2021-12-20",
        symptom_onset_from="2021-12-18",
        infection_place="other",
        infection_place_description="På bussen",
        risk_group="yes",
    )
    assert client.post(FORM, form).url == RECEIPT
    index = Index.objects.get()
    html = client.get(RECEIPT).content.decode()
    text = text_of(html)
    assert f"Referansenummer {index.reference}" in text
    assert str(index.pk) != index.reference
    for shown in (
        "Gjelder Kari Nordmann",
        "Kommune Oslo",
        "Registrert 21.12.2021 10:52",
        "Telefonnummer +4798765432",
        "E-post rettet@example.no",
        "Arbeidssted eller skole Storgata skole",
        "Dato for test 19.12.2021 – 20.12.2021",
        "Dato for symptomstart 18.12.2021",
        "Hvor ble du smittet? Annet",
        "Beskriv På bussen",
        "Er du i en risikogruppe? Ja",
    ):
        assert shown in text, shown
    assert parent.fnr not in html


def test_receipt_has_a_print_button_without_inline_script(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form(no_symptoms="on", symptom_onset_from=""))
    html = client.get(RECEIPT).content.decode()
    assert re.search(r'<button type="button"[^>]*data-print[^>]*>Skriv ut</button>', html)
    assert re.search(r'<script src="/static/js/print\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)  # CSP: script-src 'self' only
    assert not re.search(r"\son[a-z]+=", html)
    assert 'href="/static/css/print.css" media="print"' in html
    assert "Dato for symptomstart Ingen symptomer" in text_of(html)


@freeze_time("2021-12-21 09:52:00")
def test_c4_receipt_of_a_child_names_the_child_and_asks_about_the_child(citizen_client, parent):
    synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    client.post(FORM, valid_form(risk_group="unknown"))
    text = text_of(client.get(RECEIPT).content.decode())
    assert "Gjelder Ola Nordmann" in text
    assert "Er barnet i en risikogruppe? Vet ikke" in text
    assert "Telefonnummer" not in text  # nothing of the kind was registered for the child


def test_receipt_is_reachable_later_by_reference_in_a_new_session(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form())
    reference = Index.objects.get().reference
    later = login(parent.fnr)  # logged in again, a new session without the flow
    assert later.get(RECEIPT).url == START
    response = later.get(receipt_url(reference))
    assert response.status_code == 200
    assert reference in response.content.decode()
    # As a person may type it: lower case, with a separator.
    typed = f"{reference[:5].lower()}-{reference[5:].lower()}"
    assert later.get(receipt_url(typed)).status_code == 200


def test_the_session_keeps_the_references_it_registered(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form())
    reference = Index.objects.get().reference
    assert client.session["selfreg_registered"] == [reference]
    client.post(FORM, valid_form())  # the same submission again (C-8): listed once
    assert client.session["selfreg_registered"] == [reference]


def test_c4_another_citizen_gets_the_same_404_as_for_a_missing_reference(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form())
    reference = Index.objects.get().reference
    stranger = login(SyntheticPersonFactory().fnr)
    foreign = stranger.get(receipt_url(reference))
    missing = stranger.get(receipt_url("ABCDEFGHJK" if reference != "ABCDEFGHJK" else "KJHGFEDCBA"))
    malformed = stranger.get(receipt_url("1"))
    assert foreign.status_code == missing.status_code == malformed.status_code == 404
    assert foreign.content == missing.content == malformed.content
    assert reference not in foreign.content.decode()


def test_c4_a_childs_receipt_only_while_the_register_offers_the_child(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    client.post(FORM, valid_form())
    reference = Index.objects.get().reference
    assert client.get(receipt_url(reference)).status_code == 200
    # The other parent at the same address may register the child, and sees the receipt.
    other = SyntheticPersonFactory(last_name="Nordmann")
    for name in ("has_address", "street_name", "house_number", "postal_code"):
        setattr(other, name, getattr(parent, name))
    other.save()
    SyntheticParentageFactory(parent_fnr=other.fnr, child=child)
    assert login(other.fnr).get(receipt_url(reference)).status_code == 200
    # The child moves: no longer offered to this parent, so the receipt is not shown (C-4).
    child.street_name = "Annen gate"
    child.save()
    assert client.get(receipt_url(reference)).status_code == 404
    # And the child itself, logged in, sees its own registration.
    assert login(child.fnr).get(receipt_url(reference)).status_code == 200


def test_an_index_registered_by_staff_has_no_citizen_receipt(citizen_client, parent):
    index = IndexFactory(fnr=parent.fnr, person__fnr=parent.fnr, self_registered=False)
    assert citizen_client(parent.fnr).get(receipt_url(index.reference)).status_code == 404


def test_c1_receipt_needs_a_login(client, parent):
    response = client.get(receipt_url("ABCDEFGHJK"))
    assert response.status_code == 302
    # Back to this receipt after the login (the link in the confirmation works).
    assert response.url.startswith("/innlogget/logg-inn/?next=")
    assert (
        "next=%2Finnlogget%2Fsmitte-selvregistrering%2Fhjemmetest%2Fkvittering%2FABCDEFGHJK"
        in response.url
    )
