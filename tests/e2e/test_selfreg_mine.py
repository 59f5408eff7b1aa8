"""«Mine registreringer» and «Hvem har sett opplysningene mine» (innsyn) in Chromium at 375 and
1280 px, with axe-core on each page (tests/e2e/support.py): the link in the header (reached by
keyboard), the who-page showing an already registered child as text, the list with its status
and the receipt behind the reference, and the reads of a child's and the citizen's own records
by a tracer and an integration."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import api_token_create, staff_create_or_extend
from demo.personas import PERSONAS
from tests.e2e.support import DESKTOP, PHONE, START, idp_login, words_split_across_lines
from tracing.access import AccessAction, index_get_for_user
from tracing.models import RegisteredByKind
from tracing.services import RegisteredBy, Registration, index_close, index_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")


def _self_registered(fnr: str, first_name: str, *, days_ago: int, kind=RegisteredByKind.SELF):
    return index_register(
        registration=Registration(fnr=fnr, first_name=first_name, last_name="Nordmann"),
        municipality_number="0301",
        registered_by=RegisteredBy(kind=kind, fnr=KARI),
        self_registered=True,
        now=timezone.now() - datetime.timedelta(days=days_ago),
    ).index


@pytest.fixture
def history(demo_data, demo_people):
    """Kari's closed registration from last month and Ola's from yesterday; a tracer and an
    integration in Oslo have read Ola's index, the tracer Kari's."""
    own = _self_registered(KARI, "Kari", days_ago=35)
    index_close(index=own, now=timezone.now() - datetime.timedelta(days=25))
    ola = _self_registered(
        demo_people["Ola Kristian Nordmann"], "Ola", days_ago=1, kind=RegisteredByKind.GUARDIAN
    )
    tracer = staff_create_or_extend(
        username="e2e.smittesporer",
        password="et-langt-e2e-passord",
        municipality_numbers=["0301"],
        role="tracer",
        full_name="Siri Smittesporer",
    ).user
    admin = staff_create_or_extend(
        username="e2e.admin",
        password="et-langt-e2e-passord",
        municipality_numbers=["0301"],
        role="admin",
    ).user
    system = api_token_create(municipality_number="0301", label="Journalsystemet", created_by=admin)
    for user, index in ((tracer, ola), (system.token.service_user, ola), (tracer, own)):
        index_get_for_user(user=user, index_id=index.pk, action=AccessAction.VIEW)
    return {"own": own, "ola": ola}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_mine_and_innsyn(visit, oidc_live, history, viewport):
    browsing = visit(viewport)
    page = browsing.page
    page.goto(f"{START}/hvem?kommunenummer=0301")
    idp_login(browsing, KARI)

    # The who-page: Ola is already registered, said in words and not offered.
    group = page.get_by_role("group", name="Hvem har testet positivt?")
    expect(group.get_by_label("Emma Nordmann")).to_be_visible()
    expect(group.get_by_label("Ola Kristian Nordmann")).to_have_count(0)
    already = page.locator("#already-registered")
    expect(already).to_contain_text("Ola Kristian Nordmann er allerede registrert med positiv test")
    browsing.check("who-already-registered")

    # «Mine registreringer» in the header, by keyboard.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Mine registreringer":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mine registreringer", level=1)).to_be_visible()
    rows = page.locator("table.stack-table tbody tr")
    expect(rows).to_have_count(2)
    ola = history["ola"]
    expect(rows.nth(0)).to_contain_text("Ola Kristian Nordmann")
    expect(rows.nth(0)).to_contain_text(ola.reference)
    expect(rows.nth(0)).to_contain_text("Under oppfølging")
    expect(rows.nth(1)).to_contain_text("Meg selv")
    expect(rows.nth(1)).to_contain_text("Avsluttet")
    browsing.check("mine")
    assert words_split_across_lines(page, "table.stack-table td") == []

    # The reference opens the receipt.
    page.get_by_role("link", name=ola.reference).click()
    expect(page).to_have_url(re.compile(rf"/kvittering/{ola.reference}$"))
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    page.get_by_role("link", name="Mine registreringer").click()

    # Innsyn for Ola: the tracer by name and role, the integration by its name.
    page.get_by_role("link", name="Hvem har sett opplysningene til Ola Kristian Nordmann").click()
    expect(
        page.get_by_role("heading", name="Hvem har sett opplysningene til Ola Kristian Nordmann")
    ).to_be_visible()
    readings = page.locator("table.stack-table tbody tr")
    expect(readings).to_have_count(2)
    expect(readings.nth(0)).to_contain_text("Journalsystemet")
    expect(readings.nth(0)).to_contain_text("Integrasjon")
    expect(readings.nth(1)).to_contain_text("Siri Smittesporer")
    expect(readings.nth(1)).to_contain_text("Smittesporer")
    expect(readings.nth(1)).to_contain_text("Oslo")
    browsing.check("innsyn-child")
    assert words_split_across_lines(page, "table.stack-table td") == []

    # The citizen's own: the tracer's read of Kari's index only.
    page.get_by_role("navigation", name="Velg person").get_by_role("link", name="Meg selv").click()
    expect(page.get_by_role("heading", name="Hvem har sett opplysningene mine")).to_be_visible()
    expect(readings).to_have_count(1)
    expect(readings.nth(0)).to_contain_text("Siri Smittesporer")
    expect(page.get_by_role("link", name="Meg selv")).to_have_attribute("aria-current", "page")
    browsing.check("innsyn-self")
