"""Steps and sessions in Chromium at 375 and 1280 px: «Steg N av 3» with «Tilbake» that keeps
what was chosen, the warning «Du blir snart logget ut» with «Forleng økten» (the page stays, so
does what was typed), and a login that ran out anyway: after the new login the citizen is back
in the form, municipality chosen and answers kept. axe-core checks each state."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import PERSONAS
from tests.e2e.support import DESKTOP, PHONE, START, idp_login
from tracing.models import Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")


def _day(days_ago: int) -> str:
    return (local_today() - datetime.timedelta(days=days_ago)).isoformat()


def _to_the_form(browsing, *, check: bool = False) -> None:
    page = browsing.page
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI)
    expect(page.get_by_text("Steg 1 av 3")).to_be_visible()
    if check:
        browsing.check("step-1")
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_text("Steg 2 av 3")).to_be_visible()
    page.get_by_label("Ola Kristian Nordmann").check()
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_text("Steg 3 av 3")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_steps_and_back_keep_what_was_chosen(visit, oidc_live, demo_data, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _to_the_form(browsing, check=True)
    browsing.check("step-3")
    page.get_by_role("link", name="Tilbake").click()
    expect(page.get_by_text("Steg 2 av 3")).to_be_visible()
    expect(page.get_by_label("Ola Kristian Nordmann")).to_be_checked()
    browsing.check("step-2-back")
    page.get_by_role("link", name="Tilbake").click()
    expect(page.get_by_text("Steg 1 av 3")).to_be_visible()
    expect(page.get_by_label("Kommune")).to_have_value("0301")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_warning_before_logout_and_extend_keeps_the_page(visit, oidc_live, demo_data, viewport):
    browsing = visit(viewport)
    page = browsing.page
    page.clock.install()
    _to_the_form(browsing)
    page.get_by_label("Arbeidssted eller skole").fill("Fjellet skole")
    dialog = page.get_by_role("dialog", name="Du blir snart logget ut")
    expect(dialog).to_be_hidden()
    left = int(page.locator("#session-warning").get_attribute("data-seconds-left"))
    page.clock.run_for((left - 120 + 1) * 1000)
    expect(dialog).to_be_visible()
    browsing.check("session-warning")
    before = Session.objects.get().expire_date
    # With the keyboard alone: the heading has the focus, the button is next.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Forleng økten")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > before  # the idle timeout started again
    expect(page.get_by_label("Arbeidssted eller skole")).to_have_value("Fjellet skole")
    expect(page).to_have_url(re.compile(r"/skjema\?kommunenummer=0301$"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_logged_out_anyway_comes_back_to_the_form_with_answers(
    visit, oidc_live, demo_data, viewport
):
    earlier = list(Index.objects.values_list("pk", flat=True))  # the demo's own
    browsing = visit(viewport)
    page = browsing.page
    page.clock.install()
    _to_the_form(browsing)
    page.get_by_label("Arbeidssted eller skole").fill("Fjellet skole")
    page.get_by_label("Dato for test").fill(_day(1))
    page.get_by_label("Dato for symptomstart").fill(_day(2))
    page.get_by_label("Hvor ble du smittet?").select_option(label="Skole eller barnehage")
    page.get_by_label("Nei", exact=True).check()
    left = int(page.locator("#session-warning").get_attribute("data-seconds-left"))
    Session.objects.all().delete()  # the login runs out on the server
    page.clock.run_for((left + 1) * 1000)
    ended = page.get_by_role("dialog").get_by_role("heading", name="Du er logget ut")
    expect(ended).to_be_visible()
    browsing.check("session-ended")
    page.get_by_role("button", name="Tilbake til skjemaet").click()
    page.get_by_role("button", name="Send inn").click()
    idp_login(browsing, KARI)
    expect(page).to_have_url(re.compile(r"/skjema\?kommunenummer=0301$"))
    expect(page.get_by_text("Det du hadde fylt ut, er tatt vare på")).to_be_visible()
    expect(page.get_by_label("Arbeidssted eller skole")).to_have_value("Fjellet skole")
    expect(page.get_by_label("Hvor ble du smittet?")).to_have_value("school")
    expect(page.get_by_text("Du registrerer for Ola Kristian Nordmann i Oslo.")).to_be_visible()
    browsing.check("form-resumed")
    assert not Index.objects.exclude(pk__in=earlier).exists()
    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    index = Index.objects.exclude(pk__in=earlier).get()
    assert index.municipality_id == "0301" and index.workplace_or_school == "Fjellet skole"
