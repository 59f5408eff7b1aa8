"""«Nærkontakter i husstanden»: the form's last section. Rows added and removed without a
script and nothing typed lost; each field checked like the rest (C-7); at most 20 contacts;
each lands as a close contact of the new index, «Registrert av indeks», in the import's
transaction; the receipt names them."""

import datetime
import re

import pytest
from freezegun import freeze_time

from outbox.models import Message
from selfreg.tests.portal import FORM, RECEIPT, choose, input_value, radio_values, valid_form
from tests.factories import synthetic_child_of, years_ago
from tracing.models import CloseContact, Index, Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


def row(n: int, *, first="Per", last="Hansen", phone="+4790000001", birth="") -> dict:
    return {
        f"nk{n}_first_name": first,
        f"nk{n}_last_name": last,
        f"nk{n}_phone": phone,
        f"nk{n}_birth_date": birth,
    }


def checkbox_values(html: str, name: str) -> dict[str, str]:
    return radio_values(html, name, input_type="checkbox")


@pytest.fixture
def client_on_form(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    return client


def test_form_offers_the_section_with_no_row_until_one_is_added(client_on_form):
    html = client_on_form.get(FORM).content.decode()
    assert "Nærkontakter i husstanden" in html
    assert input_value(html, "nk0_first_name") is None
    assert input_value(html, "nk_antall") == "0"
    assert ">Legg til nærkontakt</button>" in html
    html = client_on_form.post(FORM, {**valid_form(), "nk_legg_til": "1"}).content.decode()
    for label in ("Fornavn", "Etternavn", "Telefonnummer", "Fødselsdato"):
        assert f'">{label}</label>' in html
    assert input_value(html, "nk0_first_name") == ""
    assert input_value(html, "nk_antall") == "1"
    assert ">Fjern<" in html
    assert "Nærkontakt 1" in html


def test_add_keeps_everything_typed_and_gives_one_more_row(client_on_form):
    data = {
        **valid_form(workplace_or_school="Bakeriet"),
        **row(0, first="Per"),
        "nk_antall": "1",
        "nk_legg_til": "1",
    }
    response = client_on_form.post(FORM, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert not Index.objects.exists()
    assert input_value(html, "workplace_or_school") == "Bakeriet"
    assert input_value(html, "nk0_first_name") == "Per"
    assert input_value(html, "nk0_phone") == "+4790000001"
    assert input_value(html, "nk1_first_name") == ""
    assert input_value(html, "nk_antall") == "2"
    # Nothing is checked until «Send inn»: no error summary for the half-filled form.
    assert "ds-error-summary" not in html
    assert 'id="nk-rad-2"' in html
    # The focus goes to the new row's first field, without scripts too.
    assert re.search(r'<input [^>]*name="nk1_first_name"[^>]*autofocus', html)
    assert html.count("autofocus") == 1


def test_remove_drops_that_row_and_moves_the_later_ones_up(client_on_form):
    data = {
        **valid_form(),
        **row(0, first="Anne"),
        **row(1, first="Bjørn"),
        **row(2, first="Cecilie"),
        "nk_antall": "3",
        "nk_fjern": "2",
    }
    html = client_on_form.post(FORM, data).content.decode()
    assert input_value(html, "nk_antall") == "2"
    assert input_value(html, "nk0_first_name") == "Anne"
    assert input_value(html, "nk1_first_name") == "Cecilie"
    assert input_value(html, "nk2_first_name") is None
    assert re.search(r'id="household-heading" tabindex="-1" autofocus', html)
    assert not Index.objects.exists()


@pytest.mark.parametrize("value", ["0", "4", "x", ""])
def test_remove_of_a_row_that_is_not_there_changes_nothing(client_on_form, value):
    data = {**valid_form(), **row(0, first="Anne"), "nk_antall": "1", "nk_fjern": value}
    html = client_on_form.post(FORM, data).content.decode()
    assert input_value(html, "nk0_first_name") == "Anne"
    assert not Index.objects.exists()


def test_at_most_twenty_rows(client_on_form):
    data = {**valid_form(), "nk_antall": "20", "nk_legg_til": "1"}
    html = client_on_form.post(FORM, data).content.decode()
    assert input_value(html, "nk_antall") == "20"
    assert input_value(html, "nk19_first_name") == ""
    assert input_value(html, "nk20_first_name") is None
    assert ">Legg til nærkontakt</button>" not in html
    assert "Du har lagt til 20 nærkontakter, som er det høyeste antallet." in html


def test_a_forged_row_count_is_held_to_twenty(client_on_form):
    data = {**valid_form(), "nk_antall": "5000", **row(25, first="Skjult")}
    response = client_on_form.post(FORM, data)
    assert response.status_code == 302
    assert not CloseContact.objects.exists()  # empty rows, and row 26 is no row at all


@freeze_time("2021-12-21 09:52:00")
def test_send_registers_each_typed_contact_as_reported_by_the_index(client_on_form):
    data = {
        **valid_form(test_date_from="2021-12-20"),
        **row(0, first=" Per ", last="Hansen", phone="+47 900 00 001", birth="1980-05-17"),
        **row(1, first="", last="", phone=""),  # an empty row is no contact
        **row(2, first="Lise", last="Berg", phone="41234567"),
        "nk_antall": "3",
    }
    response = client_on_form.post(FORM, data)
    assert response.url == RECEIPT
    index = Index.objects.get()
    contacts = list(index.close_contacts.order_by("pk").select_related("person"))
    assert [(c.person.first_name, c.person.last_name, c.person.phone) for c in contacts] == [
        ("Per", "Hansen", "+4790000001"),
        ("Lise", "Berg", "41234567"),
    ]
    for contact in contacts:
        assert contact.reported_by == CloseContact.ReportedBy.INDEX
        assert contact.status == CloseContact.Status.NOT_CONTACTED
        assert contact.municipality_id == "0301" == contact.person.municipality_id
        assert contact.person.fnr == ""  # a typed contact has no number
    assert contacts[0].person.birth_date == datetime.date(1980, 5, 17)
    assert contacts[1].person.birth_date is None
    html = client_on_form.get(RECEIPT).content.decode()
    assert "Nærkontakter i husstanden" in html
    assert "<li>Per Hansen</li>" in html
    assert "<li>Lise Berg</li>" in html


def test_receipt_without_household_says_none(client_on_form):
    client_on_form.post(FORM, {**valid_form(), **row(0, first="", last="", phone="")})
    html = client_on_form.get(RECEIPT).content.decode()
    assert "Ingen registrert" in html
    assert not CloseContact.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first": ""}, "nk0_first_name", "Fyll inn fornavn."),
        ({"last": ""}, "nk0_last_name", "Fyll inn etternavn."),
        ({"phone": ""}, "nk0_phone", "Fyll inn telefonnummer."),
        ({"phone": "12"}, "nk0_phone", "Skriv et telefonnummer med 8 til 15 sifre"),
        ({"first": "P\u202eer"}, "nk0_first_name", "kontrolltegn eller usynlig tegn"),
        ({"last": "x" * 101}, "nk0_last_name", "høyst 100 tegn"),
        ({"birth": "2999-01-01"}, "nk0_birth_date", "Datoen kan ikke være etter i dag"),
        ({"birth": "1.2.x"}, "nk0_birth_date", "Skriv datoen som dd.mm.åååå."),
    ],
)
def test_c7_each_field_is_checked_next_to_it_and_nothing_typed_is_lost(
    client_on_form, changes, field, message
):
    data = {**valid_form(workplace_or_school="Bakeriet"), **row(0, **changes), "nk_antall": "1"}
    response = client_on_form.post(FORM, data)
    assert response.status_code == 200
    assert not Index.objects.exists()
    html = response.content.decode()
    assert "ds-error-summary" in html
    error = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert error is not None and message in error.group(1)
    assert "Nærkontakt 1: " in error.group(1)  # the summary lists all rows: each says its row
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert f'aria-describedby="id_{field}_error"' in html or f"id_{field}_error" in re.search(
        rf'<input [^>]*name="{field}"[^>]*>', html
    ).group(0)
    assert input_value(html, "workplace_or_school") == "Bakeriet"
    for key, value in row(0, **changes).items():
        if key != "nk0_birth_date" and value:
            assert input_value(html, key) == value.replace('"', "&quot;")


