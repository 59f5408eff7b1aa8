"""The nynorsk and English catalogues are complete, and the pages really are shown in them.

(a) `manage.py translations`: every message translated in nn and en, none fuzzy, the same
placeholders as the bokmål source, the catalogues up to date with the code.
(b) The citizen pages, the test identity provider, the error pages, the back office and
Forvaltning rendered with `?lang=nn` and `?lang=en` show none of a list of bokmål words in
their visible text (and accessible names), outside proper names and data: a text not marked for
translation, or marked but left untranslated, stays bokmål and is found here.
"""

import html
import re

import polib
import pytest
from django.core.management import call_command
from django.test import Client

from core.management.commands.translations import TRANSLATED, catalogue_problems
from municipalities.models import Municipality
from selfreg.tests.portal import FORM, RECEIPT, radio_values, selfreg_on, valid_form, who_url
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    NoteFactory,
    PersonFactory,
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    new_fnr,
    synthetic_child_of,
    years_ago,
)
from tracing.models import Note

# Bokmål words that the other language never writes. For nynorsk they are the bokmål forms whose
# nynorsk differs («ikke» / «ikkje», «hvem» / «kven», «velg» / «vel» …); for English any common
# Norwegian word will do.
TELLTALES = {
    "nn": [
        "ikke", "hvem", "hva", "hvor", "hvis", "selv", "fra", "bare", "allerede", "velg",
        "noe", "noen", "ble", "fant", "mulig", "navn", "bruker", "brukeren", "tjenesten",
        "tilgjengelig", "opplysninger", "opplysningene", "smittesporer", "smittesporerne",
        "hjemmetest", "hjemmeside", "kommunens", "skole", "registreringen", "innloggingen",
        "selvregistrering", "selvregistrert", "selvregistrerte", "nærkontakter", "indekser",
        "siden", "vet", "personer", "hovedmeny", "oppføringer", "endringer", "kolonner",
        "nøkler", "lenken", "dager", "minutter", "mislykkede", "endret", "opprettet",
        "avsluttet", "gjenåpne", "hjemmesiden", "brukernavn",
    ],
    "en": [
        "ikke", "ikkje", "velg", "vel", "neste", "send inn", "kommune", "kommunen", "logg",
        "og", "eller", "er", "på", "du", "deg", "ja", "nei", "registrert", "skjema",
        "skjemaet", "fødselsnummer", "smittesporing", "indeks", "nærkontakt", "notat",
        "lagre", "søk", "avbryt", "tilbake", "feil", "side", "dato", "personer", "alle",
        "ingen", "av", "til", "med", "personkort", "arbeidsliste", "oppfølging", "hjemmetest",
        "testet",
    ],
}  # fmt: skip

# Proper names that stay in every language (docs/glossary.md), and the language switch's own
# names of the languages.
PROPER_NAMES = [
    "Kontakt- og reservasjonsregisteret (KRR)",
    "Kontakt- og reservasjonsregisteret",
    "Folkeregisteret",
    "ID-porten",
    "BankID",
    "KRR",
]


def _visible_text(body: str) -> str:
    """What a person reads or hears: the text between tags, the page title and the accessible
    names in attributes; the language switch (its names are in their own languages) left out."""
    body = re.sub(r'<nav class="language-switch".*?</nav>', " ", body, flags=re.S)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<wbr\s*/?>", "", body)  # a break opportunity inside a word, not a space
    attributes = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join([text, *attributes]))


