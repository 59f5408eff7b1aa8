"""Writes to municipalities: customer status and the self-registration switch (A-1), and the
contact details shown to citizens the portal turns away."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from municipalities.contact import phone_normalize, website_normalize
from municipalities.models import Municipality, MunicipalityContactChange, MunicipalityStatusChange


class MunicipalityError(Exception):
    """A change to a municipality that the rules do not allow; the message is for the user."""


@transaction.atomic
def municipality_set_status(
    *,
    number: str,
    is_customer: bool | None = None,
    selfreg_enabled: bool | None = None,
    changed_by: AbstractBaseUser | None = None,
    source: str,
) -> Municipality:
    """Set customer status and/or the self-registration switch, and log the change.

    A-1: only a customer can have self-registration on; a municipality that stops being a
    customer has it switched off.
    """
    municipality = Municipality.objects.select_for_update().filter(number=number).first()
    if municipality is None:
        raise MunicipalityError(gettext("Ukjent kommunenummer: %(number)s") % {"number": number})
    new_customer = municipality.is_customer if is_customer is None else is_customer
    new_selfreg = municipality.selfreg_enabled if selfreg_enabled is None else selfreg_enabled
    if not new_customer:
        if selfreg_enabled:
            raise MunicipalityError(
                gettext("%(name)s er ikke kunde og kan ikke ta i bruk selvregistrering.")
                % {"name": municipality.name}
            )
        new_selfreg = False
    if (new_customer, new_selfreg) == (municipality.is_customer, municipality.selfreg_enabled):
        return municipality
    municipality.is_customer = new_customer
    municipality.selfreg_enabled = new_selfreg
    municipality.save(update_fields=["is_customer", "selfreg_enabled"])
    MunicipalityStatusChange.objects.create(
        municipality=municipality,
        changed_by=changed_by,
        source=source,
        is_customer=new_customer,
        selfreg_enabled=new_selfreg,
    )
    return municipality


class MunicipalityContactError(MunicipalityError):
    """Contact details that cannot be right: `errors` maps "website"/"phone" to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def municipality_set_contact(
    *,
    number: str,
    website: str,
    phone: str,
    changed_by: AbstractBaseUser | None = None,
    source: str,
) -> Municipality:
    """Set the home page address and phone number shown to citizens ("" clears one), and log
    the change with who made it. Both are checked here whoever calls; nothing is saved unless
    both are right, and an unchanged pair is not logged again."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value, normalize in (
        ("website", website, website_normalize),
        ("phone", phone, phone_normalize),
    ):
        try:
            values[field] = normalize(value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise MunicipalityContactError(errors)
    municipality = Municipality.objects.select_for_update().filter(number=number).first()
    if municipality is None:
        raise MunicipalityError(gettext("Ukjent kommunenummer: %(number)s") % {"number": number})
    if (municipality.website, municipality.phone) == (values["website"], values["phone"]):
        return municipality
    municipality.website, municipality.phone = values["website"], values["phone"]
    municipality.save(update_fields=["website", "phone"])
    MunicipalityContactChange.objects.create(
        municipality=municipality, changed_by=changed_by, source=source, **values
    )
    return municipality
