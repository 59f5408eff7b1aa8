"""One contract, run against both implementations of each register interface.

The synthetic register (in the database) stands in for the real registers outside production,
so it must answer exactly as the HTTP clients do against Folkeregisteret and KRR (here the
fake server of fake_servers.py, holding the same persons). C-4: the interface returns every
child; the age and address filter is the portal's.

The HTTP clients run end to end as in production: built by `get_folkeregister()`/`get_krr()`
from the settings, they get their tokens from the test IdP's Maskinporten endpoint on
live_server (a grant signed with the organisation's key, verified there), and the fake
registers accept only those tokens: signed by the test IdP (its JWKS over HTTP), from its
Maskinporten issuer, unexpired, with the scope of the API asked.
"""

import logging
import time

import pytest
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from registers import maskinporten
from registers.folkeregister import HttpFolkeregister
from registers.interfaces import get_folkeregister, get_krr
from registers.krr import HttpKrr
from registers.synthetic import SyntheticFolkeregister, SyntheticKrr
from registers.tests.fake_servers import FREG_PREFIX, KRR_PREFIX
from registers.types import MaskinportenRefused, RegisterInvalidResponse, RegisterPerson
from testidp.models import UsedAssertion
from tests.factories import (
    AddressFactory,
    ContactInfoFactory,
    RegisterPersonFactory,
    SyntheticKrrEntryFactory,
    SyntheticParentageFactory,
    SyntheticPersonFactory,
    new_fnr,
    years_ago,
)


class SyntheticBackend:
    def __init__(self):
        self.folkeregister = SyntheticFolkeregister()
        self.krr = SyntheticKrr()

    def add(self, person: RegisterPerson, *, parents=(), contact=None) -> None:
        a = person.address
        row = SyntheticPersonFactory(
            fnr=person.fnr,
            first_name=person.first_name,
            middle_name=person.middle_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            has_address=a is not None,
            street_name=a.street_name if a else "",
            house_number=a.house_number if a else "",
            house_letter=a.house_letter if a else "",
            unit_number=a.unit_number if a else "",
            postal_code=a.postal_code if a else "",
            municipality_number=a.municipality_number if a else "",
        )
        for parent in parents:
            SyntheticParentageFactory(parent_fnr=parent, child=row)
        if contact is not None:
            SyntheticKrrEntryFactory(
                person=row, phone=contact.phone, email=contact.email, reserved=contact.reserved
            )


class HttpBackend:
    def __init__(self, server, *, live_server, settings, organisation_key):
        self.server = server
        issuer = f"{live_server.url}/testidp/maskinporten/"
        settings.REGISTER_BACKEND = "http"
        settings.FOLKEREGISTER_URL = server.folkeregister_url
        settings.KRR_URL = server.krr_url
        settings.MASKINPORTEN_AUDIENCE = issuer
        settings.MASKINPORTEN_TOKEN_URL = issuer + "token"
        settings.MASKINPORTEN_CLIENT_ID = "smittesporing-contract"
        settings.MASKINPORTEN_KID = organisation_key.kid
        settings.MASKINPORTEN_KEY = organisation_key.as_pem(private=True).decode()
        settings.MASKINPORTEN_KEY_FILE = ""
        maskinporten.client_cache_clear()
        jwks = requests.get(f"{live_server.url}/testidp/jwks", timeout=10).json()
        server.authorized = _maskinporten_token_check(
            KeySet.import_key_set(jwks),
            issuer=issuer,
            scopes={FREG_PREFIX: settings.FOLKEREGISTER_SCOPE, KRR_PREFIX: settings.KRR_SCOPE},
        )
        self.folkeregister = get_folkeregister()
        self.krr = get_krr()
        assert isinstance(self.folkeregister, HttpFolkeregister)
        assert isinstance(self.krr, HttpKrr)

    def add(self, person: RegisterPerson, *, parents=(), contact=None) -> None:
        self.server.add_person(person, parents=tuple(parents))
        if contact is not None:
            self.server.add_contact(person.fnr, contact)


def _maskinporten_token_check(key_set: KeySet, *, issuer: str, scopes: dict[str, str]):
    """What an API behind Maskinporten checks: the token's signature, issuer, expiry and scope."""

    def authorized(authorization: str, path: str) -> bool:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return False
        try:
            claims = jwt.decode(token, key_set, algorithms=["RS256"]).claims
        except (JoseError, ValueError):
            return False
        needed = next(scope for prefix, scope in scopes.items() if path.startswith(prefix))
        return (
            claims.get("iss") == issuer
            and claims.get("exp", 0) > time.time()
            and needed in str(claims.get("scope", "")).split()
        )

    return authorized


