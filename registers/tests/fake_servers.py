"""A local stand-in for Folkeregisteret and KRR, for the HTTP clients' tests.

One `http.server` in a thread on 127.0.0.1 (port 0) serves both APIs, shaped as the real ones,
from in-memory RegisterPerson / ContactInfo. It can be told to answer a status, to hang past
the client's timeout, to send garbage, or to refuse connections. Each person document also
carries a historical (erGjeldende false) name and address, so a client that ignores
erGjeldende fails the contract tests.
"""

import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from registers.types import ContactInfo, RegisterPerson

FREG_PREFIX = "/folkeregisteret/offentlig-med-hjemmel/api/v1"
KRR_PREFIX = "/krr"
TOKEN = "test-token"  # a fixed token for the fake only
HANG_SECONDS = 10  # far past any client timeout in the tests; released on stop()


def person_document(person: RegisterPerson, relations: list[dict]) -> dict:
    """A Folkeregisteret person document for `person`, with one historical name and address."""
    name = {"fornavn": person.first_name, "etternavn": person.last_name, "erGjeldende": True}
    if person.middle_name:
        name["mellomnavn"] = person.middle_name
    old_name = {"fornavn": "Tidligere", "etternavn": "Navn", "erGjeldende": False}
    old_address = _address_entry("Gammelveien", "99", "", "", "9999", "5001", current=False)
    addresses = [old_address]
    if person.address is not None:
        a = person.address
        addresses.append(
            _address_entry(
                a.street_name,
                a.house_number,
                a.house_letter,
                a.unit_number,
                a.postal_code,
                a.municipality_number,
                current=True,
            )
        )
    return {
        "identifikasjonsnummer": [
            {"foedselsEllerDNummer": person.fnr, "status": "iBruk", "erGjeldende": True}
        ],
        "navn": [old_name, name],
        "foedsel": [
            {
                "foedselsdato": person.birth_date.isoformat(),
                "foedselsaar": str(person.birth_date.year),
                "erGjeldende": True,
            }
        ],
        "bostedsadresse": addresses,
        "familierelasjon": relations,
    }


def _address_entry(street, number, letter, unit, postal, municipality, *, current) -> dict:
    road = {
        "adressenavn": street,
        "adressenummer": {"husnummer": number},
        "poststed": {"postnummer": postal, "poststedsnavn": "STED"},
        "kommunenummer": municipality,
    }
    if letter:
        road["adressenummer"]["husbokstav"] = letter
    if unit:
        road["bruksenhetsnummer"] = unit
    return {"vegadresse": road, "erGjeldende": current}


def krr_entry(fnr: str, contact: ContactInfo | None) -> dict:
    if contact is None:
        return {"personidentifikator": fnr, "status": "IKKE_REGISTRERT"}
    info = {}
    if contact.phone:
        info["mobiltelefonnummer"] = contact.phone
    if contact.email:
        info["epostadresse"] = contact.email
    return {
        "personidentifikator": fnr,
        "reservasjon": "JA" if contact.reserved else "NEI",
        "status": "AKTIV",
        "kontaktinformasjon": info,
    }


class FakeRegisterServer:
    def __init__(self):
        self.persons: dict[str, RegisterPerson] = {}
        self.parents: dict[str, list[str]] = defaultdict(list)  # child fnr -> parent fnrs
        self.contacts: dict[str, ContactInfo] = {}
        self.documents: dict[str, dict] = {}  # raw person documents, used as they are
        self.krr_answer: dict | None = None  # a raw KRR answer, used as it is
        self.requests: list[dict] = []  # method, path, query, headers, body of each request
        self.mode = "normal"  # or "status", "hang", "garbage"
        self.status = 200
        # Whether a request's Authorization header (and path) may be answered; the contract
        # tests replace it with a check of real Maskinporten tokens from the test IdP.
        self.authorized = lambda authorization, path: authorization == f"Bearer {TOKEN}"
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._running = False
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}"
        self.folkeregister_url = self.url + FREG_PREFIX
        self.krr_url = self.url + KRR_PREFIX

    # --- content ---
    def add_person(self, person: RegisterPerson, *, parents: tuple[str, ...] = ()) -> None:
        self.persons[person.fnr] = person
        self.parents[person.fnr].extend(parents)

    def add_contact(self, fnr: str, contact: ContactInfo) -> None:
        self.contacts[fnr] = contact

    def document_for(self, fnr: str) -> dict | None:
        if fnr in self.documents:
            return self.documents[fnr]
        person = self.persons.get(fnr)
        if person is None:
            return None
        relations = [_relation(parent, "mor", "barn") for parent in self.parents[fnr]]
        relations += [
            _relation(child, "barn", "mor")
            for child, parents in self.parents.items()
            if fnr in parents
        ]
        return person_document(person, relations)

    # --- misbehaviour ---
    def answer_status(self, status: int) -> None:
        self.mode, self.status = "status", status

    def answer_garbage(self) -> None:
        self.mode = "garbage"

    def hang(self) -> None:
        self.mode = "hang"

    def refuse_connections(self) -> None:
        """Close the listening socket: from now on connections to `url` are refused."""
        self.stop()

    # --- lifecycle ---
    def start(self) -> "FakeRegisterServer":
        self._thread.start()
        self._running = True
        return self

    def stop(self) -> None:
        self._release.set()
        if self._running:
            self._running = False
            self._httpd.shutdown()
        self._httpd.server_close()


