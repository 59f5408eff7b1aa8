"""Forvaltning in Chromium (A-1…A-3): an administrator logs in at /smittesporing/logg-inn/,
opens /forvaltning/, presses "Ta i bruk selvregistrering", sees the link to publish with the
municipality number filled in, tests it (a new tab, through the real citizen login, lands on
"Velg kommune" with the municipality chosen) and makes an API token that the API accepts.
axe-core checks every administration page: no serious or critical violation, at 1280 and
768 px."""

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken
from municipalities.models import Municipality, MunicipalityStatusChange
from municipalities.services import municipality_set_status
from tests.e2e.support import DESKTOP, START, Viewport, fits_width, idp_login
from tests.factories import StaffFactory, new_fnr

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-admin"
TABLET = Viewport("tablet", 768, 1024)


@pytest.fixture
def administrator(transactional_db):
    """Administrator of Oslo (a customer, self-registration off) and of Trondheim (not a
    customer)."""
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=False, source="e2e")
    return StaffFactory(username="kommune.admin", password=PASSWORD, admin_in=["0301", "5001"])


def _log_in(page) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill("kommune.admin")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def test_administrator_switches_selfreg_on_and_tests_the_link(
    visit, oidc_live, administrator, settings
):
    settings.SITE_URL = oidc_live.url  # the link to publish points at this test server
    browsing = visit(DESKTOP)
    page = browsing.page
    _log_in(page)

    # The menu leads to Forvaltning; with two municipalities, a list first.
    page.get_by_role("link", name="Forvaltning").click()
    expect(page.get_by_role("heading", name="Forvaltning", exact=True)).to_be_visible()
    browsing.check("forvaltning-list")

    # A non-customer: told to become a customer, no button.
    page.get_by_role("link", name="Trondheim", exact=False).click()
    expect(page.get_by_text("må bli kunde")).to_be_visible()
    expect(page.get_by_role("button", name="Ta i bruk selvregistrering")).to_have_count(0)
    browsing.check("forvaltning-non-customer")

    # A customer: the switch, logged with who.
    page.goto("/forvaltning/")
    page.get_by_role("link", name="Oslo", exact=False).click()
    expect(page).to_have_url(f"{oidc_live.url}/forvaltning/0301/")
    browsing.check("forvaltning-customer-off")
    page.get_by_role("button", name="Ta i bruk selvregistrering").click()
    expect(page.get_by_text("Selvregistrering er tatt i bruk")).to_be_visible()
    expect(page.get_by_role("button", name="Slå av selvregistrering")).to_be_visible()
    expect(page.get_by_role("button", name="Ta i bruk selvregistrering")).to_have_count(0)
    assert Municipality.objects.get(number="0301").selfreg_enabled is True
    change = MunicipalityStatusChange.objects.filter(source="admin-page").get()
    assert change.changed_by_id == administrator.pk
    changes = page.get_by_role("region", name="Siste endringer")
    expect(changes.get_by_role("cell", name="kommune.admin")).to_be_visible()
    browsing.check("forvaltning-customer-on")

    # the link to publish, with the number filled in.
    link = f"{oidc_live.url}{START}?kommunenummer=0301"
    expect(page.locator("#publish-link")).to_have_text(link)

    # "Test lenken" opens it in a new tab: the citizen logs in and Oslo is chosen (C-2).
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Test lenken").click()
    tab = opened.value
    tab.wait_for_load_state()
    citizen = type(browsing)(page=tab, viewport=browsing.viewport)
    idp_login(citizen, new_fnr())
    expect(tab.get_by_label("Velg kommune")).to_have_value("0301")
    tab.close()


def test_administrator_makes_an_api_token_that_the_api_accepts(visit, live_server, administrator):
    browsing = visit(DESKTOP)
    page = browsing.page
    _log_in(page)
    page.goto("/forvaltning/0301/")
    page.get_by_label("Navn på integrasjonen").fill("Fagsystem")
    page.get_by_role("button", name="Opprett API-nøkkel").click()
    token_field = page.get_by_label("API-nøkkel", exact=True)
    expect(token_field).to_be_visible()
    secret = token_field.input_value()
    assert secret.startswith("smt_")
    browsing.check("forvaltning-token-created")
    assert page.url.endswith("/forvaltning/0301/#new-token")  # POST/redirect/GET

    # A reload asks for the page again and sends nothing: one token, no longer shown.
    page.reload()
    expect(page.get_by_label("API-nøkkel", exact=True)).to_have_count(0)
    assert ApiToken.objects.count() == 1

    answer = page.request.get(
        f"{live_server.url}/api/v1/indexes", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert answer.json()["count"] == 0
    refused = page.request.get(
        f"{live_server.url}/api/v1/indexes", headers={"Authorization": "Bearer smt_feil"}
    )
    assert refused.status == 401

    # Shown once: not on the page again. Revoked: refused at once.
    page.goto("/forvaltning/0301/")
    expect(page.get_by_label("API-nøkkel", exact=True)).to_have_count(0)
    expect(page.get_by_text(secret)).to_have_count(0)
    page.get_by_role("button", name="Tilbakekall Fagsystem").click()
    expect(page.get_by_text("er tilbakekalt")).to_be_visible()
    browsing.check("forvaltning-token-revoked")
    again = page.request.get(
        f"{live_server.url}/api/v1/indexes", headers={"Authorization": f"Bearer {secret}"}
    )
    assert again.status == 401


def test_administration_pages_on_a_tablet(visit, live_server, administrator):
    browsing = visit(TABLET)
    page = browsing.page
    _log_in(page)
    for path, name in [("/forvaltning/", "list"), ("/forvaltning/0301/", "customer")]:
        page.goto(path)
        browsing.check(f"forvaltning-{name}")
        assert fits_width(page), f"{path} scrolls sideways at 768 px"
