"""The synthetic register in the database: the default implementation of both interfaces."""

from registers.models import SyntheticKrrEntry, SyntheticPerson
from registers.types import Address, ContactInfo, RegisterPerson


def _to_register_person(row: SyntheticPerson) -> RegisterPerson:
    address = None
    if row.has_address:
        address = Address(
            street_name=row.street_name,
            house_number=row.house_number,
            house_letter=row.house_letter,
            unit_number=row.unit_number,
            postal_code=row.postal_code,
            municipality_number=row.municipality_number,
        )
    return RegisterPerson(
        fnr=row.fnr,
        first_name=row.first_name,
        middle_name=row.middle_name,
        last_name=row.last_name,
        birth_date=row.birth_date,
        address=address,
    )


class SyntheticFolkeregister:
    def person(self, fnr: str) -> RegisterPerson | None:
        row = SyntheticPerson.objects.filter(fnr=fnr).first()
        return _to_register_person(row) if row else None

    def children(self, fnr: str) -> list[RegisterPerson]:
        rows = SyntheticPerson.objects.filter(parentages__parent_fnr=fnr).order_by(
            "birth_date", "fnr"
        )
        return [_to_register_person(row) for row in rows]


class SyntheticKrr:
    def contact_info(self, fnr: str) -> ContactInfo | None:
        entry = SyntheticKrrEntry.objects.filter(person_id=fnr).first()
        if entry is None:
            return None
        return ContactInfo(phone=entry.phone, email=entry.email, reserved=entry.reserved)
