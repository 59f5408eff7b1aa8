"""The citizen's pages are the same HTML with the project's form renderer as with Django's
widget templates (core.form_renderer), with and without errors."""

import re

import pytest
from django.test import override_settings

from selfreg.tests.portal import FORM, START, choose, valid_form, who_url
from tests.factories import synthetic_child_of, years_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

DJANGO_RENDERER = "django.forms.renderers.DjangoTemplates"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page(client, method: str, path: str, data=None) -> str:
    response = client.post(path, data) if method == "POST" else client.get(path)
    return TOKEN.sub("csrf", response.content.decode())


def both(client, method: str, path: str, data=None) -> tuple[str, str]:
    ours = page(client, method, path, data)
    with override_settings(FORM_RENDERER=DJANGO_RENDERER):
        djangos = page(client, method, path, data)
    return ours, djangos


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", f"{START}?kommunenummer=4601", None),
        ("POST", START, {"kommunenummer": "nei"}),
        ("GET", who_url(), None),
        ("POST", who_url(), {"hvem": "forfalsket"}),
    ],
)
def test_choose_and_who_pages_are_unchanged(citizen_client, parent, method, path, data):
    synthetic_child_of(parent, birth_date=years_ago(7))
    ours, djangos = both(citizen_client(parent.fnr), method, path, data)
    assert ours == djangos


@pytest.mark.parametrize(
    "data",
    [None, valid_form(test_date_from="", phone="12", infection_place="nei", risk_group="")],
    ids=["empty", "with errors"],
)
def test_the_registration_form_is_unchanged(citizen_client, parent, data):
    client = citizen_client(parent.fnr)
    choose(client)
    ours, djangos = both(client, "POST" if data else "GET", FORM, data)
    assert 'type="date"' in ours
    assert ours == djangos