def _bokmal_words(body: str, code: str, data: list[str]) -> list[str]:
    text = _visible_text(body)
    # Addresses are data too (the published link of A-3 names «hjemmetest»).
    text = re.sub(r"\S*://\S*|(?<!\S)/\S+", " ", text)
    # Longest first, so a name that contains another goes as a whole.
    for value in sorted({*PROPER_NAMES, *data}, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    return sorted(
        {
            word
            for word in TELLTALES[code]
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
        }
    )


def _data(*extra: str) -> list[str]:
    """Names and data shown as they are in every language: municipality names, people's names
    and addresses, the notes (I-4's are bokmål by rule)."""
    from registers.models import SyntheticPerson
    from tracing.models import Person

    values = list(Municipality.objects.values_list("name", flat=True))
    values += list(Municipality.objects.values_list("name_norwegian", flat=True))
    for model in (SyntheticPerson, Person):
        for person in model.objects.all():
            values += [
                person.first_name,
                person.middle_name,
                person.last_name,
                getattr(person, "street_name", ""),
                getattr(person, "street_address", ""),
                getattr(person, "post_town", ""),
            ]
    for note in Note.objects.all():
        values += [note.title, note.author_label, *note.text.splitlines()]
    return [v for v in [*values, *extra] if v]


def _check(pages: dict[str, str], code: str, data: list[str]) -> None:
    found = {name: _bokmal_words(body, code, data) for name, body in pages.items()}
    found = {name: words for name, words in found.items() if words}
    assert not found, f"bokmål words on pages shown in {code}: {found}"
    for name, body in pages.items():
        assert f'<html lang="{code}"' in body, name


# --- (a) the catalogues ----------------------------------------------------------------------


def test_the_catalogues_are_complete_and_up_to_date():
    """Every msgid translated in nn and en, none fuzzy, none out of date (the check command)."""
    call_command("translations")


def test_the_check_finds_untranslated_fuzzy_and_changed_placeholders(tmp_path):
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    entries = [
        ("Velg kommune", "Choose municipality", []),  # fine
        ("Side %(number)s", "Page %(number)s", []),  # fine
        ("Neste", "", []),  # untranslated
        ("Avbryt", "Cancel", ["fuzzy"]),  # fuzzy
        ("Kommune: %(name)s", "Municipality: %(navn)s", []),  # placeholder renamed
        ("Registrert %(at)s", "Registered", []),  # placeholder lost
        ("Les <strong>dette</strong>", "Read <b>this</b>", []),  # HTML changed
    ]
    for msgid, msgstr, flags in entries:
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags))
    catalogue.append(
        polib.POEntry(
            msgid="Vent ett minutt.",
            msgid_plural="Vent %(minutes)s minutter.",
            msgstr_plural={0: "Wait one minute.", 1: "Wait %(minutes)s minutes."},
        )
    )  # fine: the singular may leave the number out
    path = tmp_path / "django.po"
    catalogue.save(str(path))
    problems = catalogue_problems(path, "en")
    found = sorted(re.search(r"\((?:en)\): '(.*)'$", p).group(1) for p in problems)
    kinds = sorted(p.split(": ")[1].split(" (")[0] for p in problems)
    assert found == sorted(
        ["Neste", "Avbryt", "Kommune: %(name)s", "Registrert %(at)s", "Les <strong>dette</strong>"]
    )
    assert kinds == sorted(["untranslated", "fuzzy"] + ["placeholders differ from the source"] * 3)


def test_the_telltale_words_find_bokmal():
    """The check below is meaningful: the bokmål pages are full of the tell-tale words."""
    body = (
        "<html lang='nb'><p>Du er ikke logget inn. Velg kommune og send inn skjemaet.</p>"
        "<p>Hvem har testet positivt? Meg selv</p></html>"
    )
    assert {"ikke", "velg"} <= set(_bokmal_words(body, "nn", []))
    assert {"ikke", "velg", "og", "send inn", "skjemaet"} <= set(_bokmal_words(body, "en", []))
    assert _bokmal_words("<p>Folkeregisteret, ID-porten, BankID</p>", "en", []) == []


# --- (b) the pages ---------------------------------------------------------------------------

LANGUAGES = list(TRANSLATED)


