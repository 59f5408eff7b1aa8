"""Fødselsnummer and d-nummer: checksum, birth date, and synthetic numbers for test data.

Check digits come from python-stdnum. Skatteetaten's synthetic test persons have month + 80
(C-1); they are accepted only where `allow_synthetic` is true (outside production).
"""

import datetime
import random

from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2


class InvalidFnr(ValueError):
    pass


def _century(year2: int, individual: int) -> int | None:
    if individual < 500:
        return 1900
    if individual < 750 and year2 >= 54:
        return 1800
    if individual < 1000 and year2 < 40:
        return 2000
    if 900 <= individual < 1000 and year2 >= 40:
        return 1900
    return None


def fnr_birth_date(value: str, *, allow_synthetic: bool) -> datetime.date:
    """The birth date in a fødselsnummer or d-nummer; raises InvalidFnr for anything else."""
    if not isinstance(value, str) or len(value) != 11 or not value.isascii() or not value.isdigit():
        raise InvalidFnr("must be 11 digits")
    if calc_check_digit1(value[:9]) != value[9] or calc_check_digit2(value[:10]) != value[10]:
        raise InvalidFnr("wrong check digits")
    day, month, year2, individual = (
        int(value[0:2]),
        int(value[2:4]),
        int(value[4:6]),
        int(value[6:9]),
    )
    if day > 40:  # d-nummer
        day -= 40
    if allow_synthetic and month > 80:
        month -= 80
    century = _century(year2, individual)
    if century is None:
        raise InvalidFnr("no century for these individual digits")
    try:
        return datetime.date(century + year2, month, day)
    except ValueError as exc:
        raise InvalidFnr("no such date") from exc


def is_valid_fnr(value: str, *, allow_synthetic: bool | None = None) -> bool:
    if allow_synthetic is None:
        from django.conf import settings

        allow_synthetic = settings.ALLOW_SYNTHETIC_FNR
    try:
        fnr_birth_date(value, allow_synthetic=allow_synthetic)
    except InvalidFnr:
        return False
    return True


def synthetic_fnr(birth_date: datetime.date, rng: random.Random) -> str:
    """A checksum-valid synthetic number (month + 80) for `birth_date`: never a real person's."""
    year = birth_date.year
    if 1900 <= year < 2000:
        low, high = 0, 499
    elif 2000 <= year < 2040:
        low, high = 500, 999
    else:
        raise ValueError("synthetic numbers are made for births 1900-2039")
    while True:
        individual = rng.randint(low, high)
        base = f"{birth_date.day:02d}{birth_date.month + 80:02d}{year % 100:02d}{individual:03d}"
        k1 = calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = calc_check_digit2(base + k1)
        if k2 == "10":
            continue
        return base + k1 + k2


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
