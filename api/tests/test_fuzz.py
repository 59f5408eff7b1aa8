"""S8: the API's JSON bodies fuzzed with Hypothesis's nasty text (NUL and control characters,
10 000-character strings, impossible dates) in every field, on top of a valid body, next to
Schemathesis (test_schemathesis.py), which generates from the OpenAPI document: never a 5xx,
and a refused body (4xx) writes no data."""

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import IndexFactory, new_fnr
from tests.fuzz import FUZZ, check, data_counts, form_data, nasty_date, nasty_fnr, nasty_text

pytestmark = pytest.mark.django_db

TEXT_FIELDS = [
    "first_name",
    "middle_name",
    "last_name",
    "street_address",
    "postal_code",
    "post_town",
    "phone",
    "email",
    "workplace_or_school",
    "infection_place_description",
]
DATE_FIELDS = ["birth_date", "test_date_from", "test_date_to", "symptom_onset_from"]
_days = itertools.count()


@pytest.fixture
def oslo(api_client, settings):
    settings.RATE_LIMIT_ENABLED = False
    return api_client("0301")


def _valid_body() -> dict:
    birth_date = datetime.date(1950, 1, 1) + datetime.timedelta(days=next(_days))
    return {
        "fnr": new_fnr(birth_date),
        "first_name": "Kari",
        "last_name": "Nordmann",
        "test_date_from": datetime.date.today().isoformat(),
    }


@FUZZ
@given(
    changes=form_data(
        {
            **dict.fromkeys(TEXT_FIELDS, nasty_text),
            **dict.fromkeys(DATE_FIELDS, nasty_date),
            "fnr": nasty_fnr,
            "submission_id": nasty_text,
            "infection_place": nasty_text,
            "risk_group": nasty_text,
            "no_symptoms": st.sampled_from([True, False, "ja", None, 0]),
        }
    )
)
def test_s8_api_register_index(oslo, changes):
    before = data_counts()
    response = oslo.post_json("/api/v1/indexes", {**_valid_body(), **changes})
    check(response, before, success=(200, 201))


@FUZZ
@given(body=form_data({"title": nasty_text, "text": nasty_text}))
def test_s8_api_note(oslo, body):
    index = IndexFactory(person__municipality_id="0301")
    before = data_counts()
    check(oslo.post_json(f"/api/v1/indexes/{index.pk}/notes", body), before, success=(200, 201))


@pytest.mark.parametrize("field", ["first_name", "street_address", "email"])
def test_s8_api_nul_in_text_is_422(oslo, field):
    """Found by S8 on PostgreSQL: a NUL character in a text field reached the database and
    failed there (500). Refused with 422 now, on every database."""
    before = data_counts()
    response = oslo.post_json("/api/v1/indexes", {**_valid_body(), field: "Ka\x00ri"})
    assert response.status_code == 422
    assert data_counts() == before
    index = IndexFactory(person__municipality_id="0301")
    note = oslo.post_json(f"/api/v1/indexes/{index.pk}/notes", {"text": "a\x00b"})
    assert note.status_code == 422
