"""S8: the test identity provider's login form and token endpoint fuzzed with Hypothesis:
never a 5xx, and a refused request issues no code."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from testidp.tests.test_views import authorize_params, basic
from tests.fuzz import FUZZ, check, data_counts, form_data, nasty_fnr, nasty_text

pytestmark = pytest.mark.django_db

AUTHORIZE_FIELDS = dict.fromkeys(
    (
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "acr_values",
    ),
    nasty_text,
)


@pytest.fixture(autouse=True)
def _client_config(settings):
    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    settings.OIDC_CLIENT_SECRET = "dev-client-secret"


@FUZZ
@given(fnr=nasty_fnr, cancel=st.booleans())
def test_s8_login_form_fnr(client, fnr, cancel):
    data = authorize_params() | {"fnr": fnr} | ({"cancel": "1"} if cancel else {})
    before = data_counts()
    check(client.post(reverse("testidp:authorize"), data), before)


@FUZZ
@given(tampered=form_data(AUTHORIZE_FIELDS), fnr=nasty_fnr)
def test_s8_login_form_hidden_fields(client, tampered, fnr):
    before = data_counts()
    response = client.post(
        reverse("testidp:authorize"), authorize_params() | tampered | {"fnr": fnr}
    )
    check(response, before)
    get = client.get(reverse("testidp:authorize"), authorize_params() | tampered)
    assert get.status_code < 500


@FUZZ
@given(
    data=form_data(
        dict.fromkeys(
            ("grant_type", "code", "redirect_uri", "code_verifier", "client_id"), nasty_text
        )
    ),
    authorization=st.sampled_from(["", basic(), "Basic", "Basic !!!", "Bearer x"]) | nasty_text,
)
def test_s8_token_endpoint(client, data, authorization):
    headers = {"Authorization": authorization} if authorization.isprintable() else {}
    response = client.post(reverse("testidp:token"), data, headers=headers)
    assert response.status_code in (400, 401)
