"""A-1: only customers can switch self-registration on; every switch is logged. The contact
details shown to citizens are checked and logged the same way."""

import pytest

from municipalities.models import Municipality, MunicipalityContactChange, MunicipalityStatusChange
from municipalities.services import (
    MunicipalityContactError,
    MunicipalityError,
    municipality_set_contact,
    municipality_set_status,
)

pytestmark = pytest.mark.django_db


def test_customer_switches_selfreg_on_and_off_and_each_switch_is_logged():
    municipality_set_status(number="0301", is_customer=True, source="command")
    municipality_set_status(number="0301", selfreg_enabled=True, source="command")
    assert Municipality.objects.get(number="0301").accepts_selfreg
    municipality_set_status(number="0301", selfreg_enabled=False, source="command")
    assert not Municipality.objects.get(number="0301").accepts_selfreg
    changes = list(MunicipalityStatusChange.objects.filter(municipality_id="0301").order_by("id"))
    assert [(c.is_customer, c.selfreg_enabled) for c in changes] == [
        (True, False),
        (True, True),
        (True, False),
    ]


def test_non_customer_cannot_switch_selfreg_on():
    with pytest.raises(MunicipalityError):
        municipality_set_status(number="0301", selfreg_enabled=True, source="command")
    assert not Municipality.objects.get(number="0301").selfreg_enabled
    assert not MunicipalityStatusChange.objects.exists()


def test_ending_the_customer_relation_switches_selfreg_off():
    municipality_set_status(number="4601", is_customer=True, selfreg_enabled=True, source="command")
    municipality_set_status(number="4601", is_customer=False, source="command")
    municipality = Municipality.objects.get(number="4601")
    assert (municipality.is_customer, municipality.selfreg_enabled) == (False, False)


def test_unchanged_status_is_not_logged_again():
    municipality_set_status(number="0301", is_customer=True, source="command")
    municipality_set_status(number="0301", is_customer=True, source="command")
    assert MunicipalityStatusChange.objects.count() == 1


def test_unknown_number_is_refused():
    with pytest.raises(MunicipalityError):
        municipality_set_status(number="3001", is_customer=True, source="command")


# --- contact details shown to citizens -------------------------------------------------------


def test_contact_details_are_stored_normalised_and_each_change_is_logged():
    municipality_set_contact(
        number="0301", website="www.oslo.kommune.no", phone="21 80 21 80", source="command"
    )
    municipality_set_contact(
        number="0301", website="www.oslo.kommune.no", phone="21 80 21 80", source="command"
    )
    municipality_set_contact(number="0301", website="", phone="21 80 21 80", source="command")
    oslo = Municipality.objects.get(number="0301")
    assert (oslo.website, oslo.phone, oslo.phone_display) == ("", "+4721802180", "21 80 21 80")
    changes = MunicipalityContactChange.objects.filter(municipality_id="0301").order_by("id")
    assert [(c.website, c.phone) for c in changes] == [
        ("https://www.oslo.kommune.no", "+4721802180"),
        ("", "+4721802180"),
    ]


def test_wrong_contact_details_change_nothing_and_name_each_field():
    with pytest.raises(MunicipalityContactError) as raised:
        municipality_set_contact(
            number="0301", website="http://oslo.kommune.no", phone="123", source="command"
        )
    assert sorted(raised.value.errors) == ["phone", "website"]
    with pytest.raises(MunicipalityContactError) as raised:
        municipality_set_contact(
            number="0301", website="https://www.oslo.kommune.no", phone="123", source="command"
        )
    assert list(raised.value.errors) == ["phone"]
    oslo = Municipality.objects.get(number="0301")
    assert (oslo.website, oslo.phone) == ("", "")
    assert not MunicipalityContactChange.objects.exists()


def test_contact_details_of_an_unknown_number_are_refused():
    with pytest.raises(MunicipalityError):
        municipality_set_contact(number="3001", website="", phone="", source="command")
