"""S8: the staff login and the access-log search fuzzed with Hypothesis: never a 5xx, and a
refused form writes nothing but its log (a failed login is counted, on purpose)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import StaffFactory
from tests.fuzz import FUZZ, check, data_counts, form_data, nasty_fnr, nasty_text

pytestmark = pytest.mark.django_db

PASSWORD = "et langt og trygt passord 42"
LOGIN = "/smittesporing/logg-inn/"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMIT_ENABLED = False  # S9 has its own tests; here every post must arrive


@pytest.fixture
def kari(db):
    return StaffFactory(username="kari.fuzz", password=PASSWORD, tracer_in=["0301"])


@FUZZ
@given(
    data=form_data(
        {
            "username": nasty_text | st.just("kari.fuzz"),
            "password": nasty_text | st.just(PASSWORD),
            "next": nasty_text,
        }
    )
)
def test_s8_staff_login(client, kari, data):
    before = data_counts()
    response = client.post(LOGIN, data)
    check(response, before)
    assert response.status_code in (302, 400)
    assert client.get(LOGIN, {"next": data.get("next", "")}).status_code < 500
    client.logout()


@FUZZ
@given(fnr=nasty_fnr, page=nasty_text)
def test_s8_access_log_search_and_export(staff_client, fnr, page):
    client = staff_client(admin_in=["0301"])
    assert client.get("/smittesporing/tilgangslogg/", {"side": page}).status_code == 200
    before = data_counts()
    check(client.post("/smittesporing/tilgangslogg/", {"fnr": fnr}), before, success=(200,))
    check(client.post("/smittesporing/tilgangslogg/eksport/", {"fnr": fnr}), before, success=(200,))
