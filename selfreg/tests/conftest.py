import pytest

from selfreg.tests.portal import selfreg_on
from tests.factories import SyntheticKrrEntryFactory, SyntheticPersonFactory


@pytest.fixture
def parent(db):
    """A citizen in the synthetic Folkeregister at Storgata 1, 0155 Oslo, with a KRR entry."""
    person = SyntheticPersonFactory(first_name="Kari", middle_name="", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=person, phone="+4791234567", email="kari@example.no")
    return person


@pytest.fixture
def oslo_takes_selfreg(db):
    """Oslo is a customer with self-registration on (A-1), as most portal tests need."""
    selfreg_on("0301")