def test_the_parent_ticks_the_other_children_and_themself_with_register_data(
    citizen_client, parent
):
    ola = synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    synthetic_child_of(parent, birth_date=years_ago(5), first_name="Siri")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    html = client.get(FORM).content.decode()
    boxes = checkbox_values(html, "nk_husstand")
    # The child registered is not offered; the parent is, and the other child.
    assert set(boxes) == {"Kari Nordmann (deg selv)", "Siri Nordmann"}
    data = {
        **valid_form(),
        **row(0, first="", last="", phone=""),
        "nk_husstand": [boxes["Siri Nordmann"], boxes["Kari Nordmann (deg selv)"]],
    }
    assert client.post(FORM, data).url == RECEIPT
    index = Index.objects.get()
    assert index.fnr == ola.fnr
    contacts = {c.person.first_name: c for c in index.close_contacts.select_related("person")}
    assert set(contacts) == {"Siri", "Kari"}
    siri = contacts["Siri"].person
    assert siri.fnr != "" and siri.street_address == "Storgata 1"
    assert siri.birth_date == years_ago(5)
    assert contacts["Kari"].person.fnr == parent.fnr
    assert {c.reported_by for c in contacts.values()} == {CloseContact.ReportedBy.INDEX}


def test_c4_a_forged_tick_is_refused_next_to_the_field(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years_ago(5), first_name="Siri")
    client = citizen_client(parent.fnr)
    choose(client)
    data = {**valid_form(), "nk_husstand": ["self", "deadbeef"]}
    response = client.post(FORM, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg blant personene i listen." in html
    assert 'href="#id_nk_husstand_0"' in html  # the summary links to the first box
    assert 'id="id_nk_husstand_0"' in html
    assert not Index.objects.exists()


def test_twenty_one_typed_and_ticked_together_are_refused(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years_ago(5), first_name="Siri")
    client = citizen_client(parent.fnr)
    choose(client)
    boxes = checkbox_values(client.get(FORM).content.decode(), "nk_husstand")
    data = {**valid_form(), "nk_antall": "20", "nk_husstand": [boxes["Siri Nordmann"]]}
    for n in range(20):
        data.update(row(n, first=f"Person{chr(65 + n)}", phone=f"+47900000{n:02d}"))
    response = client.post(FORM, data)
    assert response.status_code == 200
    assert "Du kan registrere høyst 20 nærkontakter." in response.content.decode()
    assert not Index.objects.exists()
    data["nk_husstand"] = []
    assert client.post(FORM, data).url == RECEIPT
    assert CloseContact.objects.count() == 20


def test_no_half_written_data_when_a_contact_cannot_be_written(
    client_on_form, monkeypatch, django_capture_on_commit_callbacks
):
    """Failure mid-way: the index, its notes, the household and the confirmation go together."""
    from django.db import IntegrityError

    real_create = CloseContact.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise IntegrityError("simulated")
        return real_create(**kwargs)

    monkeypatch.setattr(CloseContact.objects, "create", failing_create)
    data = {**valid_form(), **row(0), **row(1, first="Lise"), "nk_antall": "2"}
    with pytest.raises(IntegrityError):
        client_on_form.post(FORM, data)
    assert len(calls) == 2
    assert not Index.objects.exists()
    assert not Person.objects.exists()
    assert not CloseContact.objects.exists()
    assert not Message.objects.exists()


def test_language_switch_keeps_the_rows(client_on_form):
    data = {
        **valid_form(),
        **row(0, first="Anne"),
        **row(1, first="Bjørn"),
        "nk_antall": "2",
        "_language_switch": "nn",
    }
    html = client_on_form.post(f"{FORM}?lang=nn", data).content.decode()
    assert input_value(html, "nk_antall") == "2"
    assert input_value(html, "nk0_first_name") == "Anne"
    assert input_value(html, "nk1_first_name") == "Bjørn"
    assert not Index.objects.exists()


def test_s9_adding_and_removing_rows_does_not_use_up_the_persons_submissions(
    client_on_form, settings
):
    """A household of 20 takes 20 posts before «Send inn»: the per-person limit counts what may
    register; the rows' buttons count only per address."""
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "selfreg_submit_person": "2/3600",
        "selfreg_submit_client": "30/600",
    }
    data = {**valid_form(), "nk_antall": "0"}
    for rows in range(1, 6):
        response = client_on_form.post(FORM, {**data, "nk_legg_til": "1"})
        assert response.status_code == 200
        data["nk_antall"] = str(rows)
        data.update(row(rows - 1, first=f"Person{chr(64 + rows)}", phone=f"+479000000{rows}"))
    assert client_on_form.post(FORM, {**data, "nk_fjern": "5"}).status_code == 200
    data["nk_antall"] = "4"
    del data["nk4_first_name"]
    assert client_on_form.post(FORM, data).url == RECEIPT
    assert CloseContact.objects.count() == 4
