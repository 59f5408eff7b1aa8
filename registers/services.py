"""Writes to the synthetic register: loading the file of O-2.

Other apps read the registers only through registers.interfaces; this is for operators, test
environments and the demo data (manage.py load_register).
"""

import logging

from django.conf import settings
from django.db import transaction

from registers.loading import PersonEntry, RegisterLoadError, parse_register_file
from registers.models import SyntheticKrrEntry, SyntheticParentage, SyntheticPerson

__all__ = ["RegisterLoadError", "register_load"]

logger = logging.getLogger(__name__)
DELETE_BATCH = 500  # keeps each IN (...) well under SQLite's bound-parameter limit


def register_load(*, data: dict) -> int:
    """Load the persons of an O-2 file; returns how many were loaded.

    Everything is checked first (RegisterLoadError lists every problem, nothing is written).
    Then, in one transaction, each person with the same fødselsnummer is replaced: their
    address, their parents (`foreldre`) and their KRR entry go with them; others are added.
    Parent-child relations are stored once, from the child's `foreldre`, and read both ways; a
    parent need not be in the file or in the register. A replaced parent keeps their children.
    """
    entries = parse_register_file(data, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR)
    with transaction.atomic():
        _write(entries)
    logger.info("Loaded %d synthetic persons into the local register", len(entries))
    return len(entries)


def _write(entries: list[PersonEntry]) -> None:
    numbers = [entry.fnr for entry in entries]
    for start in range(0, len(numbers), DELETE_BATCH):
        # Cascades to the person's parentages (as a child) and KRR entry.
        SyntheticPerson.objects.filter(fnr__in=numbers[start : start + DELETE_BATCH]).delete()
    persons = SyntheticPerson.objects.bulk_create([_person_row(entry) for entry in entries])
    by_fnr = {person.fnr: person for person in persons}
    SyntheticParentage.objects.bulk_create(
        SyntheticParentage(parent_fnr=parent, child=by_fnr[entry.fnr])
        for entry in entries
        for parent in entry.parents
    )
    SyntheticKrrEntry.objects.bulk_create(
        SyntheticKrrEntry(
            person=by_fnr[entry.fnr],
            phone=entry.contact.phone,
            email=entry.contact.email,
            reserved=entry.contact.reserved,
        )
        for entry in entries
        if entry.contact is not None
    )


def _person_row(entry: PersonEntry) -> SyntheticPerson:
    address = entry.address
    return SyntheticPerson(
        fnr=entry.fnr,
        first_name=entry.first_name,
        middle_name=entry.middle_name,
        last_name=entry.last_name,
        birth_date=entry.birth_date,
        has_address=address is not None,
        street_name=address.street_name if address else "",
        house_number=address.house_number if address else "",
        house_letter=address.house_letter if address else "",
        unit_number=address.unit_number if address else "",
        postal_code=address.postal_code if address else "",
        municipality_number=address.municipality_number if address else "",
    )
