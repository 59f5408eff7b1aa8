"""HttpFolkeregister: what only the HTTP client can meet (errors, history, the request)."""

import logging

import pytest
from joserfc import jwt

from registers.folkeregister import HttpFolkeregister
from registers.interfaces import get_folkeregister
from registers.tests.fake_servers import TOKEN, RevokedThenValid, StaticToken, person_document
from registers.types import RegisterInvalidResponse, RegisterTimeout, RegisterUnavailable
from tests.factories import RegisterPersonFactory, years_ago


def client(server, *, token=TOKEN, timeout=5.0) -> HttpFolkeregister:
    return HttpFolkeregister(
        base_url=server.folkeregister_url, access_token=StaticToken(token), timeout=timeout
    )


@pytest.fixture
def person(fake_registers):
    person = RegisterPersonFactory(first_name="Kari", last_name="Nordmann")
    fake_registers.add_person(person)
    return person


# --- transport and status errors ---


def test_hanging_register_raises_timeout(fake_registers, person):
    fake_registers.hang()

    with pytest.raises(RegisterTimeout):
        client(fake_registers, timeout=0.2).person(person.fnr)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_raises_unavailable(fake_registers, person, status):
    fake_registers.answer_status(status)

    with pytest.raises(RegisterUnavailable):
        client(fake_registers).person(person.fnr)


def test_refused_connection_raises_unavailable(fake_registers, person):
    fake_registers.refuse_connections()

    with pytest.raises(RegisterUnavailable):
        client(fake_registers).person(person.fnr)


def test_body_that_is_not_json_raises_invalid_response(fake_registers, person):
    fake_registers.answer_garbage()

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).person(person.fnr)


@pytest.mark.parametrize("status", [400, 403, 429])
def test_unexpected_4xx_raises_invalid_response(fake_registers, person, status):
    fake_registers.answer_status(status)

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).person(person.fnr)


def test_wrong_token_is_refused_and_raises_invalid_response(fake_registers, person):
    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers, token="wrong").person(person.fnr)


def test_a_refused_token_is_replaced_and_the_request_made_once_more(fake_registers, person):
    token = RevokedThenValid()
    folkeregister = HttpFolkeregister(
        base_url=fake_registers.folkeregister_url, access_token=token, timeout=5
    )

    assert folkeregister.person(person.fnr) == person
    assert token.forgotten == 1
    assert [r["headers"]["Authorization"] for r in fake_registers.requests] == [
        "Bearer revoked",
        f"Bearer {TOKEN}",
    ]


def test_a_token_refused_twice_is_an_invalid_response_and_forgotten(fake_registers, person):
    token = StaticToken("wrong")
    folkeregister = HttpFolkeregister(
        base_url=fake_registers.folkeregister_url, access_token=token, timeout=5
    )
    with pytest.raises(RegisterInvalidResponse):
        folkeregister.person(person.fnr)
    assert token.forgotten == 2 and len(fake_registers.requests) == 2

    fake_registers.answer_status(403)  # refused for another reason: the token is kept
    with pytest.raises(RegisterInvalidResponse):
        folkeregister.person(person.fnr)
    assert token.forgotten == 2


def test_errors_while_fetching_children_are_raised_not_swallowed(fake_registers, person):
    fake_registers.answer_status(500)

    with pytest.raises(RegisterUnavailable):
        client(fake_registers).children(person.fnr)


# --- unreadable answers ---


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(navn=[]),
        lambda d: d.update(foedsel=[{"erGjeldende": True}]),
        lambda d: d.update(foedsel=[{"foedselsdato": "17. mai", "erGjeldende": True}]),
        lambda d: d.update(navn=[{"fornavn": "Kari", "erGjeldende": True}]),
        lambda d: d.update(navn=[{"fornavn": 7, "etternavn": "N", "erGjeldende": True}]),
        lambda d: d.update(navn="Kari Nordmann"),
        lambda d: d["bostedsadresse"][-1]["vegadresse"].pop("kommunenummer"),
        lambda d: d["bostedsadresse"][-1]["vegadresse"].update(poststed=[]),
    ],
    ids=[
        "no-current-name",
        "no-birth-date",
        "birth-date-not-iso",
        "no-last-name",
        "first-name-not-string",
        "navn-not-list",
        "address-without-municipality",
        "poststed-not-object",
    ],
)
def test_missing_or_malformed_required_field_raises_invalid_response(
    fake_registers, person, change
):
    document = person_document(person, [])
    change(document)
    fake_registers.documents[person.fnr] = document

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).person(person.fnr)


def test_json_that_is_not_an_object_raises_invalid_response(fake_registers, person):
    fake_registers.documents[person.fnr] = ["not", "an", "object"]

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).person(person.fnr)


# --- only current entries count ---


