"""/api/v1/indexes: list, read, close contacts, close, reopen, notes — each logged like the
pages (B-4) and limited to the token's municipality (B-1)."""

import datetime

import pytest

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory
from tracing.models import Index, Note

pytestmark = pytest.mark.django_db


def _entries(client, **filters):
    return list(
        AccessLogEntry.objects.filter(user=client.token.service_user, **filters).order_by("id")
    )


def test_list_shows_only_the_tokens_municipality_newest_first(api_client):
    client = api_client("0301")
    older = IndexFactory(opened_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    newer = IndexFactory(opened_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC))
    IndexFactory(person__municipality_id="4601")
    response = client.get("/api/v1/indexes")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    item = body["items"][0]
    assert item["person"]["fnr"] == newer.fnr
    assert item["municipality_number"] == "0301"
    assert item["status"] == "active"


def test_list_logs_every_index_shown(api_client):
    client = api_client("0301")
    indexes = [IndexFactory() for _ in range(3)]
    client.get("/api/v1/indexes")
    entries = _entries(client)
    assert sorted(e.index_id for e in entries) == sorted(i.pk for i in indexes)
    assert {(e.action, e.allowed, e.role, e.municipality_id) for e in entries} == {
        ("list", True, "tracer", "0301")
    }
    assert entries[0].username == client.token.service_user.username


def test_list_filters_by_status_and_self_registration(api_client):
    client = api_client("0301")
    selfreg = IndexFactory(self_registered=True)
    closed = IndexFactory(closed=True)
    IndexFactory()
    by_selfreg = client.get("/api/v1/indexes", {"self_registered": "true"}).json()
    assert [i["id"] for i in by_selfreg["items"]] == [selfreg.pk]
    by_status = client.get("/api/v1/indexes", {"status": "closed"}).json()
    assert [i["id"] for i in by_status["items"]] == [closed.pk]


def test_list_is_paginated(api_client):
    client = api_client("0301")
    for _ in range(5):
        IndexFactory()
    first = client.get("/api/v1/indexes", {"page_size": 2}).json()
    third = client.get("/api/v1/indexes", {"page_size": 2, "page": 3}).json()
    beyond = client.get("/api/v1/indexes", {"page_size": 2, "page": 4}).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (5, 1, 2, 2)
    assert len(third["items"]) == 1
    assert beyond["items"] == []


@pytest.mark.parametrize(
    "query",
    [{"page": "0"}, {"page_size": "0"}, {"page_size": "201"}, {"status": "x"}, {"page": "en"}],
    ids=["page-0", "size-0", "size-201", "bad-status", "page-text"],
)
def test_list_with_bad_query_is_422(api_client, query):
    response = api_client("0301").get("/api/v1/indexes", query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_read_index_with_notes_newest_first(api_client):
    client = api_client("0301")
    index = IndexFactory(workplace_or_school="Skolen")
    first = NoteFactory(
        index=index, text="Først", created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    last = NoteFactory(
        index=index, text="Sist", created_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    )
    response = client.get(f"/api/v1/indexes/{index.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == index.pk
    assert body["workplace_or_school"] == "Skolen"
    assert body["person"]["id"] == index.person_id
    assert [n["id"] for n in body["notes"]] == [last.pk, first.pk]
    assert [(e.action, e.allowed, e.index_id) for e in _entries(client)] == [
        ("view", True, index.pk)
    ]


def test_read_missing_index_is_404(api_client):
    client = api_client("0301")
    response = client.get("/api/v1/indexes/987654321")
    assert response.status_code == 404
    assert response.json() == {"detail": "Finnes ikke."}
    assert [(e.allowed, e.object_id) for e in _entries(client)] == [(False, 987654321)]


@pytest.mark.parametrize(
    "index_id", ["0", "-1", "abc", str(2**63)], ids=["zero", "negative", "text", "too-big"]
)
def test_read_with_a_bad_id_is_422(api_client, index_id):
    response = api_client("0301").get(f"/api/v1/indexes/{index_id}")
    assert response.status_code == 422


def test_close_contacts_of_an_index(api_client):
    client = api_client("0301")
    index = IndexFactory()
    contact = CloseContactFactory(index=index, last_contact_on=datetime.date(2026, 1, 3))
    response = client.get(f"/api/v1/indexes/{index.pk}/close-contacts")
    assert response.status_code == 200
    body = response.json()
    assert [(c["id"], c["index_id"], c["person"]["fnr"]) for c in body] == [
        (contact.pk, index.pk, contact.person.fnr)
    ]
    assert body[0]["last_contact_on"] == "2026-01-03"
    logged = {(e.object_type, e.object_id) for e in _entries(client)}
    assert logged == {("index", index.pk), ("close_contact", contact.pk)}


def test_close_and_reopen(api_client):
    client = api_client("0301")
    index = IndexFactory()
    closed = client.post_json(f"/api/v1/indexes/{index.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    again = client.post_json(f"/api/v1/indexes/{index.pk}/close")
    assert again.status_code == 409
    assert again.json() == {"detail": "Indeksen er allerede avsluttet."}
    reopened = client.post_json(f"/api/v1/indexes/{index.pk}/reopen")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "active"
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    actions = [e.action for e in _entries(client)]
    assert actions == ["close", "close", "reopen"]


def test_reopen_refused_when_the_person_has_another_active_index(api_client):
    client = api_client("0301")
    closed = IndexFactory(closed=True)
    IndexFactory(person=closed.person, fnr=closed.fnr)
    response = client.post_json(f"/api/v1/indexes/{closed.pk}/reopen")
    assert response.status_code == 409
    body = response.json()
    assert "allerede registrert" in body["detail"]
    assert (body["code"], body["rule"]) == ("allerede_registrert", "D-3")


def test_add_a_note(api_client):
    client = api_client("0301")
    index = IndexFactory()
    response = client.post_json(
        f"/api/v1/indexes/{index.pk}/notes", {"title": "Ringt", "text": "Snakket med indeks."}
    )
    assert response.status_code == 201
    note = Note.objects.get(index=index)
    assert response.json()["id"] == note.pk
    assert (note.title, note.text) == ("Ringt", "Snakket med indeks.")
    assert note.author_label == "Integrasjon: Fagsystem"
    assert note.author_user == client.token.service_user
    assert [e.action for e in _entries(client)] == ["note_add"]


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   "}, {"text": "x", "extra": 1}, {"text": 5}, ["text"]],
    ids=["missing", "empty", "blank", "unknown-field", "number", "list"],
)
def test_a_bad_note_is_422_and_writes_nothing(api_client, body):
    client = api_client("0301")
    index = IndexFactory()
    response = client.post_json(f"/api/v1/indexes/{index.pk}/notes", body)
    assert response.status_code == 422
    assert not Note.objects.filter(index=index).exists()


def test_a_note_that_is_not_json_is_400(api_client):
    client = api_client("0301")
    index = IndexFactory()
    response = client.post(
        f"/api/v1/indexes/{index.pk}/notes", data="{ikke json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not Note.objects.filter(index=index).exists()
