"""A municipality's contact details for citizens: its home page address («Nettside») and phone
number («Telefon»), as the administrator types them and as they are stored and shown.

Stored forms: an https address, and a Norwegian number as "+47" and eight digits. Whatever the
administrator types is read leniently (spaces, dashes, "0047", a missing "https://"), and what
cannot be right is refused with a message for the field.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

WEBSITE_MAX_LENGTH = 200
_PHONE_SEPARATORS = re.compile(r"[\s().-]")
# Norwegian numbers have eight digits; those starting with 0 or 1 are not subscriber numbers.
_NATIONAL = re.compile(r"^[2-9][0-9]{7}$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_validate_https = URLValidator(schemes=["https"])


def website_normalize(value: str) -> str:
    """The address to store ("" for none): https only, with "https://" added when left out."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _SCHEME.match(value):
        value = f"https://{value}"
    elif not value.lower().startswith("https://"):
        raise ValidationError(
            _("Adressen må begynne med https://, for eksempel https://www.kommune.no."),
            code="not_https",
        )
    if len(value) > WEBSITE_MAX_LENGTH:
        raise ValidationError(
            _("Adressen kan ha høyst %(max)s tegn.") % {"max": WEBSITE_MAX_LENGTH},
            code="too_long",
        )
    try:
        _validate_https(value)
    except ValidationError:
        raise ValidationError(
            _("Skriv en gyldig nettadresse, for eksempel https://www.kommune.no."),
            code="invalid_website",
        ) from None
    return value


def phone_normalize(value: str) -> str:
    """The number to store ("" for none): "+47" and eight digits."""
    digits = _PHONE_SEPARATORS.sub("", value or "")
    if not digits:
        return ""
    for prefix in ("+47", "0047"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8:
            digits = digits[len(prefix) :]
            break
    if not _NATIONAL.match(digits):
        raise ValidationError(
            _("Skriv et norsk telefonnummer med 8 sifre, for eksempel 21 80 21 80."),
            code="invalid_phone",
        )
    return f"+47{digits}"


def phone_display(stored: str) -> str:
    """A stored number as Norwegians write it: mobile numbers 3-2-3 (912 34 567), others in
    pairs (21 80 21 80)."""
    if not stored.startswith("+47") or len(stored) != 11:
        return stored
    digits = stored[3:]
    if digits[0] in "49":
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
