"""S8: the citizen portal's forms fuzzed with Hypothesis — "Velg kommune", who, the
registration form, and the query strings the pages read: never a 5xx, and a refused form
writes nothing."""

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfreg.tests.portal import FORM, START, WHO, choose, selfreg_on
from tests.factories import SyntheticKrrEntryFactory, SyntheticPersonFactory
from tests.fuzz import FUZZ, check, data_counts, form_data, nasty_date, nasty_text

pytestmark = pytest.mark.django_db

REGISTRATION_FIELDS = {
    "phone": nasty_text,
    "email": nasty_text,
    "workplace_or_school": nasty_text,
    "test_date_from": nasty_date,
    "test_date_to": nasty_date,
    "no_symptoms": st.sampled_from(["on", "1", "true", "\x00", ""]) | nasty_text,
    "symptom_onset_from": nasty_date,
    "symptom_onset_to": nasty_date,
    "infection_place": st.sampled_from(["household", "other", "unknown"]) | nasty_text,
    "infection_place_description": nasty_text,
    "risk_group": st.sampled_from(["yes", "no", "unknown"]) | nasty_text,
}


@pytest.fixture(autouse=True)
def _setup(db, settings):
    settings.RATE_LIMIT_ENABLED = False  # many posts from one client: not what S8 is about
    selfreg_on("0301")


_days = itertools.count()


def _citizen(citizen_client):
    # A birth date of its own: one date has only a few hundred synthetic numbers.
    birth_date = datetime.date(1960, 1, 1) + datetime.timedelta(days=next(_days))
    person = SyntheticPersonFactory(birth_date=birth_date)
    SyntheticKrrEntryFactory(person=person)
    return citizen_client(person.fnr)


@FUZZ
@given(number=nasty_text | st.from_regex(r"\A[0-9]{4}\Z"))
def test_s8_velg_kommune(citizen_client, number):
    client = _citizen(citizen_client)
    assert client.get(START, {"kommunenummer": number}).status_code == 200
    before = data_counts()
    check(client.post(START, {"kommunenummer": number}), before)


@FUZZ
@given(hvem=nasty_text, number=nasty_text | st.sampled_from(["0301", "4601", "3001"]))
def test_s8_who(citizen_client, hvem, number):
    client = _citizen(citizen_client)
    check(client.get(WHO, {"kommunenummer": number}), data_counts(), success=(200, 302))
    before = data_counts()
    response = client.post(f"{WHO}?kommunenummer=0301", {"hvem": hvem})
    check(response, before)


@FUZZ
@given(data=form_data(REGISTRATION_FIELDS))
def test_s8_registration_form(citizen_client, data):
    client = _citizen(citizen_client)
    assert choose(client).status_code == 302
    before = data_counts()
    response = client.post(FORM, data)
    check(response, before)
    if response.status_code == 302:  # accepted: one registration, nothing else
        assert data_counts()["tracing.Index"] == before["tracing.Index"] + 1


def test_s8_who_with_a_huge_number_goes_back_to_choose(citizen_client):
    """Found by S8: a 10 000-character kommunenummer was carried into the redirect, which
    Django refused (DisallowedRedirect, logged as an error). Only the first characters are
    carried back now."""
    client = _citizen(citizen_client)
    response = client.get(WHO, {"kommunenummer": "9" * 10_000})
    assert response.status_code == 302
    assert response.url.startswith(START) and len(response.url) < 200


HOUSEHOLD_FIELDS = {
    "nk_antall": st.sampled_from(["0", "1", "2", "20", "21", "-1", "999999999999"]) | nasty_text,
    "nk0_first_name": nasty_text,
    "nk0_last_name": nasty_text,
    "nk0_phone": nasty_text | st.from_regex(r"\A\+?[0-9 ]{8,15}\Z"),
    "nk0_birth_date": nasty_date,
    "nk1_first_name": nasty_text,
    "nk1_phone": nasty_text,
    "nk_husstand": nasty_text,
    "nk_fjern": nasty_text | st.sampled_from(["1", "2", "0"]),
    "nk_legg_til": st.sampled_from(["1", ""]),
}


@FUZZ
@given(data=form_data(HOUSEHOLD_FIELDS))
def test_s8_household_section(citizen_client, data):
    """«Nærkontakter i husstanden» with a form that is otherwise valid: never a 5xx; refused,
    added to or removed from, nothing is written; accepted, one index and at most two
    household contacts (the two rows posted)."""
    from selfreg.tests.portal import valid_form

    client = _citizen(citizen_client)
    assert choose(client).status_code == 302
    before = data_counts()
    response = client.post(FORM, {**valid_form(), **data})
    check(response, before)
    if response.status_code == 302:
        assert "nk_legg_til" not in data and "nk_fjern" not in data
        after = data_counts()
        assert after["tracing.Index"] == before["tracing.Index"] + 1
        assert after["tracing.CloseContact"] - before["tracing.CloseContact"] <= 2
