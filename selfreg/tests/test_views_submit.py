"""Submitting the form: C-8 (once, receipt), I-1/I-4/I-5 (what lands where, the two notes), and
what is checked again on POST (C-3, C-4, C-5; municipality and person from the session only)."""

import datetime
import re

import pytest
from freezegun import freeze_time

from municipalities.selectors import postal_place
from municipalities.services import municipality_set_status
from registers.models import SyntheticPerson
from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    START,
    choose,
    selfreg_on,
    valid_form,
)
from tests.factories import (
    IndexFactory,
    PersonFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)
from tracing.models import Index, Note, RegisteredByKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


# --- submission ------------------------------------------------------------------------------


@freeze_time("2021-12-21 09:52:00")
def test_c8_i4_i5_self_registration(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.post(
        FORM,
        valid_form(
            phone="+47 987 65 432",
            email="rettet@example.no",
            test_date_from="2021-12-19",
            test_date_to="2021-12-20",
            symptom_onset_from="2021-12-21",
            infection_place="other",
            infection_place_description="På bussen",
            risk_group="yes",
        ),
    )
    assert response.status_code == 302
    assert response.url == RECEIPT
    index = Index.objects.get()
    assert index.fnr == parent.fnr
    assert index.municipality_id == "0301"
    assert index.self_registered is True
    assert index.registered_by_kind == RegisteredByKind.SELF
    assert index.registered_by_fnr == parent.fnr
    assert (index.registered_by_name, index.registered_by_phone) == ("", "")  # no guardian
    assert (index.test_date_from, index.test_date_to) == (
        datetime.date(2021, 12, 19),
        datetime.date(2021, 12, 20),
    )
    assert index.symptom_onset_from == datetime.date(2021, 12, 21)  # after the test: allowed
    assert (index.infection_place, index.infection_place_description) == ("other", "På bussen")
    assert index.risk_group == "yes"
    assert index.workplace_or_school == "Storgata skole"
    person = index.person
    assert (person.first_name, person.last_name) == ("Kari", "Nordmann")
    assert (person.street_address, person.postal_code) == ("Storgata 1", "0155")
    assert person.post_town == postal_place(code="0155")
    assert (person.phone, person.email) == ("+4798765432", "rettet@example.no")
    assert person.birth_date == SyntheticPerson.objects.get(fnr=parent.fnr).birth_date
    titles = {note.title: note.text for note in Note.objects.filter(index=index)}
    assert titles["Utført selvregistrering"] == "Utført selvregistrering 21.12.2021 10:52"
    info = titles["Informasjon registrert i selvregistreringsskjema"]
    assert info.startswith("Informasjon oppdatert vha selvregistrering den 21.12.2021 10:52\n")
    assert "Svarene gjelder barnet" not in info

    receipt = client.get(RECEIPT)
    html = receipt.content.decode()
    assert "Skjemaet er registrert" in html
    assert "21.12.2021 10:52" in html
    assert parent.fnr not in html


@freeze_time("2021-12-21 09:52:00")
@pytest.mark.parametrize("code", ["nn", "en"])
def test_i4_notes_are_bokmal_whatever_the_language_shown(citizen_client, parent, code):
    """I-4: the notes are data that tracers search for, so a registration made in nynorsk or
    English writes the same bokmål texts, the choice labels included."""
    client = citizen_client(parent.fnr)
    client.get(f"/?lang={code}")
    choose(client, who={"nn": "Meg sjølv", "en": "Myself"}[code])
    response = client.post(
        FORM,
        valid_form(
            infection_place="other",
            infection_place_description="På bussen",
            risk_group="unknown",
            symptom_onset_from="",
            no_symptoms="on",
        ),
    )
    assert response.url == RECEIPT
    assert f'<html lang="{code}"' in client.get(RECEIPT).content.decode()
    titles = {note.title: note.text for note in Note.objects.all()}
    assert titles["Utført selvregistrering"] == "Utført selvregistrering 21.12.2021 10:52"
    info = titles["Informasjon registrert i selvregistreringsskjema"].splitlines()
    assert info[0] == "Informasjon oppdatert vha selvregistrering den 21.12.2021 10:52"
    assert "Symptomstart: Ingen symptomer" in info
    assert "Hvor ble du smittet: Annet: På bussen" in info
    assert "Risikogruppe: Vet ikke" in info


@freeze_time("2021-12-21 09:52:00")
def test_c8_i4_child_registration_by_guardian(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=datetime.date(2015, 3, 1), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    response = client.post(
        FORM,
        valid_form(phone="+4711111111", email="x@example.no", test_date_from="2021-12-20"),
    )
    assert response.url == RECEIPT
    index = Index.objects.get()
    assert index.fnr == child.fnr
    assert index.registered_by_kind == RegisteredByKind.GUARDIAN
    assert index.registered_by_fnr == parent.fnr
    # The guardian as the tracer reaches them: Folkeregisteret's name, KRR's phone (the child's
    # form asks for no phone; what is posted as one is ignored).
    assert (index.registered_by_name, index.registered_by_phone) == ("Kari Nordmann", "+4791234567")
    assert index.self_registered is True
    person = index.person
    assert (person.first_name, person.last_name) == ("Ola", "Nordmann")
    assert person.street_address == "Storgata 1"
    assert (person.phone, person.email) == ("", "")  # no phone/e-mail fields for a child
    info = Note.objects.get(index=index, title="Informasjon registrert i selvregistreringsskjema")
    assert info.text.startswith(
        "Informasjon oppdatert vha selvregistrering av barn fra foresatt den 21.12.2021 10:52\n"
    )
    # The answers keep the form's labels; the note says that they are about the child.
    lines = info.text.splitlines()
    assert lines[1] == "Svarene gjelder barnet og er gitt av foresatt."
    assert any(line.startswith("Hvor ble du smittet: ") for line in lines)
    html = client.get(RECEIPT).content.decode()
    assert "Skjemaet er registrert" in html
    assert "Ola Nordmann" in html


def test_r2_c8_double_click_registers_once(citizen_client, parent):
    """R2: the same form sent twice in a row (a double click): one registration, two receipts."""
    client = citizen_client(parent.fnr)
    choose(client)
    first = client.post(FORM, valid_form())
    second = client.post(FORM, valid_form())
    assert first.url == RECEIPT
    assert second.url == RECEIPT
    assert Index.objects.count() == 1
    assert Note.objects.count() == 2
    assert "Skjemaet er registrert" in client.get(RECEIPT).content.decode()
    # Back to the form after submitting shows the receipt, not a new form.
    assert client.get(FORM).url == RECEIPT


def test_r2_back_button_and_resubmit_registers_once(citizen_client, parent):
    """R2: after the receipt the citizen goes back to the form (which now shows the receipt)
    and sends the page the browser kept, even with a changed answer: still one registration,
    with the first answers."""
    client = citizen_client(parent.fnr)
    choose(client)
    assert client.post(FORM, valid_form(workplace_or_school="Første svar")).url == RECEIPT
    assert client.get(FORM).url == RECEIPT  # back: the form is not shown again
    again = client.post(FORM, valid_form(workplace_or_school="Andre svar"))
    assert again.url == RECEIPT
    assert Index.objects.count() == 1
    assert Index.objects.get().workplace_or_school == "Første svar"
    assert Note.objects.count() == 2


def test_r2_replayed_request_registers_once(citizen_client, parent):
    """R2: the exact POST (cookies, CSRF token, body) sent again by another client, as a proxy
    retrying after a timeout would: one registration, and the replay gets the receipt."""
    from django.test import Client

    logged_in = citizen_client(parent.fnr)
    choose(logged_in)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = logged_in.cookies
    page = browser.get(FORM).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = valid_form(csrfmiddlewaretoken=token)
    cookies = {name: morsel.value for name, morsel in browser.cookies.items()}
    assert browser.post(FORM, body).url == RECEIPT
    replay = Client(enforce_csrf_checks=True)
    for name, value in cookies.items():
        replay.cookies[name] = value
    response = replay.post(FORM, body)
    assert response.status_code == 302 and response.url == RECEIPT
    assert Index.objects.count() == 1
    assert Note.objects.count() == 2


def test_r2_c8_repeat_after_the_flow_flag_was_lost_is_still_one_index(citizen_client, parent):
    """A retry whose session still holds the unmarked flow (e.g. two requests racing) is told
    apart by the submission id inside the import, not by the session flag."""
    from selfreg.flow import FLOW_KEY

    client = citizen_client(parent.fnr)
    choose(client)
    flow = dict(client.session[FLOW_KEY])
    assert client.post(FORM, valid_form()).url == RECEIPT
    session = client.session
    session[FLOW_KEY] = flow  # as the racing request saw it: not yet registered
    session.save()
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.count() == 1


def test_no_fnr_in_any_url_of_the_flow(citizen_client, parent):
    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    urls = [client.post(START, {"kommunenummer": "0301"}).url]
    urls.append(choose(client, who="Ola Nordmann").url)
    urls.append(client.post(FORM, valid_form()).url)
    assert urls[-1] == RECEIPT
    for url in urls:
        assert parent.fnr not in url and child.fnr not in url


# --- tampering and changes between steps -----------------------------------------------------


def test_c4_municipality_in_the_posted_form_or_url_is_ignored(citizen_client, parent):
    """S3: a municipality number added to the form or its URL is ignored: the session's is used."""
    selfreg_on("4601")
    client = citizen_client(parent.fnr)
    choose(client, number="0301")
    response = client.post(f"{FORM}?kommunenummer=4601", valid_form(kommunenummer="4601", hvem="x"))
    assert response.url == RECEIPT
    assert Index.objects.get().municipality_id == "0301"


def test_c3_municipality_switched_off_after_choosing_registers_nothing(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    municipality_set_status(number="0301", selfreg_enabled=False, source="test")
    response = client.post(FORM, valid_form())
    assert "kommunens hjemmeside" in response.content.decode()
    assert not Index.objects.exists()


def test_c4_child_who_moved_after_choosing_is_refused_on_post(citizen_client, parent):
    """S3: the child is checked against Folkeregisteret again on POST, not trusted from GET."""
    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    SyntheticPerson.objects.filter(fnr=child.fnr).update(street_name="Lillegata")
    response = client.post(FORM, valid_form())
    assert response.status_code == 403
    assert not Index.objects.exists()


def test_c4_another_citizen_cannot_use_this_citizens_choice(citizen_client, parent):
    """S3: a token lifted from one parent's page, replayed in another citizen's session flow."""
    from selfreg.flow import FLOW_KEY

    synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    flow = dict(client.session[FLOW_KEY])
    other = SyntheticPersonFactory()
    other_client = citizen_client(other.fnr)
    session = other_client.session
    session[FLOW_KEY] = flow
    session.save()
    response = other_client.post(FORM, valid_form())
    assert response.status_code == 403
    assert not Index.objects.exists()


def test_c5_registered_elsewhere_between_get_and_post_is_refused(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    assert client.get(FORM).status_code == 200
    IndexFactory(person=PersonFactory(fnr=parent.fnr, municipality_id="4601"))
    response = client.post(FORM, valid_form())
    assert "allerede registrert" in response.content.decode()
    assert Index.objects.count() == 1


def test_c5_form_get_refuses_early(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    IndexFactory(person=PersonFactory(fnr=parent.fnr))
    assert "allerede registrert" in client.get(FORM).content.decode()


def test_receipt_without_a_registration_goes_to_start(citizen_client, parent):
    assert citizen_client(parent.fnr).get(RECEIPT).url == START


def test_c8_a_used_submission_id_cannot_register_another_person(citizen_client, parent):
    """S3: the submission id names one registration: reused for another person it is refused."""
    from selfreg.flow import FLOW_KEY
    from selfreg.selectors import child_choice_token

    child = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client)
    assert client.post(FORM, valid_form()).url == RECEIPT
    session = client.session
    flow = dict(session[FLOW_KEY])
    flow["choice"] = child_choice_token(parent_pid=parent.fnr, child_fnr=child.fnr)
    session[FLOW_KEY] = flow
    session.save()
    response = client.post(FORM, valid_form())
    assert response.status_code == 409
    assert Index.objects.count() == 1
    assert not Index.objects.filter(fnr=child.fnr).exists()


def test_every_portal_route_is_behind_the_citizen_login():
    from selfreg.portal_urls import urlpatterns

    assert urlpatterns
    for pattern in urlpatterns:
        assert getattr(pattern.callback, "citizen_login_required", False), pattern.name


@pytest.mark.parametrize("krr_answer", ["reserved", "absent", "down"])
def test_a_guardian_without_a_usable_krr_phone_still_registers_the_child(
    citizen_client, parent, monkeypatch, krr_answer
):
    """A guardian reserved in KRR, not in it, or KRR not answering at submission: the child is
    registered with the guardian's name and number, and no phone."""
    from registers.types import RegisterUnavailable

    synthetic_child_of(parent, birth_date=years_ago(6), first_name="Emma")
    if krr_answer == "reserved":
        parent.krr.reserved = True
        parent.krr.save()
    elif krr_answer == "absent":
        parent.krr.delete()
    client = citizen_client(parent.fnr)
    choose(client, who="Emma Nordmann")
    if krr_answer == "down":

        def krr_down():
            raise RegisterUnavailable("connection refused")

        monkeypatch.setattr("registers.interfaces.get_krr", krr_down)
    response = client.post(FORM, valid_form())
    assert response.status_code == 302 and response.url == RECEIPT
    index = Index.objects.get()
    assert (index.registered_by_fnr, index.registered_by_name) == (parent.fnr, "Kari Nordmann")
    assert index.registered_by_phone == ""
