"""The citizen portal in a real browser (Chromium): the whole flow found by its Norwegian labels
(O-6, O-7), without JavaScript, at 320 px wide; and axe-core finds no accessibility violations on
its pages."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from municipalities.services import municipality_set_status
from selfreg.session import citizen_login
from tests.e2e.support import START, axe_violations, context_new, fits_width
from tests.factories import (
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(db):
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=True, source="test")
    parent = SyntheticPersonFactory(first_name="Kari", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=parent, phone="+4791234567", email="kari@example.no")
    synthetic_child_of(parent, birth_date=years_ago(7), first_name="Ola")
    return parent


def logged_in_context(browser, live_server, pid: str, viewport=None, **options):
    """A context whose session cookie is a citizen's session, planted without the OIDC login
    (the login itself is walked in test_selfreg_journey.py)."""
    session = SessionStore()
    session.create()
    citizen_login(session, pid=pid)
    session.save()
    context = context_new(
        browser, live_server.url, viewport or {"width": 1280, "height": 720}, **options
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return context


@pytest.mark.parametrize("who", ["Meg selv", "Ola Nordmann"])
def test_whole_flow_without_javascript_at_320px(browser, live_server, family, who):
    context = logged_in_context(
        browser,
        live_server,
        family.fnr,
        java_script_enabled=False,
        viewport={"width": 320, "height": 640},
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{START}?kommunenummer=0301")
    assert page.get_by_label("Velg kommune").input_value() == "0301"
    assert page.get_by_role("button", name="Logg ut").is_visible()
    page.get_by_role("button", name="Neste").click()

    page.get_by_role("group", name="Hvem har testet positivt?").get_by_label(who).check()
    page.get_by_role("button", name="Neste").click()

    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page.get_by_label("Arbeidssted eller skole").fill("Storgata skole")
    page.get_by_label("Dato for test").fill(yesterday)
    page.get_by_label("Ingen symptomer").check()
    page.get_by_label("Hvor ble du smittet?").select_option(label="Husstand")
    page.get_by_label("Beskriv").fill("Søsken")
    page.get_by_label("Nei", exact=True).check()
    if who == "Meg selv":
        assert page.get_by_label("Telefonnummer").input_value() == "+4791234567"
        assert page.get_by_label("E-post").input_value() == "kari@example.no"
    page.get_by_role("button", name="Send inn").click()

    assert page.get_by_role("heading", name="Skjemaet er registrert").is_visible()
    context.close()


def test_errors_without_javascript_keep_what_was_typed(browser, live_server, family):
    context = logged_in_context(browser, live_server, family.fnr, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{START}/hvem?kommunenummer=0301")
    page.get_by_label("Meg selv").check()
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Arbeidssted eller skole").fill("Byggfirma AS")
    page.get_by_role("button", name="Send inn").click()
    assert page.get_by_role("heading", name="Rett opp dette før du går videre:").is_visible()
    assert page.get_by_label("Arbeidssted eller skole").input_value() == "Byggfirma AS"
    assert page.get_by_text("Fyll inn dato for test.").first.is_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_violations_on_portal_pages(browser, live_server, family, width):
    # axe-core comes from the site's own origin (tests/e2e/support.py): the CSP stays on.
    context = logged_in_context(
        browser, live_server, family.fnr, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    pages = {}
    page.goto(f"{live_server.url}{START}?kommunenummer=3001")
    pages["start (A-4 notice)"] = (axe_violations(page), fits_width(page))
    page.get_by_role("button", name="Neste").click()  # Halden does not take self-registrations
    pages["not available (C-3)"] = (axe_violations(page), fits_width(page))
    page.goto(f"{live_server.url}{START}/hvem?kommunenummer=0301")
    pages["who"] = (axe_violations(page), fits_width(page))
    page.get_by_role("button", name="Neste").click()
    pages["who with error"] = (axe_violations(page), fits_width(page))
    page.get_by_label("Meg selv").check()
    page.get_by_role("button", name="Neste").click()
    pages["form"] = (axe_violations(page), fits_width(page))
    page.get_by_role("button", name="Send inn").click()
    pages["form with errors"] = (axe_violations(page), fits_width(page))
    context.close()
    assert {name: result for name, result in pages.items() if result != ([], True)} == {}