@pytest.fixture(
    params=["synthetic", pytest.param("http", marks=pytest.mark.django_db(transaction=True))]
)
def backend(request, db):
    if request.param == "synthetic":
        return SyntheticBackend()
    made = HttpBackend(
        request.getfixturevalue("fake_registers"),
        live_server=request.getfixturevalue("live_server"),
        settings=request.getfixturevalue("settings"),
        organisation_key=request.getfixturevalue("organisation_key"),
    )
    request.addfinalizer(maskinporten.client_cache_clear)
    return made


# --- Folkeregisteret: person ---


def test_person_found_with_name_birth_date_and_address(backend):
    person = RegisterPersonFactory(address=AddressFactory(house_letter="B", unit_number="H0203"))
    backend.add(person)

    assert backend.folkeregister.person(person.fnr) == person


def test_person_not_in_register_is_none(backend):
    backend.add(RegisterPersonFactory())

    assert backend.folkeregister.person(new_fnr()) is None


def test_malformed_number_is_none(backend):
    assert backend.folkeregister.person("../personer") is None


def test_person_without_address_has_address_none(backend):
    person = RegisterPersonFactory(address=None)
    backend.add(person)

    assert backend.folkeregister.person(person.fnr).address is None


def test_middle_name_is_kept_and_in_full_name(backend):
    person = RegisterPersonFactory(first_name="Kari", middle_name="Marie", last_name="Nordmann")
    backend.add(person)

    found = backend.folkeregister.person(person.fnr)

    assert found.middle_name == "Marie"
    assert found.full_name == "Kari Marie Nordmann"


def test_address_without_house_letter_or_unit_has_empty_strings(backend):
    person = RegisterPersonFactory(address=AddressFactory(house_letter="", unit_number=""))
    backend.add(person)

    address = backend.folkeregister.person(person.fnr).address

    assert (address.house_letter, address.unit_number) == ("", "")


# --- Folkeregisteret: children (C-4) ---


def test_children_are_all_children_of_any_age_and_address_oldest_first(backend):
    home = AddressFactory()
    parent = RegisterPersonFactory(address=home)
    young = RegisterPersonFactory(birth_date=years_ago(8), address=home)
    elsewhere = RegisterPersonFactory(
        birth_date=years_ago(10), address=AddressFactory(street_name="Lillegata")
    )
    sixteen = RegisterPersonFactory(birth_date=years_ago(16), address=home)
    other_parent = RegisterPersonFactory(address=home)
    not_theirs = RegisterPersonFactory(birth_date=years_ago(5), address=home)
    for person in (parent, other_parent):
        backend.add(person)
    for child in (young, elsewhere, sixteen):
        backend.add(child, parents=(parent.fnr,))
    backend.add(not_theirs, parents=(other_parent.fnr,))

    assert backend.folkeregister.children(parent.fnr) == [sixteen, elsewhere, young]


def test_child_of_two_parents_is_child_of_each(backend):
    mother, father = RegisterPersonFactory(), RegisterPersonFactory()
    child = RegisterPersonFactory(birth_date=years_ago(3))
    backend.add(mother)
    backend.add(father)
    backend.add(child, parents=(mother.fnr, father.fnr))

    assert backend.folkeregister.children(mother.fnr) == [child]
    assert backend.folkeregister.children(father.fnr) == [child]


def test_child_without_address_is_still_a_child(backend):
    parent = RegisterPersonFactory()
    child = RegisterPersonFactory(birth_date=years_ago(2), address=None)
    backend.add(parent)
    backend.add(child, parents=(parent.fnr,))

    assert backend.folkeregister.children(parent.fnr) == [child]


def test_person_without_children_has_none(backend):
    person = RegisterPersonFactory()
    backend.add(person)

    assert backend.folkeregister.children(person.fnr) == []


def test_children_of_unknown_person_is_empty(backend):
    assert backend.folkeregister.children(new_fnr()) == []


def test_a_child_has_no_children_through_its_parents(backend):
    parent = RegisterPersonFactory()
    child = RegisterPersonFactory(birth_date=years_ago(7))
    backend.add(parent)
    backend.add(child, parents=(parent.fnr,))

    assert backend.folkeregister.children(child.fnr) == []


