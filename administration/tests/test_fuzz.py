"""S8: the administration's forms fuzzed with Hypothesis — the self-registration switch, a new
API token's name, and the municipality number in the URL: never a 5xx, and a refused form
changes nothing."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from municipalities.services import municipality_set_status
from tests.fuzz import FUZZ, check, data_counts, nasty_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff_client):
    municipality_set_status(number="0301", is_customer=True, source="command")
    return staff_client(admin_in=["0301"])


@FUZZ
@given(choice=nasty_text | st.sampled_from(["on", "off"]))
def test_s8_selfreg_switch(admin, choice):
    before = data_counts()
    response = admin.post("/forvaltning/0301/selvregistrering/", {"selvregistrering": choice})
    # The switch answers with a redirect back to the page, or (switching off) with the page
    # that asks first; a bad choice, or the question, changes nothing.
    assert response.status_code in ((200, 302) if choice == "off" else (302,))
    if choice not in ("on", "off") or response.status_code == 200:
        assert data_counts() == before


@FUZZ
@given(label=nasty_text)
def test_s8_api_token_name(admin, label):
    before = data_counts()
    check(admin.post("/forvaltning/0301/api-nokler/", {"label": label}), before, success=(302,))


@FUZZ
@given(number=nasty_text, token_id=st.integers(min_value=0, max_value=2**70))
def test_s8_numbers_in_the_url(admin, number, token_id):
    before = data_counts()
    for path in (
        f"/forvaltning/{quote(number, safe='')}/",
        f"/forvaltning/0301/api-nokler/{token_id}/tilbakekall/",
    ):
        check(admin.get(path), before, success=(200,))
        check(admin.post(path, {"label": "x", "selvregistrering": "on"}), before, success=(200,))
