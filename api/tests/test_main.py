"""The API as a whole: the OpenAPI document, JSON errors, and the municipality matrix — every
object operation, tried with another municipality's token, answers 404 with nothing of the
object and writes one denied access-log entry (B-1, B-4)."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import AccessLogEntry
from api.main import api
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory
from tracing.models import CloseContact, Index, Note

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/indexes": {"get", "post"},
    "/api/v1/indexes/{index_id}": {"get"},
    "/api/v1/indexes/{index_id}/close-contacts": {"get"},
    "/api/v1/indexes/{index_id}/close": {"post"},
    "/api/v1/indexes/{index_id}/reopen": {"post"},
    "/api/v1/indexes/{index_id}/notes": {"post"},
    "/api/v1/close-contacts/{close_contact_id}": {"get"},
}
# A valid body for each POST on an object, so that the access check (not validation) answers.
SAMPLE_BODIES = {
    "/api/v1/indexes/{index_id}/close": None,
    "/api/v1/indexes/{index_id}/reopen": None,
    "/api/v1/indexes/{index_id}/notes": {"title": "x", "text": "Notat fra feil kommune"},
}


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_openapi_document_is_served_without_a_token(client):
    document = _document(client)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    assert {path: set(ops) for path, ops in document["paths"].items()} == EXPECTED_PATHS
    assert document["components"]["securitySchemes"] == {
        "ApiTokenAuth": {"type": "http", "scheme": "bearer"}
    }


def test_every_operation_declares_the_bearer_token(client):
    for path, operations in _document(client)["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"ApiTokenAuth": []}], f"{method} {path}"


def test_no_path_takes_a_fodselsnummer(client):
    for path in _document(client)["paths"]:
        assert "fnr" not in path and "foedselsnummer" not in path


def test_the_create_operation_documents_its_answers(client):
    create = _document(client)["paths"]["/api/v1/indexes"]["post"]
    assert {"201", "409"} <= set(create["responses"])
    assert create["requestBody"]["content"]["application/json"]["schema"]


def test_there_is_no_swagger_page_needing_scripts_from_elsewhere(client):
    assert api.docs_url is None
    assert client.get("/api/v1/docs").status_code == 404


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


API_ROUTES = sorted({r for r in _walk(get_resolver().url_patterns) if r[0].startswith("api/v1/")})
PUBLIC = {"openapi-json": "the OpenAPI document (no data)", "api-root": "answers 404"}


@pytest.mark.parametrize(("route", "name"), [pytest.param(*r, id=r[0]) for r in API_ROUTES])
def test_every_api_route_refuses_a_request_without_a_token(client, route, name):
    """Whatever operation is added under /api/v1/, it must demand a token."""
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(path)
        if name in PUBLIC:
            continue
        assert response.status_code in (401, 405), f"{method.upper()} /{route}"


def test_the_public_api_routes_are_only_the_document_and_the_root():
    assert {name for _, name in API_ROUTES} - {
        "index_list_view",
        "index_create_view",
        "index_read_view",
        "index_close_contacts_view",
        "index_close_view",
        "index_reopen_view",
        "note_add_view",
        "close_contact_read_view",
    } == set(PUBLIC)


@pytest.fixture
def bergen():
    index = IndexFactory(
        person__municipality_id="4601",
        person__first_name="Bergensk",
        person__last_name="Hemmelighet",
    )
    contact = CloseContactFactory(
        index=index, person__municipality_id="4601", person__first_name="Kontaktfornavn"
    )
    NoteFactory(index=index, text="Fortrolig notattekst")
    return {
        "index_id": index.pk,
        "close_contact_id": contact.pk,
        "index": index,
        "contact": contact,
    }


def _object_operations(client):
    for path, operations in _document(client)["paths"].items():
        if "{" not in path:
            continue
        for method in operations:
            yield path, method


def test_matrix_another_municipalitys_objects_answer_404(client, api_client, bergen):
    oslo = api_client("0301")
    index, contact = bergen["index"], bergen["contact"]
    traces = [
        index.fnr,
        contact.person.fnr,
        "Bergensk",
        "Hemmelighet",
        "Kontaktfornavn",
        "Fortrolig notattekst",
        "4601",
    ]
    tried = 0
    for path, method in _object_operations(client):
        url = re.sub(r"\{(\w+)\}", lambda m: str(bergen[m.group(1)]), path)
        before = AccessLogEntry.objects.count()
        if method == "get":
            response = oslo.get(url)
        else:
            assert path in SAMPLE_BODIES, f"add a sample body for POST {path} to the matrix"
            response = oslo.post_json(url, SAMPLE_BODIES[path])
        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        assert response.json() == {"detail": "Finnes ikke."}
        for trace in traces:
            assert trace not in response.content.decode(), f"{method} {path} shows {trace!r}"
        written = list(AccessLogEntry.objects.order_by("id")[before:])
        assert [(e.allowed, e.user_id) for e in written] == [(False, oslo.token.service_user.pk)], (
            f"{method.upper()} {path}: one denied entry expected"
        )
        assert written[0].municipality_id == "4601"
        tried += 1
    assert tried == 6
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    assert Note.objects.filter(index=index).count() == 1
    assert CloseContact.objects.filter(index=index).count() == 1


def test_matrix_missing_objects_answer_like_foreign_ones(api_client, bergen):
    oslo = api_client("0301")
    foreign = oslo.get(f"/api/v1/indexes/{bergen['index_id']}")
    missing = oslo.get("/api/v1/indexes/987654321")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


def test_the_list_never_shows_another_municipality(api_client, bergen):
    oslo = api_client("0301")
    response = oslo.get("/api/v1/indexes", {"page_size": 200})
    assert response.json()["count"] == 0
    assert "Bergensk" not in response.content.decode()
    contacts = oslo.get(f"/api/v1/indexes/{bergen['index_id']}/close-contacts")
    assert contacts.status_code == 404