# --- KRR (C-6) ---


def test_krr_entry_present(backend):
    person = RegisterPersonFactory()
    contact = ContactInfoFactory(phone="+4791234567", email="kari@example.no")
    backend.add(person, contact=contact)

    assert backend.krr.contact_info(person.fnr) == contact


def test_krr_person_not_in_krr_is_none(backend):
    person = RegisterPersonFactory()
    backend.add(person)

    assert backend.krr.contact_info(person.fnr) is None


def test_krr_reserved_person_is_returned_marked_reserved(backend):
    person = RegisterPersonFactory()
    contact = ContactInfoFactory(reserved=True)
    backend.add(person, contact=contact)

    found = backend.krr.contact_info(person.fnr)

    assert found.reserved is True
    assert found == contact


def test_krr_entry_with_email_only_has_empty_phone(backend):
    person = RegisterPersonFactory()
    backend.add(person, contact=ContactInfoFactory(phone="", email="bare@example.no"))

    found = backend.krr.contact_info(person.fnr)

    assert (found.phone, found.email) == ("", "bare@example.no")


def test_krr_malformed_number_is_none(backend):
    assert backend.krr.contact_info("1234") is None


# --- HTTP only: the tokens behind the contract ---


@pytest.fixture
def http_backend(request, live_server, fake_registers, settings, organisation_key):
    backend = HttpBackend(
        fake_registers,
        live_server=live_server,
        settings=settings,
        organisation_key=organisation_key,
    )
    yield backend
    maskinporten.client_cache_clear()


def test_one_maskinporten_grant_per_register_serves_many_calls(http_backend):
    person = RegisterPersonFactory()
    http_backend.add(person, contact=ContactInfoFactory())

    for _ in range(3):
        assert http_backend.folkeregister.person(person.fnr) == person
        assert http_backend.krr.contact_info(person.fnr) is not None
        http_backend.folkeregister, http_backend.krr = get_folkeregister(), get_krr()

    assert UsedAssertion.objects.count() == 2  # one grant per scope, each verified by the IdP
    tokens = {r["headers"]["Authorization"] for r in http_backend.server.requests}
    assert len(tokens) == 2


def test_a_token_for_the_wrong_scope_is_refused_by_the_register(http_backend, settings):
    person = RegisterPersonFactory()
    http_backend.add(person)
    settings.FOLKEREGISTER_SCOPE = settings.KRR_SCOPE  # asks Maskinporten for KRR's scope

    with pytest.raises(RegisterInvalidResponse):
        get_folkeregister().person(person.fnr)
    assert http_backend.server.requests[-1]["headers"]["Authorization"].startswith("Bearer ey")


def test_a_grant_the_idp_refuses_is_a_register_error(http_backend, settings):
    settings.MASKINPORTEN_AUDIENCE = "https://test.maskinporten.no/"  # not the test IdP
    maskinporten.client_cache_clear()

    with pytest.raises(MaskinportenRefused) as raised:
        get_krr().contact_info(new_fnr())
    assert raised.value.error == "invalid_grant"
    assert http_backend.server.requests == []  # no register call without a token


def test_a_revoked_token_is_replaced_by_a_new_grant(http_backend):
    person = RegisterPersonFactory()
    http_backend.add(person)
    assert http_backend.folkeregister.person(person.fnr) == person
    revoked = http_backend.server.requests[-1]["headers"]["Authorization"]
    accepts = http_backend.server.authorized
    http_backend.server.authorized = lambda auth, path: auth != revoked and accepts(auth, path)

    assert get_folkeregister().person(person.fnr) == person

    assert UsedAssertion.objects.count() == 2  # a second grant, verified by the IdP
    assert http_backend.server.requests[-1]["headers"]["Authorization"] != revoked


def test_no_access_token_in_any_log(http_backend, caplog):
    caplog.set_level(logging.DEBUG)
    person = RegisterPersonFactory()
    http_backend.add(person, contact=ContactInfoFactory())

    http_backend.folkeregister.person(person.fnr)
    http_backend.krr.contact_info(person.fnr)

    tokens = {r["headers"]["Authorization"].split()[1] for r in http_backend.server.requests}
    assert len(tokens) == 2
    assert "Maskinporten: new access token" in caplog.text
    for token in tokens:
        for part in token.split("."):
            assert part not in caplog.text
