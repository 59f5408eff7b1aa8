"""The worklists' bulk actions, «Finn på fødselsnummer» and «Mulig duplikat» in Chromium, at
375 and 1280 px: tick rows, see every change on a confirmation page, change all or nothing; an
exact fødselsnummer searched by POST (never in the URL), only in the tracer's municipalities;
possible duplicates filtered, marked in words and their rule explained. axe-core on every page
(no serious or critical violation), no sideways scroll on a phone; one bulk action walked with
the keyboard only and without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.services import municipality_set_status
from tests.e2e.support import DESKTOP, PHONE
from tests.factories import IndexFactory, StaffFactory
from tracing.models import Index
from tracing.rules import RULE_DESCRIPTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-bulk"
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@pytest.fixture
def oslo(transactional_db):
    """An Oslo tracer; four indexes due today, one a possible duplicate (D-1c); a closed index;
    and an index in Bergen, where the tracer has no role."""
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=True, source="e2e")
    StaffFactory(username="oslo.bulk", password=PASSWORD, tracer_in=["0301"])
    names = [("Anne", "Aasen"), ("Bjørn", "Berg"), ("Dina", "Dahl")]
    indexes = {
        last: IndexFactory(person__first_name=first, person__last_name=last)
        for first, last in names
    }
    indexes["Egeland"] = IndexFactory(
        person__first_name="Eva",
        person__last_name="Egeland",
        person__possible_duplicate=True,
        duplicate_rule="D-1c",
    )
    indexes["closed"] = IndexFactory(
        person__first_name="Frida", person__last_name="Fjell", closed=True
    )
    indexes["bergen"] = IndexFactory(
        person__first_name="Gunnar", person__last_name="Bergenser", person__municipality_id="4601"
    )
    return indexes


def _log_in(page) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill("oslo.bulk")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()
    page.wait_for_load_state("load")


def _check(browsing, name: str) -> None:
    browsing.page.wait_for_load_state("load")
    browsing.check(f"bulk-{name}")


def _status(index) -> str:
    return Index.objects.get(pk=index.pk).status


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_bulk_follow_up_and_close_ask_first_and_change_all_or_nothing(
    visit, live_server, oslo, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    expect(page.get_by_role("group", name="Handlinger for valgte rader")).to_be_visible()
    _check(browsing, "worklist")

    # «Sett oppfølgingsdato» for two ticked rows: asked first, with each change listed.
    date = timezone.localdate() + datetime.timedelta(days=3)
    page.get_by_label("Velg Aasen, Anne").check()
    page.get_by_label("Velg Berg, Bjørn").check()
    page.get_by_label("Ny oppfølgingsdato").fill(date.isoformat())
    page.get_by_role("button", name="Sett oppfølgingsdato").click()
    expect(
        page.get_by_role("heading", name="Vil du sette ny oppfølgingsdato for 2 indekser?")
    ).to_be_visible()
    changes = page.locator(".confirm-items li")
    expect(changes).to_have_count(2)
    expect(changes.first).to_contain_text(f"→ {date:%d.%m.%Y}")
    assert oslo["Aasen"].fnr not in page.content()
    _check(browsing, "confirm-follow-up")
    page.get_by_role("button", name="Ja, sett oppfølgingsdato").click()
    expect(page.get_by_text("Ny oppfølgingsdato er satt for 2 indekser.")).to_be_visible()
    expect(page.get_by_role("link", name="Aasen, Anne")).to_have_count(0)
    _check(browsing, "after-follow-up")

    # A missing date: asked again on a page of its own, the ticked rows kept.
    page.get_by_label("Velg Dahl, Dina").check()
    page.get_by_role("button", name="Sett oppfølgingsdato").click()
    expect(page.get_by_role("heading", name="Sett oppfølgingsdato for valgte")).to_be_visible()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    expect(page.get_by_text("Dahl, Dina")).to_be_visible()
    _check(browsing, "date-missing")
    page.get_by_role("link", name="Avbryt").click()

    # «Avslutt valgte», and a row closed by someone else meanwhile: nothing changes.
    page.get_by_label("Velg Dahl, Dina").check()
    page.get_by_label("Velg Egeland, Eva").check()
    page.get_by_role("button", name="Avslutt valgte").click()
    expect(page.get_by_role("heading", name="Vil du avslutte 2 indekser?")).to_be_visible()
    _check(browsing, "confirm-close")
    Index.objects.filter(pk=oslo["Egeland"].pk).update(status="closed", closed_at=timezone.now())
    page.get_by_role("button", name="Ja, avslutt valgte").click()
    expect(page.get_by_role("heading", name="Ingenting ble endret")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Egeland, Eva")
    assert _status(oslo["Dahl"]) == "active"
    _check(browsing, "refused")
    page.get_by_role("link", name="Tilbake til Indeksoppfølging i dag").click()

    page.get_by_label("Velg Dahl, Dina").check()
    page.get_by_role("button", name="Avslutt valgte").click()
    page.get_by_role("button", name="Ja, avslutt valgte").click()
    expect(page.get_by_text("1 indeks er avsluttet.")).to_be_visible()
    assert _status(oslo["Dahl"]) == "closed"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_find_by_fnr_is_posted_checked_and_limited_to_own_municipalities(
    visit, live_server, oslo, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    field = page.get_by_label("Fødselsnummer (11 siffer)")

    # A wrong check digit: an error by the field, the number still in it.
    fnr = oslo["closed"].fnr
    wrong = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    field.fill(wrong)
    page.get_by_role("button", name="Finn", exact=True).click()
    expect(page.get_by_role("heading", name="Finn på fødselsnummer")).to_be_visible()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    expect(page.get_by_label("Fødselsnummer (11 siffer)")).to_have_value(wrong)
    _check(browsing, "search-invalid")

    # A closed index is found too; the number never reaches the address bar.
    page.get_by_label("Fødselsnummer (11 siffer)").fill(fnr)
    with page.expect_request(lambda r: r.method == "POST" and "/finn/" in r.url) as sent:
        page.get_by_role("button", name="Finn", exact=True).click()
    assert fnr not in sent.value.url
    assert fnr in (sent.value.post_data or "")
    expect(page.get_by_role("link", name="Fjell, Frida")).to_be_visible()
    expect(page.get_by_text("Avsluttet", exact=False)).to_be_visible()
    assert fnr not in page.url
    _check(browsing, "search-found")

    # B-1: Bergen's index is not the Oslo tracer's to find.
    page.get_by_label("Fødselsnummer (11 siffer)").fill(oslo["bergen"].fnr)
    page.get_by_role("button", name="Finn", exact=True).click()
    expect(
        page.get_by_text("Ingen indekser med dette fødselsnummeret i dine kommuner.")
    ).to_be_visible()
    expect(page.get_by_text("Bergenser")).to_have_count(0)
    _check(browsing, "search-not-found")
    page.get_by_role("link", name="Tilbake til Indeksoppfølging i dag").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_possible_duplicate_filter_marks_and_explains(visit, live_server, oslo, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page)
    page.get_by_label("Mulig duplikat").select_option(label="Bare mulige duplikater")
    page.get_by_role("button", name="Bruk filter").click()
    expect(page.get_by_text("1 indeks", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Egeland, Eva")
    expect(row.get_by_text("Mulig duplikat (D-1c)")).to_be_visible()
    expect(page.get_by_text(str(RULE_DESCRIPTIONS["D-1c"]))).to_be_visible()
    assert "duplikat=ja" in page.url
    _check(browsing, "duplicates")


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} not reached with the keyboard")


def test_a_bulk_close_with_the_keyboard_only_and_without_javascript(visit, live_server, oslo):
    browsing = visit(DESKTOP, java_script_enabled=False)
    page = browsing.page
    _log_in(page)
    aasen, berg = oslo["Aasen"], oslo["Berg"]
    for index in (aasen, berg):
        _tab_to(page, f"#valgt-{index.pk}")
        page.keyboard.press("Space")
    expect(page.get_by_label("Velg Aasen, Anne")).to_be_checked()
    expect(page.get_by_label("Velg Berg, Bjørn")).to_be_checked()
    # The actions sit above the table: back up to «Avslutt valgte».
    _tab_to(page, "button[value=avslutt]", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Vil du avslutte 2 indekser?")).to_be_visible()
    _tab_to(page, "button[type=submit][data-color=danger]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("2 indekser er avsluttet.")).to_be_visible()
    assert (_status(aasen), _status(berg)) == ("closed", "closed")
    assert re.search(r"/arbeidsliste/i-dag/", page.url)
