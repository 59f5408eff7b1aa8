"""HTTP client for Digdir's Kontakt- og reservasjonsregisteret (KRR), used for C-6's prefill.

`POST {base_url}/rest/v1/personer` with `{"personidentifikatorer": [fnr]}` answers
`{"personer": [{"personidentifikator", "reservasjon", "status", "kontaktinformasjon"}]}`.
The number goes in the body, never in the URL.

Decisions where the API leaves room:
- Only status AKTIV is an entry. SLETTET and IKKE_REGISTRERT carry no contact information by
  Digdir's definition, so they answer None, as does a person missing from the list.
- A reserved person (reservasjon JA) is still returned, with `reserved=True` and whatever
  contact information KRR gives; whether to prefill is the portal's decision (C-6), as with
  the synthetic register.
- An AKTIV person without `kontaktinformasjon`, or without one of its fields, has empty
  strings there: partly filled is allowed (C-6).
"""

from registers.http import AccessToken, RegisterHttpClient, looks_like_fnr
from registers.types import ContactInfo

ACTIVE = "AKTIV"
KNOWN_STATUSES = {ACTIVE, "SLETTET", "IKKE_REGISTRERT"}
RESERVATION = {"JA": True, "NEI": False}


class HttpKrr:
    """The Krr interface over HTTP; errors as the RegisterError family."""

    def __init__(self, *, base_url: str, access_token: AccessToken, timeout: float):
        self._client = RegisterHttpClient(
            name="KRR", base_url=base_url, access_token=access_token, timeout=timeout
        )

    def contact_info(self, fnr: str) -> ContactInfo | None:
        if not looks_like_fnr(fnr):
            return None  # not a number KRR could have; never sent
        response = self._client.send(
            "POST", "/rest/v1/personer", json={"personidentifikatorer": [fnr]}
        )
        body = self._client.json_object(response)
        persons = body.get("personer")
        if not isinstance(persons, list) or not all(isinstance(p, dict) for p in persons):
            self._client.invalid("personer is not a list of objects")
        entry = next((p for p in persons if p.get("personidentifikator") == fnr), None)
        if entry is None:
            return None
        status = entry.get("status")
        if status not in KNOWN_STATUSES:
            self._client.invalid("unknown status")
        if status != ACTIVE:
            return None
        if entry.get("reservasjon") not in RESERVATION:
            self._client.invalid("reservasjon is neither JA nor NEI")
        contact = entry.get("kontaktinformasjon") or {}
        if not isinstance(contact, dict):
            self._client.invalid("kontaktinformasjon is not an object")
        return ContactInfo(
            phone=self._text(contact, "mobiltelefonnummer"),
            email=self._text(contact, "epostadresse"),
            reserved=RESERVATION[entry["reservasjon"]],
        )

    def _text(self, contact: dict, key: str) -> str:
        value = contact.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self._client.invalid(f"{key} is not a string")
        return value
