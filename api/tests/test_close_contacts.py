"""GET /api/v1/close-contacts/{id}: one close contact of the token's municipality (B-1, B-4)."""

import pytest

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory

pytestmark = pytest.mark.django_db


def test_read_a_close_contact(api_client):
    client = api_client("0301")
    contact = CloseContactFactory(person__first_name="Nora")
    response = client.get(f"/api/v1/close-contacts/{contact.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["index_id"], body["municipality_number"]) == (
        contact.pk,
        contact.index_id,
        "0301",
    )
    assert (body["person"]["fnr"], body["person"]["first_name"]) == (contact.person.fnr, "Nora")
    entry = AccessLogEntry.objects.get(user=client.token.service_user)
    assert (entry.object_type, entry.object_id, entry.action, entry.allowed) == (
        "close_contact",
        contact.pk,
        "view",
        True,
    )


def test_another_municipalitys_close_contact_is_404_and_logged_as_denied(api_client):
    client = api_client("0301")
    contact = CloseContactFactory(person__municipality_id="4601", person__first_name="Bergenser")
    response = client.get(f"/api/v1/close-contacts/{contact.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Finnes ikke."}
    entry = AccessLogEntry.objects.get(user=client.token.service_user)
    assert (entry.allowed, entry.object_id, entry.municipality_id) == (False, contact.pk, "4601")
