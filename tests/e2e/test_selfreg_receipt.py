"""The receipt in Chromium at 375 and 1280 px: «Referansenummer», the summary, «Skriv ut»
(a script from our own static under the strict CSP) and the print stylesheet, and the receipt
reached again later through the confirmation's link, after a new login. axe-core checks each
state (tests/e2e/support.py)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import PERSONAS
from tests.e2e.support import DESKTOP, PHONE, START, idp_login
from tracing.models import Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")


def _day(days_ago: int) -> str:
    return (local_today() - datetime.timedelta(days=days_ago)).isoformat()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_receipt_reference_summary_print_and_later_link(visit, oidc_live, demo_data, viewport):
    browsing = visit(viewport)
    page = browsing.page
    # window.print would open the dialog; the page's own script calls it, this only records.
    page.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI)
    page.get_by_role("button", name="Neste").click()
    page.get_by_role("group", name="Hvem har testet positivt?").get_by_label(
        "Meg selv", exact=True
    ).check()
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Arbeidssted eller skole").fill("Byggfirma AS")
    page.get_by_label("Dato for test").fill(_day(1))
    page.get_by_label("Dato for symptomstart").fill(_day(2))
    page.get_by_label("Hvor ble du smittet?").select_option(label="Arbeid")
    page.get_by_label("Nei", exact=True).check()
    page.get_by_role("button", name="Send inn").click()

    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    index = Index.objects.get(fnr=KARI, self_registered=True)
    main = page.get_by_role("main")
    reference = page.locator(".receipt__reference dd")
    expect(reference).to_have_text(index.reference)
    expect(main).to_contain_text("Referansenummer")
    summary = page.get_by_role("region", name="Dette er registrert")
    for text in ("Kari Nordmann", "Oslo", "Byggfirma AS", "Arbeid", "Nei"):
        expect(summary).to_contain_text(text)
    test_day = datetime.date.fromisoformat(_day(1)).strftime("%d.%m.%Y")
    expect(summary).to_contain_text(test_day)
    browsing.check("receipt")

    # «Skriv ut»: shown by print.js, and it prints.
    button = page.get_by_role("button", name="Skriv ut")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1

    # On paper: the reference and the summary, no header, buttons or language switch.
    page.emulate_media(media="print")
    expect(reference).to_be_visible()
    expect(summary).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(button).to_be_hidden()
    expect(page.get_by_role("link", name="Registrer for en annen person")).to_be_hidden()
    browsing.check("receipt-print")
    page.emulate_media(media="screen")

    # Later, in another browser: the confirmation's link, a new login, the same receipt.
    later = visit(viewport)
    later.page.goto(f"/kvittering/{index.reference}")
    idp_login(later, KARI)
    expect(later.page).to_have_url(re.compile(rf"/kvittering/{index.reference}$"))
    expect(later.page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    expect(later.page.locator(".receipt__reference dd")).to_have_text(index.reference)
    later.check("receipt-later")
