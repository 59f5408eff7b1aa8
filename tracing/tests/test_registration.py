"""The registration's one definition (tracing.registration): every way in has its fields, the
models store them, and the rules on single fields hold for every channel."""

import datetime

import pytest

from api.schemas import IndexCreateIn
from selfreg.forms import RegistrationForm
from tracing.forms import IndexRegisterForm
from tracing.models import Index, Person
from tracing.registration import (
    ANSWER_FIELDS,
    CHANNEL_INPUT,
    PERSON_FIELDS,
    Channel,
    registration_clean,
    registration_errors,
)

TODAY = datetime.date(2021, 12, 21)


def test_the_models_store_every_field():
    assert set(ANSWER_FIELDS) <= {f.name for f in Index._meta.concrete_fields}
    assert set(PERSON_FIELDS) <= {f.name for f in Person._meta.concrete_fields}


def test_the_citizen_form_has_exactly_the_citizen_fields():
    form = RegistrationForm(is_child=False, today=TODAY, household_rows=0)
    assert set(form.fields) == set(CHANNEL_INPUT[Channel.CITIZEN])


def test_each_household_row_of_the_citizen_form_has_exactly_the_household_fields():
    form = RegistrationForm(is_child=False, today=TODAY, household_rows=2)
    for row in (0, 1):
        prefix = f"nk{row}_"
        row_fields = {name.removeprefix(prefix) for name in form.fields if name.startswith(prefix)}
        assert row_fields == set(CHANNEL_INPUT[Channel.HOUSEHOLD])


def test_the_back_office_form_has_the_staff_fields():
    form = IndexRegisterForm(municipalities=[])
    assert set(form.fields) - {"submission_id", "kommune"} == set(CHANNEL_INPUT[Channel.STAFF])


def test_the_api_schema_has_exactly_the_api_fields():
    assert set(IndexCreateIn.model_fields) - {"submission_id"} == set(CHANNEL_INPUT[Channel.API])


PERSON = {"fnr": "12848506018", "first_name": "Kari", "last_name": "Nordmann"}


@pytest.mark.parametrize(
    "name",
    [
        "Ka\x00ri",
        "Kari\x1b[31m",  # ESC
        "Kari\r\nNordmann",
        "Kari\u202e",  # right-to-left override
        "Ka\u2066ri\u2069",  # isolate
        "Ka\u200bri",  # zero-width space
        "Ka\u200dri",  # zero-width joiner
        "Ka\ufeffri",  # byte order mark
    ],
    ids=["nul", "esc", "crlf", "bidi-override", "bidi-isolate", "zwsp", "zwj", "bom"],
)
@pytest.mark.parametrize("channel", [Channel.API, Channel.BULK])
def test_a_name_with_control_or_invisible_characters_is_refused(name, channel):
    [error] = registration_errors({**PERSON, "first_name": name}, today=TODAY, channel=channel)
    assert (error.field, error.code) == ("first_name", "invalid_character")


def test_free_text_may_have_line_breaks_and_emoji_but_no_controls():
    described = {"infection_place_description": "På bussen\r\nog toget 👨\u200d👩\u200d👧"}
    assert registration_errors(described, today=TODAY, channel=Channel.STAFF) == []
    for bad in ("a\x00b", "a\x1bb", "a\u202eb"):
        values = {"infection_place_description": bad}
        [error] = registration_errors(values, today=TODAY, channel=Channel.STAFF)
        assert error.code == "invalid_character"


def test_names_keep_norwegian_and_other_letters():
    values = {**PERSON, "first_name": "Åse-Marie", "last_name": "Ødegård O'Brien Nguyễn"}
    assert registration_errors(values, today=TODAY, channel=Channel.API) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("fnr", "12345678901", "invalid_fnr"),
        ("phone", "ring meg", "invalid_phone"),
        ("phone", "1234567", "invalid_phone"),
        ("postal_code", "155", "invalid_postal_code"),
        ("email", "ikke-en-adresse", "invalid_email"),
        ("birth_date", datetime.date(1899, 12, 31), "date_too_early"),
        ("birth_date", TODAY + datetime.timedelta(days=1), "future"),
        ("first_name", "  ", "required"),
        ("last_name", "x" * 101, "too_long"),
    ],
)
def test_person_fields_of_the_api(field, value, code):
    [error] = registration_errors({**PERSON, field: value}, today=TODAY, channel=Channel.API)
    assert (error.field, error.code) == (field, code)
    assert error.message


def test_clean_strips_texts_and_phone_separators():
    cleaned = registration_clean({"first_name": "  Kari ", "phone": " +47 912-34 567 "})
    assert cleaned == {"first_name": "Kari", "phone": "+4791234567"}
