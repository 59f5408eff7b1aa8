"""Route audit for /forvaltning/ (A-2, B-1): every view is for administrators, and every route
that names a municipality or a token answers 404 to the administrator of another municipality,
for GET and POST, and changes nothing. Walks the URL resolver, so a new route is audited too."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import ApiToken
from accounts.services import api_token_create
from municipalities.models import Municipality, MunicipalityStatusChange
from municipalities.services import municipality_set_status
from tests.factories import StaffFactory


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


ROUTES = [r for r in _walk(get_resolver().url_patterns) if r[0].startswith("forvaltning/")]


def test_there_are_administration_routes_to_audit():
    names = {name for _, name, _ in ROUTES}
    assert {
        "administration:home",
        "administration:municipality",
        "administration:selfreg_switch",
        "administration:api_token_create",
        "administration:api_token_revoke",
    } <= names


@pytest.mark.parametrize(("route", "name", "callback"), [pytest.param(*r, id=r[1]) for r in ROUTES])
def test_every_administration_view_is_for_administrators(route, name, callback):
    assert getattr(callback, "staff_guard", None) == "admin", f"{route} lacks admin_required"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin_oslo", "admin_oslo_tracer_bergen"])
def test_matrix_another_municipality_answers_404_and_nothing_changes(staff_client, persona):
    municipality_set_status(number="4601", is_customer=True, source="command")
    bergen_token = api_token_create(
        municipality_number="4601", label="Bergen", created_by=StaffFactory(admin_in=["4601"])
    ).token
    values = {"number": "4601", "token_id": str(bergen_token.pk)}
    tracer_in = ["4601"] if persona == "admin_oslo_tracer_bergen" else []
    client = staff_client(admin_in=["0301"], tracer_in=tracer_in)
    changes = MunicipalityStatusChange.objects.count()
    audited = 0
    for route, name, _ in ROUTES:
        parameters = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not parameters:
            continue
        assert set(parameters) <= set(values), f"unaudited route parameter in {route}"
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
        answered_404 = False
        for method in ("get", "post"):
            response = getattr(client, method)(
                path, {"selvregistrering": "on", "label": "Inntrenger"}
            )
            assert response.status_code in (404, 405), f"{method} {name}: {response.status_code}"
            assert "Bergen" not in response.content.decode()
            answered_404 |= response.status_code == 404
        assert answered_404, f"{name} never checked the municipality"
        audited += 1
    assert audited >= 4
    bergen = Municipality.objects.get(number="4601")
    assert (bergen.is_customer, bergen.selfreg_enabled) == (True, False)
    assert MunicipalityStatusChange.objects.count() == changes
    assert list(ApiToken.objects.values_list("pk", "revoked_at")) == [(bergen_token.pk, None)]
