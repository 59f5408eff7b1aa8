"""«Nærkontakter i husstanden» in Chromium at 375 and 1280 px: Kari Nordmann ticks a child from
Folkeregisteret, adds two typed contacts and removes one (htmx swaps the section and moves
the focus), is told next to the field what is missing, and the receipt names the household; the
tracer sees them «Registrert av indeks» on the index page and the close-contact page. Once
without JavaScript and with the keyboard only: «Legg til nærkontakt» and «Fjern» post the form
and the page comes back with the focus in the new row or on the section's heading. axe-core
checks each state with scripts (tests/e2e/support.py); without, screenshots only."""

import datetime

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import PERSONAS
from tests.e2e.support import ARTIFACTS, DESKTOP, PHONE, START, fits_width, idp_login
from tests.factories import StaffFactory
from tracing.models import CloseContact, Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")
PASSWORD = "et-langt-testpassord"


def _day(days_ago: int) -> str:
    return (local_today() - datetime.timedelta(days=days_ago)).isoformat()


def to_form(browsing) -> None:
    """Log in as Kari, Oslo, «Meg selv», and answer C-7's questions."""
    page = browsing.page
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI)
    page.get_by_role("button", name="Neste").click()
    page.get_by_role("group", name="Hvem har testet positivt?").get_by_label(
        "Meg selv", exact=True
    ).check()
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Dato for test").fill(_day(1))
    page.get_by_label("Ingen symptomer").check()
    page.get_by_label("Hvor ble du smittet?").select_option(label="Husstand")
    page.get_by_label("Nei", exact=True).check()


