"""C-7 as a table: the citizen's answers through the one registration definition
(tracing.registration), channel CITIZEN."""

import dataclasses
import datetime

import pytest

from tracing.registration import Answers, Channel, registration_errors

TODAY = datetime.date(2021, 12, 21)


def days(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


VALID = Answers(
    test_date_from=days(1),
    no_symptoms=True,
    infection_place="household",
    risk_group="no",
)


def with_(**changes) -> Answers:
    return dataclasses.replace(VALID, **changes)


ANSWERS = [
    # (case, answers, expected [(field, code)])
    ("valid: test yesterday, no symptoms", VALID, []),
    ("valid: test today", with_(test_date_from=TODAY), []),
    ("valid: test exactly 14 days ago", with_(test_date_from=days(14)), []),
    (
        "test 15 days ago is too old",
        with_(test_date_from=days(15)),
        [("test_date_from", "test_too_old")],
    ),
    (
        "test date in the future",
        with_(test_date_from=TODAY + datetime.timedelta(days=1)),
        [("test_date_from", "future")],
    ),
    ("valid: test period", with_(test_date_from=days(3), test_date_to=days(1)), []),
    ("valid: one-day period", with_(test_date_from=days(3), test_date_to=days(3)), []),
    (
        "test period end before start",
        with_(test_date_from=days(3), test_date_to=days(4)),
        [("test_date_to", "end_before_start")],
    ),
    (
        "test period end in the future",
        with_(test_date_to=TODAY + datetime.timedelta(days=1)),
        [("test_date_to", "future")],
    ),
    (
        "test period end without start",
        with_(test_date_from=None, test_date_to=days(1)),
        [("test_date_from", "required")],
    ),
    ("test date missing", with_(test_date_from=None), [("test_date_from", "required")]),
    ("valid: symptoms before the test", with_(no_symptoms=False, symptom_onset_from=days(5)), []),
    (
        "valid: symptoms after the test, up to today",
        with_(no_symptoms=False, symptom_onset_from=TODAY),
        [],
    ),
    (
        "symptom onset in the future",
        with_(no_symptoms=False, symptom_onset_from=TODAY + datetime.timedelta(days=1)),
        [("symptom_onset_from", "future")],
    ),
    (
        "valid: symptom period",
        with_(no_symptoms=False, symptom_onset_from=days(5), symptom_onset_to=days(2)),
        [],
    ),
    (
        "symptom period end before start",
        with_(no_symptoms=False, symptom_onset_from=days(2), symptom_onset_to=days(5)),
        [("symptom_onset_to", "end_before_start")],
    ),
    (
        "symptom period end in the future",
        with_(
            no_symptoms=False,
            symptom_onset_from=days(2),
            symptom_onset_to=TODAY + datetime.timedelta(days=2),
        ),
        [("symptom_onset_to", "future")],
    ),
    (
        "symptom end without start",
        with_(no_symptoms=False, symptom_onset_to=days(2)),
        [("symptom_onset_from", "end_without_start")],
    ),
    (
        "neither symptom date nor no symptoms",
        with_(no_symptoms=False),
        [("symptom_onset_from", "symptoms_missing")],
    ),
    (
        "both symptom date and no symptoms",
        with_(symptom_onset_from=days(2)),
        [("symptom_onset_from", "symptoms_and_none")],
    ),
    ("infection place missing", with_(infection_place=""), [("infection_place", "required")]),
    (
        "'Annet' without description",
        with_(infection_place="other"),
        [("infection_place_description", "description_required")],
    ),
    (
        "'Annet' with blank description",
        with_(infection_place="other", infection_place_description="  "),
        [("infection_place_description", "description_required")],
    ),
    (
        "valid: 'Annet' described",
        with_(infection_place="other", infection_place_description="På bussen"),
        [],
    ),
    ("risk group missing", with_(risk_group=""), [("risk_group", "required")]),
    ("valid: workplace empty", with_(workplace_or_school=""), []),
    (
        "everything missing: every required field, once each",
        Answers(),
        [
            ("test_date_from", "required"),
            ("symptom_onset_from", "symptoms_missing"),
            ("infection_place", "required"),
            ("risk_group", "required"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("answers", "expected"), [row[1:] for row in ANSWERS], ids=[row[0] for row in ANSWERS]
)
def test_c7_answers_errors(answers, expected):
    errors = registration_errors(answers, today=TODAY, channel=Channel.CITIZEN)
    assert [(e.field, e.code) for e in errors] == expected
    assert all(e.message for e in errors)


def test_c7_too_old_message_says_why_and_from_when():
    [error] = registration_errors(
        with_(test_date_from=days(15)), today=TODAY, channel=Channel.CITIZEN
    )
    assert "14 dager" in error.message
    assert "07.12.2021" in error.message


def test_c7_field_with_own_error_gets_no_second_message():
    errors = registration_errors(
        with_(test_date_from=None),
        today=TODAY,
        channel=Channel.CITIZEN,
        already=frozenset({"test_date_from"}),
    )
    assert errors == []
