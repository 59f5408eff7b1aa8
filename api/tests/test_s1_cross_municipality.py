"""S1 for the integration API: every object URL under /api/v1/, tried with another
municipality's API token, GET and POST: 404 with nothing of the object in the body and one
denied entry in the access log; a method the route does not take answers 405 alike for any id,
and logs nothing. The control: the object's own municipality's token reaches it.

Walks the URL resolver (not only the OpenAPI document), so a new object route is tried too.
The back office's S1 matrix is tracing/tests/test_urls.py.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory
from tracing.models import CloseContact, Index, Note

pytestmark = pytest.mark.django_db

OBJECT_PARAMETERS = {"index_id", "close_contact_id"}
# A valid body per POST route, so that the access check (not validation) answers.
BODIES = {"notes": {"title": "x", "text": "Notat fra feil kommune"}}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def object_routes() -> list[str]:
    routes = []
    for route in sorted(set(_walk(get_resolver().url_patterns))):
        if not route.startswith("api/v1/"):
            continue
        parameters = re.findall(r"<(?:\w+:)?(\w+)>", route)
        assert set(parameters) <= OBJECT_PARAMETERS, f"add {route} to the S1 matrix"
        if parameters:
            routes.append(route)
    return routes


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
    return index, contact


def _path(route: str, values: dict[str, int]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _send(client, method: str, path: str):
    if method == "get":
        return client.get(path)
    return client.post_json(path, BODIES.get(path.rstrip("/").rsplit("/", 1)[-1]))


def test_s1_api_another_municipalitys_token_gets_404_nothing_shown_one_denied_entry(
    api_client, bergen
):
    index, contact = bergen
    oslo = api_client("0301")
    values = {"index_id": index.pk, "close_contact_id": contact.pk}
    traces = [
        index.fnr,
        contact.person.fnr,
        "Bergensk",
        "Hemmelighet",
        "Kontaktfornavn",
        "Fortrolig notattekst",
    ]
    routes = object_routes()
    assert len(routes) >= 6
    for route in routes:
        answered_404 = False
        for method in ("get", "post"):
            before = AccessLogEntry.objects.count()
            response = _send(oslo, method, _path(route, values))
            body = response.content.decode()
            assert response.status_code in (404, 405), f"{method} /{route}: {response.status_code}"
            for trace in traces:
                assert trace not in body, f"{method} /{route} shows {trace!r}"
            written = list(AccessLogEntry.objects.order_by("id")[before:])
            if response.status_code == 404:
                answered_404 = True
                assert [(e.allowed, e.user_id) for e in written] == [
                    (False, oslo.token.service_user.pk)
                ], f"{method} /{route}: one denied entry expected"
            else:
                assert written == []
                missing = _path(route, dict.fromkeys(values, 987654321))
                assert _send(oslo, method, missing).status_code == 405
        assert answered_404, f"/{route} never checked access"
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    assert Note.objects.filter(index=index).count() == 1
    assert CloseContact.objects.filter(index=index).count() == 1


def test_s1_api_the_own_municipalitys_token_reaches_the_objects(api_client, bergen):
    """The control: the same requests with Bergen's token are not refused."""
    index, contact = bergen
    own = api_client("4601")
    values = {"index_id": index.pk, "close_contact_id": contact.pk}
    for route in object_routes():
        response = own.get(_path(route, values))
        assert response.status_code in (200, 405), f"GET /{route}: {response.status_code}"
    assert own.get(f"/api/v1/indexes/{index.pk}").json()["person"]["first_name"] == "Bergensk"