def test_historical_name_and_address_are_ignored(fake_registers, person):
    document = person_document(person, [])
    document["navn"].append({"fornavn": "Senere", "etternavn": "Gammel", "erGjeldende": False})

    fake_registers.documents[person.fnr] = document
    found = client(fake_registers).person(person.fnr)

    assert (found.first_name, found.last_name) == ("Kari", "Nordmann")
    assert found.address == person.address


def test_only_historical_address_means_no_address(fake_registers):
    person = RegisterPersonFactory(address=None)
    fake_registers.add_person(person)  # the fake adds a historical address to every person

    assert client(fake_registers).person(person.fnr).address is None


@pytest.mark.parametrize(
    "entry",
    [
        {"ukjentBosted": {"bostedskommune": "0301"}, "erGjeldende": True},
        {"matrikkeladresse": {"kommunenummer": "0301"}, "erGjeldende": True},
    ],
    ids=["ukjent-bosted", "matrikkeladresse"],
)
def test_address_that_is_not_a_road_address_means_no_address(fake_registers, person, entry):
    document = person_document(person, [])
    document["bostedsadresse"] = [entry]
    fake_registers.documents[person.fnr] = document

    assert client(fake_registers).person(person.fnr).address is None


def _relation(fnr, *, current=True, role="barn"):
    relation = {"relatertPersonsRolle": role, "minRolleForPerson": "mor", "erGjeldende": current}
    if fnr is not None:
        relation["relatertPersonsIdentifikasjonsnummer"] = fnr
    return relation


def test_children_skip_historical_relations_and_other_roles(fake_registers, person):
    current = RegisterPersonFactory(birth_date=years_ago(4))
    former = RegisterPersonFactory(birth_date=years_ago(6))
    mother = RegisterPersonFactory()
    for someone in (current, former, mother):
        fake_registers.add_person(someone)
    fake_registers.documents[person.fnr] = person_document(
        person,
        [
            _relation(current.fnr),
            _relation(former.fnr, current=False),
            _relation(mother.fnr, role="mor"),
        ],
    )

    assert client(fake_registers).children(person.fnr) == [current]


def test_child_no_longer_in_register_is_skipped(fake_registers, person):
    child = RegisterPersonFactory(birth_date=years_ago(4))
    gone = RegisterPersonFactory(birth_date=years_ago(6))
    fake_registers.add_person(child)
    fake_registers.documents[person.fnr] = person_document(
        person, [_relation(gone.fnr), _relation(child.fnr)]
    )

    assert client(fake_registers).children(person.fnr) == [child]


def test_child_without_identification_number_is_skipped(fake_registers, person):
    fake_registers.documents[person.fnr] = person_document(person, [_relation(None)])

    assert client(fake_registers).children(person.fnr) == []


def test_child_with_malformed_number_raises_invalid_response(fake_registers, person):
    fake_registers.documents[person.fnr] = person_document(person, [_relation("12345")])

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).children(person.fnr)


# --- the request ---


def test_request_sends_bearer_token_and_asks_only_for_needed_parts(fake_registers, person):
    client(fake_registers).person(person.fnr)

    request = fake_registers.requests[-1]
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["path"].endswith(f"/personer/{person.fnr}")
    assert sorted(request["query"]["part"]) == ["bostedsadresse", "foedsel", "navn"]


def test_children_ask_for_familierelasjon(fake_registers, person):
    client(fake_registers).children(person.fnr)

    assert fake_registers.requests[0]["query"]["part"] == ["familierelasjon"]


def test_malformed_number_is_never_sent(fake_registers):
    assert client(fake_registers).person("0101/../x") is None
    assert fake_registers.requests == []


def test_errors_and_logs_name_neither_number_nor_name(fake_registers, person, caplog):
    fake_registers.answer_status(503)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(RegisterUnavailable) as raised:
        client(fake_registers).person(person.fnr)

    text = caplog.text + str(raised.value) + repr(raised.value.__cause__)
    assert "503" in caplog.text
    for secret in (person.fnr, person.first_name, person.last_name):
        assert secret not in text


def test_transport_error_does_not_carry_the_url_with_the_number(fake_registers, person):
    fake_registers.refuse_connections()

    with pytest.raises(RegisterUnavailable) as raised:
        client(fake_registers).person(person.fnr)

    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__ is True
    assert person.fnr not in str(raised.value)


def test_get_folkeregister_uses_http_client_from_settings(
    fake_registers, person, settings, maskinporten_settings, organisation_key
):
    settings.REGISTER_BACKEND = "http"
    settings.FOLKEREGISTER_URL = fake_registers.folkeregister_url

    folkeregister = get_folkeregister()

    assert isinstance(folkeregister, HttpFolkeregister)
    assert folkeregister.person(person.fnr) == person
    (grant,) = maskinporten_settings.requests  # one token, for Folkeregisteret's scope
    claims = jwt.decode(grant["assertion"], organisation_key).claims
    assert claims["scope"] == settings.FOLKEREGISTER_SCOPE
