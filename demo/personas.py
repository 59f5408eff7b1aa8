"""The demo personas (all synthetic: month + 80 fødselsnumre) and demo staff, as the README lists them."""

from dataclasses import dataclass

REGISTER_FILE = "register.json"

# Municipalities in the demo: three customers with self-registration on, one customer with
# it off; all others are not customers.
SELFREG_ON = ("0301", "4601", "5001")  # Oslo, Bergen, Trondheim
SELFREG_OFF = ("1103",)  # Stavanger


@dataclass(frozen=True)
class Persona:
    fnr: str
    name: str
    what: str


PERSONAS = [
    Persona(
        "12848506018",
        "Kari Nordmann",
        "forelder i Oslo: barna Ola (11) og Emma (8) på samme adresse kan velges; Sofie (16) og Jonas (bor i Bergen) kan ikke",
    ),
    Persona("03838348792", "Tor Nordmann", "forelder i Bergen: Jonas bor hos ham og kan velges"),
    Persona(
        "07879011455",
        "Nora Berg",
        "nærkontakt til en indeks i Oslo (D-1d: blir indeks ved selvregistrering)",
    ),
    Persona(
        "25817230787",
        "Lars Dahl",
        "har en avsluttet indeks i Oslo (D-1b i Oslo, D-1c i en annen kommune)",
    ),
    Persona(
        "05859531840",
        "Ingrid Lie",
        "har en aktiv indeks i Trondheim (avvises: allerede registrert)",
    ),
    Persona("30917945272", "Per Hansen", "reservert i KRR: telefon og e-post fylles ikke ut"),
    Persona("08888828444", "Ahmed Khan", "uten kjent bostedsadresse og ikke i KRR"),
]

SIGRID = "19906740144"  # the index Nora Berg is a close contact of
NORA, LARS, INGRID = "07879011455", "25817230787", "05859531840"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    password: str
    municipalities: tuple[str, ...]
    role: str
    name: str  # what a citizen's «Hvem har sett opplysningene mine» shows


# Development only: load_demo_data refuses to run in production mode.
STAFF = [
    DemoStaff("oslo.smittesporer", "demo-passord-oslo", ("0301",), "tracer", "Siri Smittesporer"),
    DemoStaff(
        "bergen.smittesporer", "demo-passord-bergen", ("4601",), "tracer", "Bjørn Bergsporer"
    ),
    DemoStaff("oslo.admin", "demo-passord-admin", ("0301",), "admin", "Aud Administrator"),
]
# The demo staff member whose reads of the demo history are in the access log from the start.
DEMO_READER = "oslo.smittesporer"
