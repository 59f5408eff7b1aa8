"""A-4: the 357 municipalities in force from 2024-01-01, former numbers, postal codes."""

import pytest

from municipalities.models import FormerMunicipalityNumber, Municipality, PostalCode
from municipalities.reference_data import load_reference_data

pytestmark = pytest.mark.django_db


def test_all_357_municipalities_of_2024_are_loaded_by_the_migration():
    assert Municipality.objects.count() == 357
    assert Municipality.objects.get(number="0301").name == "Oslo"
    assert Municipality.objects.get(number="5001").name == "Trondheim - Tråante"
    assert Municipality.objects.get(number="5001").name_norwegian == "Trondheim"
    assert Municipality.objects.get(number="1580").name == "Haram"


def test_no_municipality_starts_as_a_customer():
    assert not Municipality.objects.filter(is_customer=True).exists()


def test_postal_codes_are_loaded():
    assert PostalCode.objects.count() == 5122
    assert PostalCode.objects.get(code="7010").place == "TRONDHEIM"


def test_former_numbers_map_to_2024_municipalities():
    assert (
        FormerMunicipalityNumber.objects.filter(old_number="3001").get().municipality_id == "3101"
    )
    assert set(
        FormerMunicipalityNumber.objects.filter(old_number="1507").values_list(
            "municipality_id", flat=True
        )
    ) == {"1508", "1580"}


def test_loading_again_adds_nothing():
    load_reference_data()
    assert Municipality.objects.count() == 357
    assert PostalCode.objects.count() == 5122
    assert FormerMunicipalityNumber.objects.count() == 497
