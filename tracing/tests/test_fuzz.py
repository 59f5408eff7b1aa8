"""S8: the back office's forms fuzzed with Hypothesis — note, close contact, next follow-up,
register an index, worklist filters (POST and query string), column chooser, CSV export, bulk
actions and the search by fødselsnummer: never
a 5xx, and a refused form writes no data (its access-log entry is written, on purpose)."""

import datetime
import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import IndexFactory, SyntheticPersonFactory
from tests.fuzz import FUZZ, check, data_counts, form_data, nasty_date, nasty_fnr, nasty_text
from tracing.models import Index

pytestmark = pytest.mark.django_db

WORKLISTS = ["i-dag", "selvregistrerte"]
FILTER_FIELDS = {
    "kommune": nasty_text | st.sampled_from(["0301", "4601"]),
    "status": nasty_text | st.sampled_from(["active", "closed"]),
    "selvregistrert": nasty_text | st.sampled_from(["ja", "nei"]),
    "fra": nasty_date,
    "til": nasty_date,
    "navn": nasty_text,
    "sorter": nasty_text | st.sampled_from(["navn", "opprettet", "provedato"]),
    "retning": nasty_text | st.sampled_from(["stigende", "synkende"]),
    "antall": nasty_text | st.sampled_from(["25", "50", "100"]),
    "side": nasty_text | st.integers(-5, 10**12).map(str),
    "navnesok": nasty_text,
    "duplikat": nasty_text | st.just("ja"),
}


_days = itertools.count()


@pytest.fixture
def tracer(staff_client):
    return staff_client(tracer_in=["0301", "4601"])


@pytest.fixture
def index(db):
    return IndexFactory(person__municipality_id="0301")


def _url(index, action=""):
    return f"/smittesporing/indeks/{index.pk}/{action + '/' if action else ''}"


@FUZZ
@given(data=form_data({"title": nasty_text, "text": nasty_text}))
def test_s8_note(tracer, index, data):
    before = data_counts()
    check(tracer.post(_url(index, "notat"), data), before)


@FUZZ
@given(data=form_data({"fnr": nasty_fnr, "last_contact_on": nasty_date}))
def test_s8_close_contact(tracer, index, data):
    before = data_counts()
    check(tracer.post(_url(index, "naerkontakt"), data), before)


@FUZZ
@given(data=form_data({"follow_up_on": nasty_date}))
def test_s8_next_follow_up(tracer, index, data):
    before = data_counts()
    check(tracer.post(_url(index, "oppfolging"), data), before)


@FUZZ
@given(
    data=form_data(
        {
            "submission_id": nasty_text | st.uuids().map(str),
            "fnr": nasty_fnr,
            "kommune": nasty_text | st.sampled_from(["0301", "4601", "3001"]),
            "test_date_from": nasty_date,
            "test_date_to": nasty_date,
            "no_symptoms": nasty_text,
            "symptom_onset_from": nasty_date,
            "symptom_onset_to": nasty_date,
            "workplace_or_school": nasty_text,
            "infection_place": nasty_text | st.sampled_from(["household", "other"]),
            "infection_place_description": nasty_text,
            "risk_group": nasty_text | st.sampled_from(["yes", "no"]),
            "phone": nasty_text,
            "email": nasty_text,
        }
    ),
    known_person=st.booleans(),
)
def test_s8_register_index(tracer, data, known_person):
    if known_person:  # a number Folkeregisteret knows, so that validation is all that refuses
        birth_date = datetime.date(1950, 1, 1) + datetime.timedelta(days=next(_days))
        person = SyntheticPersonFactory(birth_date=birth_date)
        data = {**data, "fnr": person.fnr, "submission_id": str(uuid.uuid4())}
    before = data_counts()
    check(tracer.post("/smittesporing/indeks/ny/", data), before)


@FUZZ
@given(data=form_data(FILTER_FIELDS), worklist=st.sampled_from(WORKLISTS) | nasty_text)
def test_s8_worklist_filters(tracer, index, data, worklist):
    path = f"/smittesporing/arbeidsliste/{worklist}/"
    before = data_counts()
    for response in (
        tracer.get(path, data),
        tracer.post(path, data),
        tracer.get(f"{path}eksport/", data),
    ):
        check(response, before, success=(200, 302))
    assert data_counts() == before


@FUZZ
@given(
    columns=st.lists(nasty_text | st.sampled_from(["navn", "telefon", "selvregistrert"])),
    neste=nasty_text,
)
def test_s8_column_chooser(tracer, columns, neste):
    response = tracer.post(
        "/smittesporing/arbeidsliste/i-dag/kolonner/", {"kolonner": columns, "neste": neste}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/smittesporing/arbeidsliste/i-dag/")


@FUZZ
@given(
    data=form_data(
        {
            "valgt": nasty_text | st.integers(-5, 2**64).map(str),
            "handling": nasty_text | st.sampled_from(["avslutt", "oppfolging"]),
            "oppfolging": nasty_date,
            "neste": nasty_text,
            "bekreft": nasty_text | st.just("ja"),
            "plan": nasty_text,
        }
    )
)
def test_s8_bulk_action(tracer, index, data):
    """Whatever is posted: no 5xx, and nothing changes without a signed confirmation."""
    before = data_counts()
    response = tracer.post("/smittesporing/arbeidsliste/i-dag/valgte/", data)
    check(response, before, success=())
    assert Index.objects.get(pk=index.pk).status == Index.Status.ACTIVE


@FUZZ
@given(data=form_data({"fnr": nasty_fnr}))
def test_s8_fnr_search(tracer, index, data):
    before = data_counts()
    check(tracer.post("/smittesporing/arbeidsliste/i-dag/finn/", data), before, success=(200,))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "31.12.9999"])
def test_s8_worklist_filter_with_a_date_at_the_end_of_time(tracer, index, day):
    """Found by S8: "til" 9999-12-31 overflowed (a 500); now the field says what is wrong."""
    for field in ("fra", "til"):
        response = tracer.post("/smittesporing/arbeidsliste/i-dag/", {field: day})
        assert response.status_code == 400
        assert "Datoen må være mellom 1900 og 2999" in response.content.decode()
        assert tracer.get("/smittesporing/arbeidsliste/i-dag/", {field: day}).status_code == 200