def _citizen_pages(client: Client, code: str) -> dict[str, str]:
    pages = {}

    def get(name: str, url: str, status: int = 200) -> str:
        response = client.get(url)
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.content.decode()
        return pages[name]

    get("home", f"/?lang={code}")
    get("start", "/innlogget/smitte-selvregistrering/hjemmetest")
    get("start, unknown number", "/innlogget/smitte-selvregistrering/hjemmetest?kommunenummer=9999")
    who = get("who", who_url("0301"))
    myself = radio_values(who, "hvem")
    assert len(myself) == 2  # «Meg selv» and the child, in this language
    child_value = next(v for label, v in myself.items() if "Barn" not in label and "Ola" in label)
    self_value = next(v for label, v in myself.items() if v != child_value)
    client.post(who_url("0301"), {"hvem": self_value})
    get("form", FORM)
    invalid = client.post(FORM, valid_form(test_date_from="", risk_group="", email="x"))
    assert invalid.status_code == 200
    pages["form with errors"] = invalid.content.decode()
    assert client.post(FORM, valid_form()).status_code == 302
    get("receipt", RECEIPT)
    get("my registrations", "/innlogget/mine-registreringer")
    get("who has seen my information", "/innlogget/mine-registreringer/innsyn")
    again = client.post(who_url("0301"), {"hvem": self_value})
    assert again.status_code == 200
    pages["already registered"] = again.content.decode()
    client.post(who_url("0301"), {"hvem": child_value})
    get("form for a child", FORM)
    get("not available", who_url("4601"))
    get("logout", "/innlogget/logg-ut/")
    get("logged out", "/innlogget/logget-ut/")
    get("login failed", "/innlogget/callback/?error=access_denied&state=x", status=400)
    get("not found", "/finnes-ikke/", status=404)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_citizen_pages_show_no_bokmal(citizen_client, code):
    selfreg_on("0301")
    parent = SyntheticPersonFactory(first_name="Kari", middle_name="", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=parent, phone="+4791234567", email="kari@example.no")
    synthetic_child_of(parent, first_name="Ola", birth_date=years_ago(8))
    client = citizen_client(parent.fnr)
    pages = _citizen_pages(client, code)
    _check(pages, code, _data("kari@example.no", "Storgata skole"))


