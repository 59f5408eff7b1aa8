"""HTTP client for Skatteetaten's Folkeregisteret (rettighetspakke "offentlig med hjemmel").

`GET {base_url}/personer/{fnr}?part=...` answers the person document. Each element list
(`navn`, `foedsel`, `bostedsadresse`, `familierelasjon`) may carry history; only entries with
`erGjeldende` true count. Each call asks only for the parts it needs (Skatteetaten's
dataminimering: without `part` the answer is "person-basis", which has no `familierelasjon`).
The answer becomes our frozen dataclasses; raw JSON never leaves this module.
"""

import datetime

from registers.http import AccessToken, RegisterHttpClient, looks_like_fnr
from registers.types import Address, RegisterPerson

PERSON_PARTS = [("part", "navn"), ("part", "foedsel"), ("part", "bostedsadresse")]
RELATION_PARTS = [("part", "familierelasjon")]
CHILD_ROLE = "barn"


class HttpFolkeregister:
    """The Folkeregister interface over HTTP; errors as the RegisterError family."""

    def __init__(self, *, base_url: str, access_token: AccessToken, timeout: float):
        self._client = RegisterHttpClient(
            name="Folkeregisteret", base_url=base_url, access_token=access_token, timeout=timeout
        )

    def person(self, fnr: str) -> RegisterPerson | None:
        document = self._document(fnr, PERSON_PARTS)
        return None if document is None else self._to_person(fnr, document)

    def children(self, fnr: str) -> list[RegisterPerson]:
        """All current children (C-4's age and address filter is the portal's), oldest first.

        A child the register no longer has (404) is left out rather than failing the list.
        """
        document = self._document(fnr, RELATION_PARTS)
        if document is None:
            return []
        children = []
        for child_fnr in self._child_numbers(document):
            child = self.person(child_fnr)
            if child is not None:
                children.append(child)
        return sorted(children, key=lambda child: (child.birth_date, child.fnr))

    def _document(self, fnr: str, parts: list[tuple[str, str]]) -> dict | None:
        if not looks_like_fnr(fnr):
            return None  # not a number the register could have; never sent
        response = self._client.send("GET", f"/personer/{fnr}", params=parts)
        if response.status_code == 404:
            return None
        return self._client.json_object(response)

    def _child_numbers(self, document: dict) -> list[str]:
        numbers: list[str] = []
        for relation in self._current_entries(document, "familierelasjon"):
            if relation.get("relatertPersonsRolle") != CHILD_ROLE:
                continue
            number = relation.get("relatertPersonsIdentifikasjonsnummer")
            if number is None:
                continue  # a child without Norwegian number cannot be registered here
            if not looks_like_fnr(number):
                self._client.invalid("familierelasjon has a malformed identifikasjonsnummer")
            if number not in numbers:
                numbers.append(number)
        return numbers

    def _to_person(self, fnr: str, document: dict) -> RegisterPerson:
        name = self._current(document, "navn")
        birth = self._current(document, "foedsel")
        if name is None or birth is None:
            self._client.invalid("no current navn or foedsel")
        return RegisterPerson(
            fnr=fnr,
            first_name=self._text(name, "fornavn", required=True),
            middle_name=self._text(name, "mellomnavn"),
            last_name=self._text(name, "etternavn", required=True),
            birth_date=self._date(birth, "foedselsdato"),
            address=self._address(self._current(document, "bostedsadresse")),
        )

    def _address(self, entry: dict | None) -> Address | None:
        """Only a vegadresse is an address C-4 can compare; matrikkeladresse, ukjentBosted or
        none at all count as no known address (no children offered, nothing prefilled)."""
        road = entry.get("vegadresse") if entry else None
        if road is None:
            return None
        if not isinstance(road, dict):
            self._client.invalid("vegadresse is not an object")
        number = self._object(road, "adressenummer")
        post = self._object(road, "poststed")
        return Address(
            street_name=self._text(road, "adressenavn", required=True),
            house_number=self._text(number, "husnummer"),
            house_letter=self._text(number, "husbokstav"),
            unit_number=self._text(road, "bruksenhetsnummer"),
            postal_code=self._text(post, "postnummer", required=True),
            municipality_number=self._text(road, "kommunenummer", required=True),
        )

    def _current_entries(self, document: dict, key: str) -> list[dict]:
        entries = document.get(key) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self._client.invalid(f"{key} is not a list of objects")
        return [entry for entry in entries if entry.get("erGjeldende") is True]

    def _current(self, document: dict, key: str) -> dict | None:
        entries = self._current_entries(document, key)
        return entries[0] if entries else None

    def _object(self, parent: dict, key: str) -> dict:
        value = parent.get(key) or {}
        if not isinstance(value, dict):
            self._client.invalid(f"{key} is not an object")
        return value

    def _text(self, parent: dict, key: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self._client.invalid(f"{key} is missing")
            return ""
        if not isinstance(value, str):
            self._client.invalid(f"{key} is not a string")
        return value

    def _date(self, parent: dict, key: str) -> datetime.date:
        value = self._text(parent, key, required=True)
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self._client.invalid(f"{key} is not a date")
