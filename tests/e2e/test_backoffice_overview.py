"""«Oversikt» in Chromium at 375 and 1280 px: reached from the menu by a tracer and by an
administrator, charts that scale into the screen (their viewBox), tables that stay on it,
the data tables behind each chart, a CSV download; axe-core on every page state (no serious or
critical violation), no sideways scroll on a phone, no CSP violation (tests/e2e/support.py)."""

import re

import pytest
from playwright.sync_api import expect

from demo.tracing_data import load_demo_tracing_data
from municipalities.services import municipality_set_status
from tests.e2e.support import ARTIFACTS, DESKTOP, PHONE
from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-oversikten"
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@pytest.fixture
def oslo(transactional_db):
    """Oslo and Bergen with the demo's tracing history (indexes spread over the 8 weeks); a
    tracer of Oslo and an administrator of Oslo and Bergen."""
    for number in ("0301", "4601"):
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="e2e")
    StaffFactory(username="oslo.sporer", password=PASSWORD, tracer_in=["0301"])
    StaffFactory(username="to.admin", password=PASSWORD, admin_in=["0301", "4601"])
    load_demo_tracing_data(extra_indexes=30)


def _check(browsing, name: str) -> None:
    """The checks of every page (support.Visit.check), and no two landmarks of one name (axe
    rates that moderate; the chart sections and their tables' regions are named apart)."""
    others = browsing.check(name)
    assert [v for v in others if v["id"] == "landmark-unique"] == [], f"{name}: {others}"


def _log_in(page, username: str, landing: str) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(landing))


def _within_the_screen(page) -> None:
    """Every chart is as wide as its box at most and inside the window; every table fits its
    box (none scrolls sideways, none runs off the screen)."""
    page.wait_for_load_state("load")
    found = page.evaluate(
        """() => ({
          width: window.innerWidth,
          charts: [...document.querySelectorAll('svg.chart')].map((svg) => {
            const box = svg.getBoundingClientRect();
            return {left: box.left, right: box.right, height: box.height,
                    parent: svg.parentElement.getBoundingClientRect().width, width: box.width};
          }),
          tables: [...document.querySelectorAll('details[open] table')].map((t) => ({
            right: t.getBoundingClientRect().right, caption: t.caption.textContent,
            scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth,
          })),
        })"""
    )
    assert len(found["charts"]) == 4
    for chart in found["charts"]:
        assert chart["left"] >= 0 and chart["right"] <= found["width"], chart
        assert chart["width"] <= chart["parent"] + 0.5, chart
        assert chart["height"] > 40, chart  # drawn at a readable size, not collapsed
    assert found["tables"], "no table open"
    for table in found["tables"]:
        assert table["right"] <= found["width"], table
        assert table["scroll"] <= table["client"], table


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_tracer_opens_the_overview_from_the_menu(visit, live_server, oslo, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page, "oslo.sporer", "Indeksoppfølging i dag")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Oversikt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt for Oslo")
    expect(page.get_by_role("link", name="Oversikt", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    # The key figures, and each chart as one image named by its title.
    expect(page.get_by_text("Åpne indekser")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("^Søylediagram: Nye indekser per dag"))
    ).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("^Stolpediagram: Hvor ble du smittet"))
    ).to_be_visible()
    _within_the_screen(page)
    _check(browsing, "oversikt")
    # Each chart alone, at the size it is drawn, to look at.
    for section in page.locator("section.overview-chart").all():
        slug = section.get_attribute("aria-labelledby").removesuffix("-heading")
        section.screenshot(path=str(ARTIFACTS / viewport.name / f"oversikt-figur-{slug}.png"))

    # The per-day table (56 rows) unfolds from under its chart, with the keyboard too; it
    # stays on the screen.
    page.get_by_text("Vis tallene som tabell").first.focus()
    page.keyboard.press("Enter")
    daily = page.get_by_role("table", name=re.compile("^Nye indekser per dag"))
    expect(daily.get_by_role("row")).to_have_count(1 + 56)
    _within_the_screen(page)
    _check(browsing, "oversikt-tabell-per-dag")

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned «Hvor ble du smittet?» som CSV").click()
    assert re.fullmatch(
        r"oversikt-0301-smittested-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_administrator_chooses_between_municipalities(visit, live_server, oslo, viewport):
    browsing = visit(viewport)
    page = browsing.page
    _log_in(page, "to.admin", "Tilgangslogg")
    page.get_by_role("link", name="Oversikt", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt")
    _check(browsing, "oversikt-velg-kommune")
    page.get_by_role("link", name="Bergen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt for Bergen")
    # Bergen's demo case is overdue: said in the figures, and the other municipality a link away.
    figure = page.locator(".overview-figure").filter(has_text="Oppfølging forsinket")
    expect(figure.locator("dd")).not_to_have_text("0")
    municipalities = page.get_by_role("navigation", name="Velg kommune")
    expect(municipalities.get_by_role("link", name="Bergen")).to_have_attribute(
        "aria-current", "page"
    )
    _within_the_screen(page)
    _check(browsing, "oversikt-bergen")
