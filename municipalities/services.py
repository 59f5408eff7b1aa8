"""Writes to municipalities: customer status and the self-registration switch (A-1)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext

from municipalities.models import Municipality, MunicipalityStatusChange


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
