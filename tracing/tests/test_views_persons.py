"""Person and close-contact pages: reached only through tracing.access (B-1, B-4)."""

import pytest

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory

pytestmark = pytest.mark.django_db


def test_person_page_lists_episodes_and_contact_roles(staff_client):
    client = staff_client(tracer_in=["0301"])
    index = IndexFactory(person__first_name="Kari")
    role = CloseContactFactory(person=index.person)
    body = client.get(f"/smittesporing/person/{index.person_id}/").content.decode()
    assert "Kari" in body and index.fnr in body
    assert f"/smittesporing/indeks/{index.pk}/" in body
    assert f"/smittesporing/naerkontakt/{role.pk}/" in body
    entry = AccessLogEntry.objects.get()
    assert (entry.object_type, entry.person_id, entry.allowed) == ("person", index.person_id, True)


def test_close_contact_page(staff_client):
    client = staff_client(tracer_in=["0301"])
    contact = CloseContactFactory(person__first_name="Nora")
    body = client.get(f"/smittesporing/naerkontakt/{contact.pk}/").content.decode()
    assert "Nora" in body and contact.person.fnr in body
    assert f"/smittesporing/indeks/{contact.index_id}/" in body
    assert AccessLogEntry.objects.get().object_type == "close_contact"
