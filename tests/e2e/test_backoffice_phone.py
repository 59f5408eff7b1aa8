"""The back office on a phone (375 px) and a laptop (1280 px), in Chromium: label/value lists
in one column on a phone with no value wrapped inside a word; the worklist's name column fixed
with a visible scroll cue; pagination with the current page marked and no stray «…»; overdue
follow-ups in words and with an icon; confirmation pages before «Avslutt indeks» and «Slå av
selvregistrering»; «Kopier» for the link to publish and a new API token; the focus on the error
summary of a failed form; the guardian («Foresatt») on a child's index; no duplicate landmark
names. axe-core on every page: no serious or critical violation (tests/e2e/support.py)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.services import municipality_set_status
from tests.e2e.support import DESKTOP, PHONE, words_split_across_lines
from tests.factories import CloseContactFactory, IndexFactory, StaffFactory, new_fnr
from tracing.models import RegisteredByKind
from tracing.services import RegisteredBy, Registration, index_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-telefon"
LONG_EMAIL = "kari.nordmann-hansen.langtnavn@kommuneeksempel.example.no"
LONG_ADDRESS = "Bjørnstjerne Bjørnsons gate 123 B"
LONG_WORKPLACE = "Universitetssykehuset Nord-Norge, avdeling for infeksjonsmedisin"
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@pytest.fixture
def oslo(transactional_db):
    """A tracer and administrator of Oslo (self-registration on), 24 indexes due today or
    earlier (one three days overdue), one with long values, and a child's index registered by
    a parent, with a close contact."""
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=True, source="e2e")
    StaffFactory(username="oslo.begge", password=PASSWORD, tracer_in=["0301"], admin_in=["0301"])
    today = timezone.localdate()
    IndexFactory.create_batch(21)
    IndexFactory(
        person__first_name="Otto",
        person__last_name="Aasen",
        follow_up_on=today - datetime.timedelta(days=3),
    )
    long_values = IndexFactory(
        person__first_name="Kari",
        person__middle_name="Marie",
        person__last_name="Aabel",
        person__email=LONG_EMAIL,
        person__street_address=LONG_ADDRESS,
        person__post_town="Oslo",
        person__postal_code="0155",
        person__phone="+4791234567",
        workplace_or_school=LONG_WORKPLACE,
    )
    child = index_register(
        registration=Registration(
            fnr=new_fnr(years_before_today(7)),
            first_name="Ola",
            last_name="Aamodt",
            street_address="Storgata 1",
            postal_code="0155",
            post_town="Oslo",
            test_date_from=today,
            no_symptoms=True,
        ),
        municipality_number="0301",
        registered_by=RegisteredBy(
            kind=RegisteredByKind.GUARDIAN,
            fnr=new_fnr(),
            name="Kari Aamodt",
            phone="+4799000001",
        ),
        self_registered=True,
    ).index
    contact = CloseContactFactory(
        index=child, person__first_name="Nora", person__last_name="Nærkontakt"
    )
    return {"long": long_values, "child": child, "contact": contact}


def years_before_today(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _log_in(page) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill("oslo.begge")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()


def _check(browsing, name: str) -> None:
    """axe (no serious/critical, and no duplicate landmark name, which axe rates moderate),
    no sideways scroll on a phone, no CSP violation, a screenshot; and no value on a label/value
    list wrapped inside a word (on a laptop too, where the index page's three columns are
    narrow)."""
    browsing.page.wait_for_load_state("load")  # styles applied before anything is measured
    others = browsing.check(name)
    assert [v for v in others if v["id"] == "landmark-unique"] == [], f"{name}: {others}"
    assert words_split_across_lines(browsing.page) == [], name


def _facts_columns(page) -> set[int]:
    """How many distinct left edges the labels and values of the first list have."""
    return set(
        page.evaluate(
            """() => [...document.querySelector('dl.facts').children]
                 .map((e) => Math.round(e.getBoundingClientRect().left))"""
        )
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_worklist_scroll_cue_fixed_name_overdue_and_pagination(visit, live_server, oslo, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    page.get_by_label("Antall per side").select_option("10")
    page.get_by_role("button", name="Bruk filter").click()
    expect(page.get_by_text("24 indekser")).to_be_visible()
    page.wait_for_load_state("load")

    # Overdue: in words next to the date, with an icon that is decoration only.
    row = page.get_by_role("row").filter(has_text="Aasen, Otto")
    expect(row.get_by_text("Forsinket 3 dager")).to_be_visible()
    expect(row.locator("svg.overdue__icon")).to_have_attribute("aria-hidden", "true")
    expect(page.get_by_text("Forsinket", exact=False)).to_have_count(1)

    region = page.get_by_role("region", name="Tabell: Indeksoppfølging i dag")
    cue = page.get_by_text("dra eller rull sideveis")
    if viewport is PHONE:
        # The table is wider than the phone; it says so, and the name stays put as it scrolls.
        expect(cue).to_be_visible()
        assert region.evaluate("(e) => e.scrollWidth > e.clientWidth")
        name_cell = row.get_by_role("rowheader")
        before = name_cell.bounding_box()["x"]
        region.evaluate("(e) => { e.scrollLeft = 300; }")
        page.wait_for_function(
            "() => document.querySelector('.table-scroll--sticky').scrollLeft > 0"
        )
        assert abs(name_cell.bounding_box()["x"] - before) < 1
        date_cell = row.get_by_role("cell").first
        assert date_cell.bounding_box()["x"] < before + name_cell.bounding_box()["width"]
        region.evaluate("(e) => { e.scrollLeft = 0; }")
    else:
        expect(cue).to_be_hidden()
    _check(browsing, "worklist-today-page-1")

    # Pagination: the current page is aria-current="true"; nothing draws a «…» but a real gap.
    nav = page.get_by_role("navigation", name="Sidenavigering")
    expect(nav.get_by_role("link", name="Side 1")).to_have_attribute("aria-current", "true")
    nav.get_by_role("link", name="Side 2").click()
    expect(nav.get_by_role("link", name="Side 2")).to_have_attribute("aria-current", "true")
    expect(nav.locator("[aria-current]")).to_have_count(1)
    page.wait_for_load_state("load")
    drawn = nav.evaluate(
        """(nav) => [...nav.querySelectorAll('li')].map((li) => li.innerText.trim()
             + getComputedStyle(li, '::before').content.replace(/^none$|^normal$/, ''))"""
    )
    assert drawn == ["Forrige", "1", "2", "3", "Neste"], drawn
    # One row, on a phone too («Forrige» and «Neste» are arrows there, named for screen readers).
    rows = nav.evaluate(
        "(nav) => new Set([...nav.querySelectorAll('li')].map((li) => li.offsetTop)).size"
    )
    assert rows == 1
    expect(nav.get_by_role("link", name="Forrige")).to_be_visible()
    _check(browsing, "worklist-today-page-2")
    nav.get_by_role("link", name="Side 3").click()
    # On the last page «Neste» keeps its place but is hidden, not drawn as «…».
    hidden_next = nav.locator("li").last.locator("[aria-hidden=true]")
    expect(hidden_next).to_have_text("Neste")
    expect(hidden_next).to_have_css("visibility", "hidden")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_index_pages_stack_keep_words_whole_ask_before_closing_and_focus_errors(
    visit, live_server, oslo, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)

    # Long values: one column on a phone, two on a laptop; no word broken.
    page.goto(f"/smittesporing/indeks/{oslo['long'].pk}/")
    expect(page.get_by_role("heading", name="Aabel, Kari Marie")).to_be_visible()
    expect(page.get_by_text(LONG_EMAIL)).to_be_visible()
    assert len(_facts_columns(page)) == (1 if viewport is PHONE else 2)
    _check(browsing, "index-long-values")

    # A child's index: the guardian, labelled «Foresatt», with a close contact on the page.
    page.goto(f"/smittesporing/indeks/{oslo['child'].pk}/")
    guardian = page.locator("dt", has_text="Foresatt").locator("xpath=following-sibling::dd[1]")
    expect(guardian).to_contain_text("Kari Aamodt")
    expect(guardian.get_by_role("link", name="+4799000001")).to_have_attribute(
        "href", "tel:+4799000001"
    )
    expect(page.get_by_role("link", name="Nærkontakt, Nora")).to_be_visible()
    _check(browsing, "index-child-with-contact")

    # A failed form: the focus is on its error summary, which links to the field.
    page.get_by_role("button", name="Lagre notat").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Feltet er påkrevet.")).to_have_attribute(
        "href", "#id_text"
    )
    _check(browsing, "index-note-error")

    # «Avslutt indeks» asks first; «Avbryt» leaves it open, the question's button closes it.
    page.goto(f"/smittesporing/indeks/{oslo['child'].pk}/")
    page.get_by_role("button", name="Avslutt indeks").click()
    expect(
        page.get_by_role("heading", name="Vil du avslutte indeksen for Ola Aamodt?")
    ).to_be_visible()
    _check(browsing, "index-close-confirm")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("button", name="Avslutt indeks")).to_be_visible()
    page.get_by_role("button", name="Avslutt indeks").click()
    page.get_by_role("button", name="Ja, avslutt indeksen").click()
    expect(page.get_by_text("Indeksen er avsluttet.")).to_be_visible()

    # The person card and the close contact's page: the same lists.
    page.goto(f"/smittesporing/person/{oslo['long'].person_id}/")
    expect(page.get_by_text(LONG_EMAIL)).to_be_visible()
    _check(browsing, "person-long-values")
    page.goto(f"/smittesporing/naerkontakt/{oslo['contact'].pk}/")
    expect(page.get_by_role("heading", name="Nærkontakt, Nora")).to_be_visible()
    _check(browsing, "close-contact")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_forvaltning_copies_asks_before_switching_off_and_names_landmarks_apart(
    visit, live_server, oslo, settings, viewport
):
    settings.SITE_URL = live_server.url
    browsing = visit(viewport, permissions=["clipboard-read", "clipboard-write"])
    page = browsing.page
    _log_in(page)
    page.goto("/forvaltning/0301/")
    link = f"{live_server.url}/innlogget/smitte-selvregistrering/hjemmetest?kommunenummer=0301"
    expect(page.locator("#publish-link")).to_have_text(link)
    assert words_split_across_lines(page, "#publish-link") == []
    _check(browsing, "forvaltning-on")

    # «Kopier» (shown by copy.js) puts the link on the clipboard and says so.
    page.get_by_role("button", name="Kopier lenken").click()
    expect(page.get_by_role("status").filter(has_text="Lenken er kopiert.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link

    # A new API token, copied the same way.
    page.get_by_label("Navn på integrasjonen").fill("Fagsystem")
    page.get_by_role("button", name="Opprett API-nøkkel").click()
    secret = page.get_by_label("API-nøkkel", exact=True).input_value()
    page.get_by_role("button", name="Kopier API-nøkkelen").click()
    expect(page.get_by_text("API-nøkkelen er kopiert.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    _check(browsing, "forvaltning-token-created")

    # A token form that fails: the focus is on its error summary.
    page.get_by_role("button", name="Opprett API-nøkkel").click()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    _check(browsing, "forvaltning-token-error")

    # «Slå av selvregistrering» asks first.
    page.get_by_role("button", name="Slå av selvregistrering").click()
    expect(
        page.get_by_role("heading", name="Vil du slå av selvregistrering for Oslo?")
    ).to_be_visible()
    _check(browsing, "forvaltning-switch-off-confirm")
    page.get_by_role("button", name="Ja, slå av selvregistrering").click()
    expect(page.get_by_text("Selvregistrering er slått av.")).to_be_visible()
    expect(page.get_by_role("button", name="Ta i bruk selvregistrering")).to_be_visible()


def test_without_javascript_there_is_no_copy_button_and_the_text_is_there(
    browser, live_server, oslo, settings
):
    from tests.e2e.support import context_new

    settings.SITE_URL = live_server.url
    context = context_new(browser, live_server.url, PHONE, java_script_enabled=False)
    page = context.new_page()
    _log_in(page)
    page.goto("/forvaltning/0301/")
    expect(page.get_by_role("button", name=re.compile("^Kopier"))).to_have_count(0)
    expect(page.locator("#publish-link")).to_contain_text("kommunenummer=0301")
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_other_back_office_pages_and_their_failed_forms(visit, live_server, oslo, viewport):
    """Login, «Registrer indeks», the filter, the access log and the list of municipalities:
    usable at both widths, and a failed form puts the focus on its error summary."""
    from django.contrib.auth.models import User

    from tests.factories import StaffRoleFactory

    StaffRoleFactory(
        user=User.objects.get(username="oslo.begge"), municipality_id="4601", role="admin"
    )
    browsing = visit(viewport)
    page = browsing.page

    page.goto("/smittesporing/logg-inn/")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    _check(browsing, "login-error")
    page.get_by_label("Brukernavn").fill("oslo.begge")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_be_focused()
    _log_in(page)

    page.get_by_role("link", name="Registrer indeks").click()
    page.get_by_role("button", name="Registrer indeks").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name=re.compile("Fødselsnummer|påkrevet"))
    ).not_to_have_count(0)
    _check(browsing, "register-errors")

    page.get_by_role("link", name="Selvregistrerte personer").click()
    page.get_by_role("textbox", name="Navn").fill("1")
    page.get_by_role("button", name="Bruk filter").click()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    _check(browsing, "selfregistered-filter-error")

    page.get_by_role("link", name="Tilgangslogg").click()
    page.get_by_label("Fødselsnummer").fill("123")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    _check(browsing, "access-log-error")

    page.get_by_role("link", name="Forvaltning").click()
    expect(page.get_by_role("link", name=re.compile("Bergen"))).to_be_visible()
    _check(browsing, "forvaltning-list")
