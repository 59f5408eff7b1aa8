"""The back office shows who reported a close contact: «Registrert av indeks» for the index
person's own household list, on the index page and on the close-contact page; a typed
contact's missing number reads «Ikke oppgitt»."""

import datetime
import re

import pytest

from tests.factories import IndexFactory, PersonFactory
from tracing.registration import PersonDetails
from tracing.services import close_contact_register, household_contacts_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracer(staff_client):
    return staff_client(tracer_in=["0301"])


def _cells(html: str, contact_id: int) -> list[str]:
    row = re.search(rf'href="/smittesporing/naerkontakt/{contact_id}/".*?</tr>', html, re.S)
    assert row is not None
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(0))]


def _typed_contact(index):
    [contact] = household_contacts_register(
        index=index,
        contacts=[PersonDetails(fnr="", first_name="Per", last_name="Hansen", phone="41234567")],
        today=datetime.date.today(),
    )
    return contact


def test_index_page_marks_household_contacts_as_reported_by_the_index(tracer):
    index = IndexFactory()
    typed = _typed_contact(index)
    other = PersonFactory(municipality_id="0301")
    by_staff = close_contact_register(
        index=index,
        person=PersonDetails(fnr=other.fnr, first_name="Ann", last_name="Li"),
    )
    html = tracer.get(f"/smittesporing/indeks/{index.pk}/").content.decode()
    assert ">Registrert av</th>" in html
    typed_cells = _cells(html, typed.pk)
    assert typed_cells[0] == "Ikke oppgitt"
    assert typed_cells[-1] == "Registrert av indeks"
    assert _cells(html, by_staff.pk)[-1] == "Smittesporer"


def test_close_contact_page_says_who_reported_it(tracer):
    index = IndexFactory()
    contact = _typed_contact(index)
    html = tracer.get(f"/smittesporing/naerkontakt/{contact.pk}/").content.decode()
    assert re.search(r"<dt>Rapportert av</dt><dd>Registrert av indeks</dd>", html)
    assert re.search(r"<dt>Fødselsnummer</dt><dd>Ikke oppgitt</dd>", html)
    assert "41234567" in html
