"""C-2 list order and A-4 number lookup."""

import pytest

from municipalities.models import Municipality
from municipalities.reference_data import load_reference_data
from municipalities.selectors import (
    forget_municipality_choices,
    municipality_choices,
    municipality_list,
    municipality_lookup_number,
    norwegian_sort_key,
    postal_place,
)

pytestmark = pytest.mark.django_db


def test_list_has_every_municipality_in_norwegian_order():
    names = [m.name_norwegian for m in municipality_list()]
    assert len(names) == 357
    assert names == sorted(names, key=norwegian_sort_key)
    # Æ, Ø, Å come after Z, in that order.
    assert names.index("Øygarden") < names.index("Ål") < names.index("Åsnes")
    assert names.index("Vågå") < names.index("Øygarden")


def test_current_number():
    lookup = municipality_lookup_number(number="0301")
    assert lookup.is_current and lookup.municipality.name == "Oslo"


def test_a4_number_from_2020_2023_names_its_single_successor():
    lookup = municipality_lookup_number(number="3001")
    assert not lookup.is_current
    assert lookup.is_former
    assert lookup.former_name == "Halden"
    assert lookup.single_successor.number == "3101"


def test_a4_split_number_names_every_successor():
    lookup = municipality_lookup_number(number="1507")
    assert lookup.single_successor is None
    assert {m.number for m in lookup.successors} == {"1508", "1580"}


def test_a4_number_abolished_before_2020_resolves_through_the_chain():
    lookup = municipality_lookup_number(number="0101")
    assert lookup.former_name == "Halden"
    assert lookup.single_successor.number == "3101"


@pytest.mark.parametrize("number", ["9999", "", "abcd", "03011"])
def test_unknown_number(number):
    lookup = municipality_lookup_number(number=number)
    assert not lookup.is_current and not lookup.is_former


def test_postal_place():
    assert postal_place(code="0155") == "OSLO"
    assert postal_place(code="0000") == ""


def test_choices_are_the_list_as_number_and_name_read_once(django_assert_num_queries):
    forget_municipality_choices()
    with django_assert_num_queries(1):
        choices = municipality_choices()
    assert choices == tuple((m.number, m.name) for m in municipality_list())
    with django_assert_num_queries(0):  # reference data: once per process
        assert municipality_choices() == choices


def test_choices_are_forgotten_when_a_municipality_is_saved_or_reference_data_loads(
    django_assert_num_queries,
):
    municipality_choices()
    oslo = Municipality.objects.get(number="0301")
    oslo.name = "Oslo kommune"
    oslo.save()
    assert ("0301", "Oslo kommune") in municipality_choices()
    Municipality.objects.filter(number="0301").update(name="Oslo")  # no signal ...
    load_reference_data()  # ... but a reference-data load forgets too
    with django_assert_num_queries(1):
        assert ("0301", "Oslo") in municipality_choices()
