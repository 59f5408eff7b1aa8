"""The contact details a citizen turned away is given: a municipality's home page («Nettside»,
https only) and phone number («Telefon», Norwegian), read leniently and stored in one form."""

import pytest
from django.core.exceptions import ValidationError

from municipalities.contact import phone_display, phone_normalize, website_normalize


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://www.oslo.kommune.no", "https://www.oslo.kommune.no"),
        ("  https://www.oslo.kommune.no/smittevern/  ", "https://www.oslo.kommune.no/smittevern/"),
        ("www.bergen.kommune.no", "https://www.bergen.kommune.no"),
        ("HTTPS://trondheim.kommune.no", "HTTPS://trondheim.kommune.no"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_website_is_stored_as_an_https_address(typed, stored):
    assert website_normalize(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("http://www.oslo.kommune.no", "not_https"),
        ("javascript://alert(1)", "not_https"),
        ("ftp://oslo.kommune.no", "not_https"),
        ("oslo kommune", "invalid_website"),
        ("https://", "invalid_website"),
        ("https://" + "a" * 200 + ".no", "too_long"),
    ],
)
def test_a_website_that_is_not_a_safe_https_address_is_refused(typed, code):
    with pytest.raises(ValidationError) as raised:
        website_normalize(typed)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("21802180", "+4721802180"),
        ("21 80 21 80", "+4721802180"),
        ("+47 21 80 21 80", "+4721802180"),
        ("0047 912-34-567", "+4791234567"),
        ("(+47) 73 83 00 00", "+4773830000"),
        ("", ""),
    ],
)
def test_a_norwegian_phone_number_is_stored_with_the_country_code(typed, stored):
    assert phone_normalize(typed) == stored


@pytest.mark.parametrize(
    "typed", ["1234567", "123456789", "01234567", "12345678", "+46 21802180", "21 80 21 8O", "113"]
)
def test_a_number_that_is_not_a_norwegian_eight_digit_number_is_refused(typed):
    with pytest.raises(ValidationError) as raised:
        phone_normalize(typed)
    assert raised.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+4721802180", "21 80 21 80"), ("+4791234567", "912 34 567"), ("", "")],
)
def test_a_stored_number_is_shown_as_norwegians_write_it(stored, shown):
    assert phone_display(stored) == shown
