"""The API's `detail` is for a person to read, so it follows Accept-Language like the pages
(bokmål by default); `code` and `rule` are for machines and stay as they are."""

import pytest

from api.tests.conftest import ApiClient
from tests.factories import IndexFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("", "Mangler eller ugyldig API-nøkkel."),
        ("nn", "API-nøkkel manglar eller er ugyldig."),
        ("en", "Missing or invalid API key."),
    ],
)
def test_401_detail_follows_accept_language(language, detail):
    headers = {"Accept-Language": language} if language else {}
    response = ApiClient(None).get("/api/v1/indexes", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": detail}


def test_404_and_409_details_in_english(api_client):
    client = api_client("0301")
    english = {"Accept-Language": "en"}
    assert client.get("/api/v1/indexes/999999", headers=english).json() == {"detail": "Not found."}
    index = IndexFactory()
    client.post_json(f"/api/v1/indexes/{index.pk}/close")
    again = client.post_json(f"/api/v1/indexes/{index.pk}/close", headers=english)
    assert again.status_code == 409
    assert again.json() == {"detail": "The index case is already closed."}


def test_already_registered_keeps_code_and_rule_in_any_language(api_client):
    client = api_client("0301")
    active = IndexFactory()
    response = client.post_json(
        "/api/v1/indexes",
        {"fnr": active.fnr, "first_name": "Kari", "last_name": "Nordmann",
         "test_date_from": active.opened_at.date().isoformat()},
        headers={"Accept-Language": "nn"},
    )  # fmt: skip
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "allerede_registrert"
    assert body["rule"].startswith("D-")
    assert body["detail"].startswith("Personen er allereie registrert og under oppfølging")
