"""The citizen portal's other outcomes in Chromium with JavaScript on, through the real login
(O-5, C-1), on a phone and on a desktop: a refusal (C-5), municipalities that do not take
self-registrations (C-3), an old municipality number (A-4), errors beside their fields with
nothing typed lost (C-7), and logout. axe-core checks every page reached."""

import datetime

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import INGRID, PERSONAS
from tests.e2e.support import DESKTOP, PHONE, START, axe_violations, idp_login
from tracing.models import Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)


def _logged_in_at(visit, viewport, fnr: str, number: str):
    """Open the published link (A-3) for `number` and log in at the test identity provider."""
    browsing = visit(viewport)
    browsing.page.goto(f"{START}?kommunenummer={number}")
    idp_login(browsing, fnr)
    expect(browsing.page.get_by_label("Velg kommune")).to_be_visible()
    return browsing


@VIEWPORTS
def test_person_with_an_active_index_is_told_already_registered(
    visit, oidc_live, demo_data, viewport
):
    # Demo: Ingrid Lie has an active index in Trondheim (C-5, D-1a).
    browsing = _logged_in_at(visit, viewport, INGRID, "5001")
    page = browsing.page
    expect(page.get_by_label("Velg kommune")).to_have_value("5001")
    page.get_by_role("button", name="Neste").click()

    # The who-page says so before any choice: nobody left to choose, no «Neste».
    expect(page.get_by_role("heading", name="Allerede registrert")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Du er allerede registrert")
    expect(page.get_by_role("main")).to_contain_text("Ta kontakt med kommunen din (Trondheim")
    expect(page.get_by_label("Meg selv", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Neste")).to_have_count(0)
    expect(page.get_by_role("button", name="Send inn")).to_have_count(0)
    browsing.check("refused-already-registered")
    assert Index.objects.filter(fnr=INGRID).count() == 1


@VIEWPORTS
def test_old_number_names_the_new_one_and_no_selfreg_points_to_the_home_page(
    visit, oidc_live, demo_data, viewport
):
    # 3001 was Halden until 2023; Halden is 3101 now.
    browsing = _logged_in_at(visit, viewport, KARI, "3001")
    page = browsing.page
    notice = page.locator("#kommunenummer-notice")
    expect(notice).to_contain_text("Kommunenummer 3001 (Halden) er ikke lenger i bruk.")
    expect(notice).to_contain_text("Halden har nå kommunenummer 3101.")
    expect(page.get_by_label("Velg kommune")).to_have_value("3101")
    browsing.check("a4-old-number")
    page.get_by_role("button", name="Neste").click()

    # C-3: Halden is not a customer.
    expect(
        page.get_by_role("heading", name="Halden tar ikke imot selvregistrering her")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("kommunens hjemmeside")
    expect(page.get_by_role("main")).to_contain_text("Ingenting er registrert.")
    browsing.check("c3-not-customer")

    # C-3: Stavanger is a customer with self-registration switched off (demo data, A-1).
    page.get_by_role("link", name="Velg en annen kommune").click()
    page.get_by_label("Velg kommune").select_option(label="Stavanger")
    page.get_by_role("button", name="Neste").click()
    expect(
        page.get_by_role("heading", name="Stavanger tar ikke imot selvregistrering her")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("kommunens hjemmeside")
    expect(page.get_by_role("group", name="Hvem har testet positivt?")).to_have_count(0)
    browsing.check("c3-selfreg-off")
    assert not Index.objects.filter(self_registered=True, municipality_id="1103").exists()


@VIEWPORTS
def test_errors_are_shown_beside_their_fields_and_nothing_typed_is_lost(
    visit, oidc_live, demo_data, viewport
):
    browsing = _logged_in_at(visit, viewport, KARI, "0301")
    page = browsing.page
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Meg selv", exact=True).check()
    page.get_by_role("button", name="Neste").click()

    tomorrow = local_today() + datetime.timedelta(days=1)
    page.get_by_label("Arbeidssted eller skole").fill("Byggfirma AS")
    page.get_by_label("Dato for test").fill(tomorrow.isoformat())
    page.get_by_label("Ingen symptomer").check()
    page.get_by_label("Hvor ble du smittet?").select_option(label="Annet")
    page.get_by_label("Beskriv").fill("På bussen")
    page.get_by_label("Vet ikke", exact=True).check()
    page.get_by_label("Telefonnummer").fill("+4791111111")
    page.get_by_label("E-post").fill("ny@example.no")
    page.get_by_role("button", name="Send inn").click()

    # C-7: the summary, and the message beside "Dato for test", tied to it for screen readers.
    expect(page.get_by_role("heading", name="Rett opp dette før du går videre:")).to_be_visible()
    test_date = page.get_by_label("Dato for test")
    expect(test_date).to_have_attribute("aria-invalid", "true")
    message = page.locator("#id_test_date_from_error")
    expect(message).to_contain_text("Datoen kan ikke være etter i dag")
    assert "id_test_date_from_error" in test_date.get_attribute("aria-describedby").split()
    field_box, message_box = test_date.bounding_box(), message.bounding_box()
    assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert abs(message_box["x"] - field_box["x"]) < 5

    # Nothing typed is lost.
    expect(test_date).to_have_value(tomorrow.isoformat())
    expect(page.get_by_label("Arbeidssted eller skole")).to_have_value("Byggfirma AS")
    expect(page.get_by_label("Ingen symptomer")).to_be_checked()
    expect(page.get_by_label("Hvor ble du smittet?")).to_have_value("other")
    expect(page.get_by_label("Beskriv")).to_have_value("På bussen")
    expect(page.get_by_label("Vet ikke", exact=True)).to_be_checked()
    expect(page.get_by_label("Telefonnummer")).to_have_value("+4791111111")
    expect(page.get_by_label("E-post")).to_have_value("ny@example.no")
    browsing.check("form-with-errors")
    assert not Index.objects.filter(fnr=KARI).exists()

    # Corrected, it goes through.
    test_date.fill(local_today().isoformat())
    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    assert Index.objects.filter(fnr=KARI).count() == 1


@VIEWPORTS
def test_logout_ends_the_session(visit, oidc_live, demo_data, viewport):
    browsing = _logged_in_at(visit, viewport, KARI, "0301")
    page = browsing.page
    visited: list[tuple[str, str]] = []
    page.on("request", lambda request: visited.append((request.method, request.url)))
    page.get_by_role("button", name="Logg ut").click()

    expect(page.get_by_role("heading", name="Du er logget ut")).to_be_visible()
    # RP-initiated logout: the provider's end-session endpoint was on the way (C-1), as a
    # form POST sent by the page's script: the ID token in no URL.
    assert ("POST", f"{oidc_live.url}/testidp/endsession") in visited
    assert not [url for _, url in visited if "id_token" in url or "eyJ" in url]
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)
    browsing.check("logged-out")

    # The session is gone: the start page asks for a login again.
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI)
    expect(page.get_by_label("Velg kommune")).to_have_value("0301")


@VIEWPORTS
def test_logout_without_scripts_hands_over_by_a_button(visit, oidc_live, demo_data, viewport):
    """The hand-over page posts the ID token to the provider by script; without the script
    the citizen sees it and presses its button, with the same result."""
    browsing = _logged_in_at(visit, viewport, KARI, "0301")
    page = browsing.page
    page.route("**/static/js/autosubmit.js", lambda route: route.abort())
    page.get_by_role("button", name="Logg ut").click()

    expect(page.get_by_role("heading", name="Du logges ut")).to_be_visible()
    assert "id_token" not in page.url
    browsing.check("logout-handoff")
    page.get_by_role("button", name="Fortsett til ID-porten").click()
    expect(page.get_by_role("heading", name="Du er logget ut")).to_be_visible()


def test_axe_runner_reports_what_it_should(visit, oidc_live):
    """The harness itself: axe-core loads under the strict CSP and finds a missing label, so
    "zero violations" on the pages above means something."""
    page = visit(PHONE).page
    page.goto(START)
    expect(page.get_by_label("Fødselsnummer")).to_be_visible()
    page.evaluate(
        "document.querySelector('main').append(Object.assign("
        "document.createElement('input'), {type: 'text', id: 'unlabelled'}))"
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert found["label"]["impact"] == "critical"
    assert found["label"]["nodes"] == [["#unlabelled"]]