def _relation(fnr: str, their_role: str, my_role: str) -> dict:
    return {
        "relatertPersonsIdentifikasjonsnummer": fnr,
        "relatertPersonsRolle": their_role,
        "minRolleForPerson": my_role,
        "erGjeldende": True,
    }


def _handler_for(server: FakeRegisterServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def do_GET(self):
            self._answer()

        def do_POST(self):
            self._answer()

        def _answer(self):
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.requests.append(
                {
                    "method": self.command,
                    "path": split.path,
                    "query": parse_qs(split.query),
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            if server.mode == "hang":
                server._release.wait(HANG_SECONDS)
                return None  # the client gave up long ago; close without an answer
            if server.mode == "status":
                return self._send(server.status, b'{"melding": "feil"}')
            if server.mode == "garbage":
                return self._send(200, b"<html>not json")
            if not server.authorized(self.headers.get("Authorization") or "", split.path):
                return self._send(401, b'{"melding": "unauthorized"}')
            if self.command == "GET" and split.path.startswith(FREG_PREFIX + "/personer/"):
                return self._person(split)
            if self.command == "POST" and split.path == KRR_PREFIX + "/rest/v1/personer":
                return self._krr(body)
            return self._send(404, b"{}")

        def _person(self, split):
            fnr = split.path.rsplit("/", 1)[1]
            document = server.document_for(fnr)
            if document is None:
                return self._send(404, b'{"melding": "fant ikke person"}')
            parts = parse_qs(split.query).get("part")
            if parts and isinstance(document, dict):  # as the real API: only those parts
                document = {
                    key: value
                    for key, value in document.items()
                    if key in parts or key == "identifikasjonsnummer"
                }
            return self._send(200, json.dumps(document).encode())

        def _krr(self, body):
            if server.krr_answer is not None:
                return self._send(200, json.dumps(server.krr_answer).encode())
            numbers = json.loads(body)["personidentifikatorer"]
            persons = [krr_entry(fnr, server.contacts.get(fnr)) for fnr in numbers]
            return self._send(200, json.dumps({"personer": persons}).encode())

        def _send(self, status, payload):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


class StaticToken:
    """A fixed access token for the register clients' HTTP-only tests; counts `forget` calls."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.forgotten = 0

    def get(self) -> str:
        return self.token

    def forget(self) -> None:
        self.forgotten += 1


class RevokedThenValid(StaticToken):
    """A token the register has revoked ("revoked") until it is forgotten, then TOKEN."""

    def __init__(self):
        super().__init__("revoked")

    def forget(self) -> None:
        super().forget()
        self.token = TOKEN


class FakeTokenServer:
    """A Maskinporten-shaped token endpoint for the token client's unit tests.

    It records each request's form and answers `{"access_token": "token-<n>", "expires_in":
    ...}`, n counting the answers; it can be told to wait before answering (so concurrent
    callers overlap), to answer a status and body, garbage, to hang or to refuse connections.
    It checks nothing: the grant itself is verified by the test IdP's endpoint (testidp).
    """

    def __init__(self):
        self.requests: list[dict[str, str]] = []
        self.expires_in: object = 120
        self.token: str | None = None  # answer this token every time, rather than token-<n>
        self.delay = 0.0
        self.answer: tuple[int, bytes] | None = None  # a fixed status and body
        self.mode = "normal"  # or "hang"
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _token_handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._running = False
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}/token"

    def start(self) -> "FakeTokenServer":
        self._thread.start()
        self._running = True
        return self

    def stop(self) -> None:
        self._release.set()
        if self._running:
            self._running = False
            self._httpd.shutdown()
        self._httpd.server_close()

    def refuse_connections(self) -> None:
        self.stop()


def _token_handler_for(server: FakeTokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            with server._lock:
                server.requests.append(form)
                number = len(server.requests)
            if server.mode == "hang":
                server._release.wait(HANG_SECONDS)
                return None
            if server.delay:
                server._release.wait(server.delay)
            if server.answer is not None:
                return self._send(*server.answer)
            body = {
                "access_token": server.token or f"token-{number}",
                "token_type": "Bearer",
                "expires_in": server.expires_in,
                "scope": form.get("scope", ""),
            }
            return self._send(200, json.dumps(body).encode())

        def _send(self, status, payload):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
