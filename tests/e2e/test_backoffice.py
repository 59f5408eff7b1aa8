"""The back office in a real browser (Chromium): login, worklist with the column chooser (I-3),
sorting by keyboard, the index page actions (B-3) — without JavaScript, at 1280 and 768 px —
and axe-core finds no accessibility violations on its pages."""

import pytest

from tests.e2e.support import axe_violations, context_new, fits_width
from tests.factories import IndexFactory, NoteFactory, StaffFactory, SyntheticPersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord"


@pytest.fixture
def oslo(db):
    StaffFactory(username="oslo.tracer", password=PASSWORD, tracer_in=["0301"])
    StaffFactory(username="oslo.admin", password=PASSWORD, admin_in=["0301"])
    selfreg = IndexFactory(
        self_registered=True, person__first_name="Selma", person__last_name="Aasen"
    )
    IndexFactory(person__first_name="Laila", person__last_name="Berg")
    NoteFactory(index=selfreg, title="Utført selvregistrering", text="Utført selvregistrering")
    return selfreg


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


@pytest.mark.parametrize("width", [1280, 768])
def test_tracer_works_without_javascript(browser, live_server, oslo, width):
    context = context_new(
        browser, live_server.url, {"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, live_server.url, "oslo.tracer")
    assert page.get_by_role("heading", name="Indeksoppfølging i dag").is_visible()
    assert fits_width(page)
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader", name="Selvregistrert").count() == 0

    # I-3: the column chooser is a plain form inside <details>.
    page.get_by_text("Velg kolonner").click()
    chooser = page.get_by_role("group", name="Kolonner som vises")
    chooser.get_by_label("Selvregistrert", exact=True).check()
    page.get_by_role("button", name="Lagre kolonner").click()
    header = page.get_by_role("columnheader", name="Selvregistrert")
    assert header.is_visible()
    selma_row = page.get_by_role("row").filter(has_text="Aasen, Selma")
    assert selma_row.get_by_role("cell", name="JA", exact=True).is_visible()

    # Sorting is a link: reachable and usable with the keyboard.
    page.get_by_role("link", name="Navn").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "retning=stigende" in page.url
    names = page.locator("tbody th").all_inner_texts()
    assert names == sorted(names)
    page.get_by_role("link", name="Navn").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "retning=synkende" in page.url
    assert page.locator("tbody th").all_inner_texts() == sorted(names, reverse=True)

    # B-3: the index page and its actions.
    page.get_by_role("link", name="Aasen, Selma").click()
    assert page.get_by_role("heading", name="Aasen, Selma").is_visible()
    page.get_by_label("Notat", exact=True).fill("Ringte Selma.")
    page.get_by_role("button", name="Lagre notat").click()
    assert page.get_by_text("Notatet er lagret.").is_visible()
    contact = SyntheticPersonFactory(first_name="Nora", last_name="Nærkontakt")
    page.get_by_label("Fødselsnummer").fill(contact.fnr)
    page.get_by_role("button", name="Registrer nærkontakt").click()
    assert page.get_by_role("link", name="Nærkontakt, Nora").is_visible()
    page.get_by_role("button", name="Avslutt indeks").click()
    # A confirmation page first, without JavaScript too.
    assert page.get_by_role(
        "heading", name="Vil du avslutte indeksen for Selma Aasen?"
    ).is_visible()
    page.get_by_role("button", name="Ja, avslutt indeksen").click()
    assert page.get_by_text("Indeksen er avsluttet.").is_visible()
    assert fits_width(page)

    page.get_by_role("button", name="Logg ut").click()
    assert page.get_by_text("Du er logget ut.").is_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 768])
def test_axe_finds_no_violations_on_backoffice_pages(browser, live_server, oslo, width):
    # axe-core is served from the site's own origin (tests/e2e/support.py): the CSP stays on.
    context = context_new(browser, live_server.url, {"width": width, "height": 900})
    page = context.new_page()
    base = live_server.url
    pages = {}
    page.goto(f"{base}/smittesporing/logg-inn/")
    pages["login"] = (axe_violations(page), fits_width(page))
    log_in(page, base, "oslo.tracer")
    page.get_by_text("Velg kolonner").click()
    pages["today"] = (axe_violations(page), fits_width(page))
    page.goto(f"{base}/smittesporing/arbeidsliste/selvregistrerte/")
    page.get_by_role("textbox", name="Navn").fill("1")  # the name search is POSTed (S10)
    page.get_by_role("button", name="Bruk filter").click()
    pages["self-registered, filter error"] = (axe_violations(page), fits_width(page))
    page.goto(f"{base}/smittesporing/indeks/{oslo.pk}/")
    pages["index"] = (axe_violations(page), fits_width(page))
    page.get_by_role("button", name="Registrer nærkontakt").click()
    pages["index, contact error"] = (axe_violations(page), fits_width(page))
    page.goto(f"{base}/smittesporing/indeks/ny/")
    page.get_by_role("button", name="Registrer indeks").click()
    pages["register, errors"] = (axe_violations(page), fits_width(page))
    page.get_by_role("button", name="Logg ut").click()
    log_in(page, base, "oslo.admin")
    pages["access log"] = (axe_violations(page), fits_width(page))
    context.close()
    assert {name: result for name, result in pages.items() if result != ([], True)} == {}