@pytest.mark.django_db
def test_the_check_sees_the_bokmal_of_the_same_pages(citizen_client):
    """The control: walked in bokmål, every one of these pages shows tell-tale words, so the
    checks in nn and en look at text that is really there."""
    selfreg_on("0301")
    parent = SyntheticPersonFactory(first_name="Kari", middle_name="", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=parent)
    synthetic_child_of(parent, first_name="Ola", birth_date=years_ago(8))
    pages = _citizen_pages(citizen_client(parent.fnr), "nb")
    data = _data()
    for name, body in pages.items():
        assert _bokmal_words(body, "en", data), name
        assert _bokmal_words(body, "nn", data), name


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_error_pages_show_no_bokmal(settings, citizen_client, staff_client, code, monkeypatch):
    pages = {}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "citizen_login_client": "1/600"}
    anonymous = Client()
    anonymous.get(f"/?lang={code}")
    pages["404"] = anonymous.get("/finnes-ikke/").content.decode()
    response = anonymous.get("/innlogget/logg-inn/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    pages["400"] = response.content.decode()
    anonymous.get("/innlogget/logg-inn/")
    response = anonymous.get("/innlogget/logg-inn/")
    assert response.status_code == 429
    pages["429"] = response.content.decode()

    person = SyntheticPersonFactory()
    selfreg_on("0301")
    logged_in = citizen_client(person.fnr)
    logged_in.get(f"/?lang={code}")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = logged_in.cookies
    response = strict.post(FORM, valid_form())
    assert response.status_code == 403
    pages["CSRF"] = response.content.decode()

    unknown = citizen_client(new_fnr())  # not in Folkeregisteret
    unknown.get(f"/?lang={code}")
    pages["not in Folkeregisteret"] = unknown.get(who_url()).content.decode()
    assert "Folkeregisteret" in pages["not in Folkeregisteret"]

    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr("selfreg.views.municipality_get", broken)
    logged_in.raise_request_exception = False
    response = logged_in.get(who_url())
    assert response.status_code == 500
    pages["500"] = response.content.decode()

    tracer = staff_client(tracer_in=["0301"])
    tracer.get(f"/?lang={code}")
    response = tracer.get("/smittesporing/tilgangslogg/")
    assert response.status_code == 403
    pages["403"] = response.content.decode()
    _check(pages, code, _data())


def _back_office_pages(staff_client, code: str) -> dict[str, str]:
    client = staff_client(
        tracer_in=["0301"], admin_in=["0301", "4601"], username="kari", first_name="Kari",
        last_name="Testesen",
    )  # fmt: skip
    selfreg_on("0301")
    index = IndexFactory(
        self_registered=True, registered_by_kind="self", infection_place="household",
        risk_group="no", no_symptoms=True, workplace_or_school="Storgata skole",
    )  # fmt: skip
    NoteFactory(index=index, title="Utført selvregistrering", text="Ringt indeks, ikke svar.")
    contact = CloseContactFactory(index=index, person=PersonFactory(first_name="Per"))
    IndexFactory(closed=True, person=index.person, fnr=index.fnr)
    pages = {}

    def get(name: str, url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()
        return pages[name]

    login = Client()
    login.get(f"/smittesporing/logg-inn/?lang={code}")
    pages["login"] = login.get("/smittesporing/logg-inn/").content.decode()
    failed = login.post("/smittesporing/logg-inn/", {"username": "kari", "password": "feil"})
    pages["login failed"] = failed.content.decode()

    get("today", f"/smittesporing/arbeidsliste/i-dag/?lang={code}")
    get("self-registered", "/smittesporing/arbeidsliste/selvregistrerte/")
    get("index", f"/smittesporing/indeks/{index.pk}/")
    get("person", f"/smittesporing/person/{index.person_id}/")
    get("close contact", f"/smittesporing/naerkontakt/{contact.pk}/")
    get("register index", "/smittesporing/indeks/ny/")
    response = client.post("/smittesporing/indeks/ny/", {"fnr": "123"})
    pages["register index with errors"] = response.content.decode()
    get("access log", "/smittesporing/tilgangslogg/")
    get("forvaltning", "/forvaltning/")
    get("forvaltning, municipality", "/forvaltning/0301/")

    export = client.get("/smittesporing/arbeidsliste/i-dag/eksport/")
    header = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
    pages["CSV header"] = f'<html lang="{code}"><p>{header.replace(";", " ; ")}</p></html>'
    log = client.post("/smittesporing/tilgangslogg/eksport/", {"fnr": index.fnr})
    rows = b"".join(log.streaming_content).decode("utf-8-sig")
    assert len(rows.splitlines()) > 1  # the header and the entries written above
    pages["access log CSV"] = f'<html lang="{code}"><p>{rows.replace(";", " ; ")}</p></html>'
    return pages


STAFF_DATA = ("kari", "Kari Testesen", "Testesen", "Storgata skole")


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_back_office_and_forvaltning_show_no_bokmal(staff_client, code):
    pages = _back_office_pages(staff_client, code)
    _check(pages, code, _data(*STAFF_DATA))


@pytest.mark.django_db
def test_the_check_sees_the_bokmal_of_the_back_office(staff_client):
    """The control for the back office: in bokmål each page shows tell-tale words."""
    pages = _back_office_pages(staff_client, "nb")
    data = _data(*STAFF_DATA)
    for name, body in pages.items():
        assert _bokmal_words(body, "en", data), name
        assert _bokmal_words(body, "nn", data), name


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_the_test_identity_providers_pages_show_no_bokmal(client, settings, code):
    from django.urls import reverse

    from testidp.tests.browser import post_form
    from testidp.tests.test_views import authorize_params

    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    url = reverse("testidp:authorize")
    pages = {}
    login = client.get(url, authorize_params(ui_locales=code)).content.decode()
    pages["login"] = login
    _, fields = post_form(login)
    pages["invalid fnr"] = client.post(url, fields | {"fnr": "123"}).content.decode()
    refused = client.get(url, authorize_params(ui_locales=code, code_challenge_method="plain"))
    pages["refused request"] = refused.content.decode()
    client.get(f"/?lang={code}")
    pages["logged out"] = client.get(reverse("testidp:end_session")).content.decode()
    # The refusal's technical detail (OAuth's error code and description) is English by design.
    _check(pages, code, _data("code_challenge_method must be S256"))
