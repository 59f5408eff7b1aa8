"""Unique synthetic fødselsnumre without random retries (demo/population_register.py)."""

import datetime

import pytest

from demo.population_register import DateExhausted, FnrSequence, synthetic_number
from registers.identity import fnr_birth_date, is_valid_fnr

DAY = datetime.date(1980, 5, 17)


def test_a_birth_date_gives_about_410_unique_valid_numbers_then_runs_out():
    sequence = FnrSequence(seed=3)
    numbers = []
    with pytest.raises(DateExhausted):
        while True:
            numbers.append(sequence.take(DAY))
    assert 380 < len(numbers) < 440
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_fnr(n, allow_synthetic=True) for n in numbers)
    assert {fnr_birth_date(n, allow_synthetic=True) for n in numbers} == {DAY}


def test_take_near_moves_to_an_earlier_day_when_a_date_is_used_up():
    sequence = FnrSequence(seed=0)
    days = {sequence.take_near(DAY)[1] for _ in range(600)}
    assert days == {DAY, DAY - datetime.timedelta(days=1)}


def test_children_born_this_century_get_individual_numbers_500_to_999():
    number = FnrSequence(seed=0).take(datetime.date(2015, 1, 2))
    assert int(number[6:9]) >= 500
    assert fnr_birth_date(number, allow_synthetic=True) == datetime.date(2015, 1, 2)


def test_no_number_where_a_check_digit_would_be_10():
    results = [synthetic_number(DAY, individual) for individual in range(500)]
    assert None in results
    assert all(r is None or is_valid_fnr(r, allow_synthetic=True) for r in results)
