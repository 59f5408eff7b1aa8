"""«Nærkontakter» in Chromium at 375 and 1280 px: the list from the menu (status, index, who
reported), its filters, sort, pages and column chooser, the phone's scroll cue with the name
fixed; a contact's page (no value wrapped inside a word), its status and note, and «Gjør om til
indeks» through the registration form to an index made by D-1d. axe-core on every page: no
serious or critical violation (tests/e2e/support.py)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.services import municipality_set_status
from tests.e2e.support import DESKTOP, PHONE, words_split_across_lines
from tests.factories import CloseContactFactory, IndexFactory, StaffFactory, SyntheticPersonFactory
from tracing.models import CloseContact, Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-kontakter"
LONG_ADDRESS = "Bjørnstjerne Bjørnsons gate 123 B"
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@pytest.fixture
def oslo(transactional_db):
    """An Oslo tracer (Tove Sporer) and 13 close contacts of two indexes: one in the register
    (so it can be made an index), one reported by the index, one already reached."""
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=True, source="e2e")
    tracer = StaffFactory(
        username="oslo.kontakter",
        password=PASSWORD,
        first_name="Tove",
        last_name="Sporer",
        tracer_in=["0301"],
    )
    sigrid = IndexFactory(person__first_name="Sigrid", person__last_name="Strand")
    registered = SyntheticPersonFactory(first_name="Nora", last_name="Berg")
    nora = CloseContactFactory(
        index=sigrid,
        person__fnr=registered.fnr,
        person__first_name="Nora",
        person__last_name="Berg",
        person__street_address=LONG_ADDRESS,
        person__phone="+4791234567",
        registered_by_user=tracer,
    )
    CloseContactFactory(
        index=sigrid,
        person__first_name="Hilde",
        person__last_name="Haugen",
        reported_by=CloseContact.ReportedBy.INDEX,
    )
    CloseContactFactory(
        index=sigrid,
        person__first_name="Emil",
        person__last_name="Nilsen",
        status=CloseContact.Status.CONTACTED,
        status_changed_at=timezone.now(),
        registered_by_user=tracer,
    )
    other = IndexFactory(person__first_name="Per", person__last_name="Pedersen")
    CloseContactFactory.create_batch(10, index=other, person__last_name="Kontaktsen")
    return {"nora": nora, "sigrid": sigrid}


def _log_in(page) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill("oslo.kontakter")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()


def _check(browsing, name: str) -> None:
    """axe (no serious/critical, no duplicate landmark name), no sideways scroll on a phone, no
    CSP violation, a screenshot; no value on a label/value list wrapped inside a word."""
    browsing.page.wait_for_load_state("load")  # styles applied before anything is measured
    others = browsing.check(name)
    assert [v for v in others if v["id"] == "landmark-unique"] == [], f"{name}: {others}"
    assert words_split_across_lines(browsing.page) == [], name


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_list_from_the_menu_filtered_sorted_paged_and_in_chosen_columns(
    visit, live_server, oslo, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name="Nærkontakter").click()
    expect(page.get_by_role("heading", name="Nærkontakter", level=1)).to_be_visible()
    expect(menu.get_by_role("link", name="Nærkontakter")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("13 nærkontakter")).to_be_visible()

    nora = page.get_by_role("row").filter(has_text="Berg, Nora")
    expect(nora.get_by_role("link", name="Strand, Sigrid")).to_have_attribute(
        "href", f"/smittesporing/indeks/{oslo['sigrid'].pk}/"
    )
    expect(nora).to_contain_text("Ikke kontaktet")
    expect(nora).to_contain_text("Tove Sporer")
    expect(page.get_by_role("row").filter(has_text="Haugen, Hilde")).to_contain_text(
        "Registrert av indeks"
    )

    region = page.get_by_role("region", name="Tabell: Nærkontakter")
    cue = page.get_by_text("dra eller rull sideveis")
    page.wait_for_load_state("load")
    if viewport is PHONE:
        # Wider than the phone: it says so, and the name stays put as the table scrolls.
        expect(cue).to_be_visible()
        assert region.evaluate("(e) => e.scrollWidth > e.clientWidth")
        name_cell = nora.get_by_role("rowheader")
        before = name_cell.bounding_box()["x"]
        region.evaluate("(e) => { e.scrollLeft = 300; }")
        page.wait_for_function(
            "() => document.querySelector('.table-scroll--sticky').scrollLeft > 0"
        )
        assert abs(name_cell.bounding_box()["x"] - before) < 1
        region.evaluate("(e) => { e.scrollLeft = 0; }")
    else:
        expect(cue).to_be_hidden()
        assert region.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    _check(browsing, "contacts-list")

    # Filters: status and who reported; the count follows.
    filters = page.get_by_role("group", name="Filtrer")
    filters.get_by_label("Status").select_option("Ikke kontaktet")
    filters.get_by_label("Rapportert av").select_option("Registrert av indeks")
    page.get_by_role("button", name="Bruk filter").click()
    expect(page.get_by_text("1 nærkontakt", exact=True)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Haugen, Hilde")).to_be_visible()
    page.get_by_role("link", name="Nullstill filter").click()
    expect(page.get_by_text("13 nærkontakter")).to_be_visible()

    # Sorted by name: the header says so, and a second press turns it round.
    page.get_by_role("link", name=re.compile(r"^Navn")).click()
    expect(page.get_by_role("columnheader", name=re.compile(r"^Navn"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page.get_by_role("rowheader").first).to_have_text("Berg, Nora")
    page.get_by_role("link", name=re.compile(r"^Navn")).click()
    expect(page.get_by_role("columnheader", name=re.compile(r"^Navn"))).to_have_attribute(
        "aria-sort", "descending"
    )

    # Pages of 10, the current one marked.
    filters.get_by_label("Antall per side").select_option("10")
    page.get_by_role("button", name="Bruk filter").click()
    pages = page.get_by_role("navigation", name="Sidenavigering")
    expect(pages.get_by_role("link", name="Side 1")).to_have_attribute("aria-current", "true")
    pages.get_by_role("link", name="Side 2").click()
    expect(page.get_by_role("rowheader")).to_have_count(3)
    _check(browsing, "contacts-list-page-2")

    # «Velg kolonner»: the fødselsnummer in, the phone out, kept for the next visit.
    page.get_by_text("Velg kolonner").click()
    chooser = page.get_by_role("group", name="Kolonner som vises")
    chooser.get_by_label("Fødselsnummer").check()
    chooser.get_by_label("Telefon", exact=True).uncheck()
    page.get_by_role("button", name="Lagre kolonner").click()
    expect(page.get_by_role("columnheader", name="Fødselsnummer")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Telefon")).to_have_count(0)
    page.goto("/smittesporing/naerkontakter/")
    expect(page.get_by_role("columnheader", name="Fødselsnummer")).to_be_visible()
    expect(page.get_by_role("link", name="Last ned CSV")).to_have_attribute(
        "href", re.compile(r"^/smittesporing/naerkontakter/eksport/\?")
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_contacts_status_note_and_conversion_to_an_index(visit, live_server, oslo, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    page.goto("/smittesporing/naerkontakter/")
    page.get_by_role("link", name="Berg, Nora").click()
    expect(page.get_by_role("heading", name="Nærkontakt: Berg, Nora")).to_be_visible()
    expect(page.get_by_text(LONG_ADDRESS)).to_be_visible()
    _check(browsing, "contact-page")

    # Status, by keyboard: the choice and the button, no pointer.
    page.get_by_label("Status").focus()
    page.keyboard.press("End")  # the last choice, «Ikke nådd»
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Lagre status")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Statusen er lagret.")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Ikke nådd")

    # A note: on the contact's page and on its index, named.
    page.get_by_label("Notat", exact=True).fill("Ringt to ganger, ikke svar.")
    page.get_by_role("button", name="Lagre notat").click()
    expect(page.get_by_text("Notatet er lagret.")).to_be_visible()
    notes = page.get_by_role("list", name="Notater, nyeste først")
    expect(notes).to_contain_text("Ringt to ganger, ikke svar.")
    _check(browsing, "contact-page-after-status-and-note")

    # «Gjør om til indeks»: the registration form, filled in; the duplicate rules decide.
    page.get_by_role("button", name="Gjør om til indeks").click()
    expect(page.get_by_role("heading", name="Registrer indeks")).to_be_visible()
    expect(page.get_by_label("Fødselsnummer")).to_have_value(oslo["nora"].person.fnr)
    assert oslo["nora"].person.fnr not in page.url
    _check(browsing, "contact-convert-form")
    page.get_by_label("Dato for test").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrer indeks").click()
    expect(page.get_by_text("Indeksen er registrert (regel D-1d).")).to_be_visible()
    index = Index.objects.get(fnr=oslo["nora"].person.fnr)
    assert index.converted_from_contact_id == oslo["nora"].pk
    assert page.url.endswith(f"/smittesporing/indeks/{index.pk}/")
    _check(browsing, "contact-converted-index")
