"""Folkeregisteret's data for a person the tracer names by fødselsnummer (B-3)."""

from municipalities.selectors import postal_place
from registers.interfaces import get_folkeregister
from tracing.registration import PersonDetails


def person_details_lookup(*, fnr: str) -> PersonDetails | None:
    """The person as tracing records them, or None if Folkeregisteret has no such person.

    Raises registers.types.RegisterError when the register cannot answer; the caller tells the
    tracer to try again (never a 500).
    """
    found = get_folkeregister().person(fnr)
    if found is None:
        return None
    address = found.address
    return PersonDetails(
        fnr=found.fnr,
        first_name=found.first_name,
        middle_name=found.middle_name,
        last_name=found.last_name,
        birth_date=found.birth_date,
        street_address=address.street_line if address else "",
        postal_code=address.postal_code if address else "",
        post_town=postal_place(code=address.postal_code) if address else "",
    )