def tab_to(page, target, *, most: int = 10) -> None:
    """Press Tab until `target` has the focus (a date field takes a Tab per part)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    expect(target).to_be_focused()


def shot(browsing, name: str) -> None:
    directory = ARTIFACTS / browsing.viewport.name
    directory.mkdir(parents=True, exist_ok=True)
    browsing.page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
    assert fits_width(browsing.page)


def row(page, number: int):
    return page.get_by_role("group", name=f"Nærkontakt {number}", exact=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_household_contacts_from_form_to_receipt_and_back_office(
    visit, oidc_live, demo_data, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    to_form(browsing)
    section = page.get_by_role("region", name="Nærkontakter i husstanden")
    expect(section).to_be_visible()
    # C-4's other children are offered to tick; the one not living with Kari is not.
    household = section.get_by_role("group", name="Bor sammen med")
    expect(household.get_by_label("Emma Nordmann")).to_be_visible()
    expect(household.get_by_label("Ola Kristian Nordmann")).to_be_visible()
    expect(household.get_by_label("Jonas", exact=False)).to_have_count(0)
    household.get_by_label("Emma Nordmann").check()
    browsing.check("household-empty")

    # «Legg til nærkontakt»: htmx swaps the section, the focus goes into the new row.
    page.get_by_role("button", name="Legg til nærkontakt").click()
    first = row(page, 1)
    expect(first.get_by_label("Fornavn")).to_be_focused()
    first.get_by_label("Fornavn").fill("Arne")
    first.get_by_label("Etternavn").fill("Nordmann")
    first.get_by_label("Telefonnummer").fill("+47 900 00 001")
    first.get_by_label("Fødselsdato").fill("1979-04-02")
    page.get_by_role("button", name="Legg til nærkontakt").click()
    second = row(page, 2)
    expect(second.get_by_label("Fornavn")).to_be_focused()
    second.get_by_label("Fornavn").fill("Skal bort")
    page.get_by_role("button", name="Legg til nærkontakt").click()
    row(page, 3).get_by_label("Fornavn").fill("Lise")
    # What was typed and ticked before is still there after each swap.
    expect(household.get_by_label("Emma Nordmann")).to_be_checked()
    expect(page.get_by_label("Dato for test")).to_have_value(_day(1))

    # «Fjern» on the second: the third moves up, the focus goes to the section's heading.
    second.get_by_role("button", name="Fjern nærkontakt 2").click()
    expect(page.get_by_role("heading", name="Nærkontakter i husstanden")).to_be_focused()
    expect(row(page, 3)).to_have_count(0)
    expect(row(page, 2).get_by_label("Fornavn")).to_have_value("Lise")
    expect(row(page, 1).get_by_label("Fornavn")).to_have_value("Arne")
    browsing.check("household-rows")

    # C-7: what is missing is said next to the field and in the summary; nothing is lost.
    page.get_by_role("button", name="Send inn").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nærkontakt 2: Fyll inn etternavn.")
    expect(summary).to_contain_text("Nærkontakt 2: Fyll inn telefonnummer.")
    lise = row(page, 2)
    expect(lise.locator("#id_nk1_last_name_error")).to_have_text(
        "Nærkontakt 2: Fyll inn etternavn."
    )
    expect(lise.get_by_label("Fornavn")).to_have_value("Lise")
    expect(row(page, 1).get_by_label("Telefonnummer")).to_have_value("+47 900 00 001")
    expect(page.get_by_label("Emma Nordmann")).to_be_checked()
    browsing.check("household-errors")
    summary.get_by_role("link", name="Nærkontakt 2: Fyll inn etternavn.").click()
    expect(lise.get_by_label("Etternavn")).to_be_focused()
    lise.get_by_label("Etternavn").fill("Berg")
    lise.get_by_label("Telefonnummer").fill("41234567")
    page.get_by_role("button", name="Send inn").click()

    # The receipt names the household.
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    registered = page.get_by_role("region", name="Dette er registrert")
    names = registered.locator(".receipt__household li")
    expect(names).to_have_text(["Arne Nordmann", "Lise Berg", "Emma Nordmann"])
    browsing.check("household-receipt")

    index = Index.objects.get(fnr=KARI, self_registered=True)
    contacts = list(index.close_contacts.select_related("person").order_by("pk"))
    assert [c.person.full_name for c in contacts] == ["Arne Nordmann", "Lise Berg", "Emma Nordmann"]
    assert {c.reported_by for c in contacts} == {CloseContact.ReportedBy.INDEX}

    # The tracer sees who reported them, on the index page and the close-contact page.
    StaffFactory(username="oslo.household", password=PASSWORD, tracer_in=["0301"])
    staff = visit(viewport)
    staff.page.goto("/smittesporing/logg-inn/")
    staff.page.get_by_label("Brukernavn").fill("oslo.household")
    staff.page.get_by_label("Passord").fill(PASSWORD)
    staff.page.get_by_role("button", name="Logg inn").click()
    staff.page.goto(f"/smittesporing/indeks/{index.pk}/")
    table = staff.page.get_by_role("table", name="Nærkontakter")
    arne = table.get_by_role("row").filter(has_text="Nordmann, Arne")
    expect(arne).to_contain_text("Registrert av indeks")
    expect(arne).to_contain_text("Ikke oppgitt")
    staff.check("household-index-page")
    arne.get_by_role("link", name="Nordmann, Arne").click()
    expect(staff.page.get_by_role("heading", name="Nærkontakt: Nordmann, Arne")).to_be_visible()
    expect(staff.page.get_by_role("main")).to_contain_text("Registrert av indeks")
    expect(staff.page.get_by_role("main")).to_contain_text("+4790000001")
    staff.check("household-close-contact-page")


def test_household_by_keyboard_only_without_javascript(visit, oidc_live, demo_data):
    browsing = visit(PHONE, java_script_enabled=False)
    page = browsing.page
    to_form(browsing)
    add = page.get_by_role("button", name="Legg til nærkontakt")
    # From the last answer above the section, Tab through to «Legg til nærkontakt».
    page.get_by_label("Nei", exact=True).focus()
    tab_to(page, add)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The page came back at the new row, with the focus in its first field.
    first = row(page, 1)
    expect(first.get_by_label("Fornavn")).to_be_focused()
    page.keyboard.type("Arne")
    page.keyboard.press("Tab")
    page.keyboard.type("Nordmann")
    page.keyboard.press("Tab")
    page.keyboard.type("90000001")
    page.keyboard.press("Tab")
    expect(first.get_by_label("Fødselsdato")).to_be_focused()
    tab_to(page, first.get_by_role("button", name="Fjern nærkontakt 1"), most=4)
    # axe-core is a script and cannot run here; it checks the same markup with scripts above.
    shot(browsing, "household-no-js-row")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nærkontakter i husstanden")).to_be_focused()
    expect(row(page, 1)).to_have_count(0)
    # The answers above are still there, and the section can be sent empty.
    expect(page.get_by_label("Dato for test")).to_have_value(_day(1))
    shot(browsing, "household-no-js-removed")
    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    expect(page.get_by_role("region", name="Dette er registrert")).to_contain_text(
        "Ingen registrert"
    )
    assert not CloseContact.objects.filter(index__fnr=KARI, reported_by="index").exists()


def test_household_button_falls_back_to_a_plain_post_when_htmx_gets_no_form(
    visit, oidc_live, demo_data
):
    """An error page (here a 503 made up by the test) or the login page after the session ran
    out is no section to swap: the button then posts the form as without scripts."""
    browsing = visit(DESKTOP)
    page = browsing.page
    to_form(browsing)
    seen = []

    def answer(route):
        seen.append(route.request.headers.get("hx-request", ""))
        if route.request.headers.get("hx-request"):
            route.fulfill(status=503, body="Utilgjengelig", content_type="text/plain")
        else:
            route.continue_()

    page.route("**/hjemmetest/skjema?*", answer)
    with page.expect_navigation():
        page.get_by_role("button", name="Legg til nærkontakt").click()
    assert seen == ["true", ""]
    expect(row(page, 1).get_by_label("Fornavn")).to_be_focused()
    expect(page.get_by_label("Dato for test")).to_have_value(_day(1))
