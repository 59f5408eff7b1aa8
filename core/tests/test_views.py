"""The front page leads a newcomer to the citizen portal and the staff login."""

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_links_to_the_portal_and_the_staff_login(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/innlogget/smitte-selvregistrering/hjemmetest"' in body
    assert 'href="/smittesporing/logg-inn/"' in body
    assert response["Cache-Control"] == "no-store"


def test_front_page_takes_no_post(client):
    assert client.post("/").status_code == 405
