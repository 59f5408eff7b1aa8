"""Route audits for the back office (B-1, B-4; S1, S2).

1. S2 (back office part; the project-wide audit is smittesporing/tests/test_routes.py): every
   URL pattern under /smittesporing/ is wrapped by a guard from accounts.decorators (the
   wrapper carries `staff_guard`); only the login and logout pages are public.
2. S1: every object URL, tried by a tracer of another municipality, answers 404 (or 405 for a
   method the route does not take, the same for any id) with no trace of the object in the
   body, and writes exactly one denied access-log entry. The API's side of S1 is in
   api/tests/test_s1_cross_municipality.py.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory
from tracing.models import CloseContact, Index, Note

PUBLIC = {"accounts:login", "accounts:logout"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


def _backoffice_routes():
    return [r for r in _walk(get_resolver().url_patterns) if r[0].startswith("smittesporing/")]


def test_there_are_backoffice_routes_to_audit():
    names = {name for _, name, _ in _backoffice_routes()}
    assert {"tracing:worklist", "tracing:index", "accounts:login", "accounts:access_log"} <= names


@pytest.mark.parametrize(
    ("route", "name", "callback"),
    # Stable ids (the route), never an object's repr with its memory address (pytest-xdist).
    [pytest.param(*r, id=r[0]) for r in _backoffice_routes()],
)
def test_s2_every_backoffice_view_is_guarded(route, name, callback):
    guard = getattr(callback, "staff_guard", None)
    if name in PUBLIC:
        assert guard == "public", f"{name} should be marked public_view"
    else:
        assert guard in ("tracer", "admin", "tracer-or-admin"), (
            f"{route} ({name}) has no staff_required/admin_required/tracer_or_admin_required"
        )


def test_s2_no_backoffice_route_takes_a_fodselsnummer():
    for route, name, _ in _backoffice_routes():
        assert "fnr" not in route and "foedselsnummer" not in route, name


OBJECT_KWARGS = {"index_id", "person_id", "close_contact_id"}
# Routes named by a municipality's number (and, under it, which of its tables).
MUNICIPALITY_KWARGS = {"number"}
MUNICIPALITY_SUBPARTS = {"table": "nokkeltall"}


def _object_routes():
    routes = []
    for route, name, _ in _backoffice_routes():
        kwargs = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if any(k in OBJECT_KWARGS for k in kwargs):
            routes.append((route, name, kwargs))
        elif any(k in MUNICIPALITY_KWARGS for k in kwargs):
            assert set(kwargs) <= MUNICIPALITY_KWARGS | set(MUNICIPALITY_SUBPARTS), route
        else:
            # A new object route with another parameter name must be added to this audit.
            assert all(k == "worklist" for k in kwargs), f"unaudited route parameter in {route}"
    return routes


def _municipality_routes():
    return [
        (route, name)
        for route, name, _ in _backoffice_routes()
        if any(k in MUNICIPALITY_KWARGS for k in re.findall(r"<(?:\w+:)?(\w+)>", route))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["4601", "9999", "x"])
def test_b1_another_or_no_municipalitys_number_answers_404(staff_client, number):
    """B-1/A-2 for routes named by a municipality: a tracer of Oslo (administrator nowhere)
    gets 404 for Bergen's number, a number that names no municipality and one that is no
    number, alike."""
    client = staff_client(tracer_in=["0301"])
    routes = _municipality_routes()
    assert routes

    def fill(route: str, municipality: str) -> str:
        values = {"number": municipality, **MUNICIPALITY_SUBPARTS}
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)

    for route, name in routes:
        assert client.get(fill(route, number)).status_code == 404, name
        assert client.get(fill(route, "0301")).status_code == 200, name


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
    return {"index": index, "contact": contact}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["tracer_oslo", "tracer_oslo_admin_bergen"])
def test_s1_matrix_another_municipalitys_objects_answer_404(staff_client, bergen, persona):
    admin_in = ["4601"] if persona == "tracer_oslo_admin_bergen" else []
    client = staff_client(tracer_in=["0301"], admin_in=admin_in)
    index, contact = bergen["index"], bergen["contact"]
    ids = {"index_id": index.pk, "person_id": index.person_id, "close_contact_id": contact.pk}
    traces = [
        index.fnr,
        contact.person.fnr,
        "Bergensk",
        "Hemmelighet",
        "Kontaktfornavn",
        "Fortrolig notattekst",
    ]
    routes = _object_routes()
    assert len(routes) >= 8
    for route, name, _kwargs in routes:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
        missing = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "987654321", route)
        answered_404 = False
        for method in ("get", "post"):
            before = AccessLogEntry.objects.count()
            response = getattr(client, method)(path, {"text": "x", "fnr": index.fnr})
            body = response.content.decode()
            assert response.status_code in (404, 405), (
                f"{method.upper()} {name}: {response.status_code}"
            )
            for trace in traces:
                assert trace not in body, f"{method.upper()} {name} shows {trace!r}"
            written = AccessLogEntry.objects.order_by("-id")[
                : AccessLogEntry.objects.count() - before
            ]
            if response.status_code == 404:
                answered_404 = True
                assert [(e.allowed, e.user_id) for e in written] == [
                    (False, client.staff_user.pk)
                ], f"{method.upper()} {name}: one denied entry expected"
            else:
                # A method the route does not take: the same answer for a missing id, no entry.
                assert list(written) == []
                assert getattr(client, method)(missing).status_code == 405
        assert answered_404, f"{name} never checked access"
    # Nothing was changed on Bergen's data.
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE
    assert Note.objects.filter(index=index).count() == 1
    assert CloseContact.objects.filter(index=index).count() == 1


@pytest.mark.django_db
def test_s1_matrix_missing_objects_answer_like_foreign_ones(staff_client, bergen):
    client = staff_client(tracer_in=["0301"])
    foreign = client.get(f"/smittesporing/indeks/{bergen['index'].pk}/")
    missing = client.get("/smittesporing/indeks/987654321/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


@pytest.mark.django_db
@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_s1_an_id_beyond_the_bigint_range_is_a_logged_miss(staff_client, huge):
    """An id no bigint holds names no object: 404 like a missing one, on every object route,
    with its denied entry written (the log cannot hold the id, so it has none). It used to be a
    500 from the access-log insert, and the denied read went unlogged."""
    client = staff_client(tracer_in=["0301"])
    routes = _object_routes()
    assert len(routes) >= 8
    for route, name, _kwargs in routes:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", str(huge), route)
        missing = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "987654321", route)
        for method in ("get", "post"):
            before = AccessLogEntry.objects.count()
            response = getattr(client, method)(path, {"text": "x"})
            expected = getattr(client, method)(missing, {"text": "x"})
            assert response.status_code == expected.status_code, f"{method.upper()} {name}"
            assert response.status_code in (404, 405), f"{method.upper()} {name}"
            assert response.content == expected.content
            written = list(AccessLogEntry.objects.order_by("id")[before:])
            if response.status_code == 404:
                huge_entry, missing_entry = written
                assert (huge_entry.allowed, huge_entry.user_id, huge_entry.object_id) == (
                    False,
                    client.staff_user.pk,
                    None,
                ), f"{method.upper()} {name}"
                assert missing_entry.object_id == 987654321
                assert huge_entry.object_type == missing_entry.object_type
                assert huge_entry.action == missing_entry.action
            else:
                assert written == []
