"""«Overfør til annen kommune» in Chromium at 375 and 1280 px: an Oslo tracer hands an index
(with a note and a close contact) to Bergen through the form and its confirmation page, loses
access to it (404), and a Bergen tracer finds it in «Indeksoppfølging i dag» marked «Overført
fra Oslo», with the reason in a note. axe-core on every page: no serious or critical violation,
no duplicate landmark name, and no value on a label/value list wrapped inside a word."""

import re

import pytest
from playwright.sync_api import expect

from municipalities.services import municipality_set_status
from tests.e2e.support import DESKTOP, PHONE, words_split_across_lines
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord-for-overforing"
REASON = "Bor i Bergen og ble registrert i Oslo ved en feil."
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@pytest.fixture
def cases(transactional_db):
    for number in ("0301", "4601", "5001"):
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="e2e")
    StaffFactory(username="oslo.overforer", password=PASSWORD, tracer_in=["0301"])
    StaffFactory(username="bergen.mottaker", password=PASSWORD, tracer_in=["4601"])
    index = IndexFactory(
        person__first_name="Kari",
        person__last_name="Flyttebakken",
        person__phone="+4791234567",
        person__email="kari.flyttebakken@example.no",
    )
    NoteFactory(index=index, title="Første samtale", text="Ringt indeks.")
    CloseContactFactory(index=index, person__first_name="Nils", person__last_name="Nærkontakt")
    return index


def _log_in(page, username: str) -> None:
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()


def _check(browsing, name: str) -> None:
    browsing.page.wait_for_load_state("load")
    others = browsing.check(name)
    assert [v for v in others if v["id"] == "landmark-unique"] == [], f"{name}: {others}"
    assert words_split_across_lines(browsing.page) == [], name


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_oslo_hands_an_index_to_bergen_and_bergen_sees_it(visit, live_server, cases, viewport):
    index = cases
    sender = visit(viewport)
    page = sender.page
    _log_in(page, "oslo.overforer")

    page.goto(f"/smittesporing/indeks/{index.pk}/")
    section = page.get_by_role("region", name="Overfør til annen kommune")
    expect(section).to_be_visible()
    _check(sender, "transfer-index-page")
    section.get_by_role("link", name="Overfør til annen kommune").click()

    # The form: a reason is required, and the error summary takes the focus.
    expect(page.get_by_role("heading", name="Overfør til annen kommune")).to_be_visible()
    _check(sender, "transfer-form")
    page.get_by_label("Mottakende kommune").select_option(label="Bergen")
    page.get_by_role("button", name="Neste").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="Skriv en begrunnelse for overføringen.")
    ).to_be_visible()
    # Nothing typed is lost.
    expect(page.get_by_label("Mottakende kommune")).to_have_value("4601")
    _check(sender, "transfer-form-error")
    page.get_by_label("Begrunnelse").fill(REASON)
    page.get_by_role("button", name="Neste").click()

    # The confirmation lists what moves.
    expect(page.get_by_role("heading", name="Vil du overføre indeksen til Bergen?")).to_be_visible()
    moves = page.get_by_role("region", name="Dette flyttes")
    expect(moves).to_contain_text("Personkortet for Kari Flyttebakken")
    expect(moves).to_contain_text(index.reference)
    expect(moves).to_contain_text("1 notat")
    expect(moves).to_contain_text("Nærkontakt, Nils")
    expect(page.get_by_text(REASON)).to_be_visible()
    _check(sender, "transfer-confirm")
    # «Endre» goes back with everything as typed.
    page.get_by_role("button", name="Endre").click()
    expect(page.get_by_label("Begrunnelse")).to_have_value(REASON)
    page.get_by_role("button", name="Neste").click()
    page.get_by_role("button", name="Ja, overfør til Bergen").click()

    # Back on the sender's worklist; the index is gone from it and answers 404.
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()
    expect(page.get_by_text("Indeksen er overført til Bergen.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Flyttebakken"))).to_have_count(0)
    _check(sender, "transfer-done-sender-worklist")
    response = page.goto(f"/smittesporing/indeks/{index.pk}/")
    assert response.status == 404

    # The receiver: marked in «Indeksoppfølging i dag», and the index page says from where and why.
    receiver = visit(viewport)
    page = receiver.page
    _log_in(page, "bergen.mottaker")
    row = page.get_by_role("row").filter(has_text="Flyttebakken, Kari")
    expect(row.get_by_text("Overført fra Oslo")).to_be_visible()
    _check(receiver, "transfer-receiver-worklist")
    row.get_by_role("link", name="Flyttebakken, Kari").click()
    expect(page.get_by_role("heading", name="Flyttebakken, Kari")).to_be_visible()
    source = page.get_by_role("region", name="Kilde")
    expect(source.locator("dt", has_text="Overført fra")).to_be_visible()
    expect(source).to_contain_text("oslo.overforer")
    note = page.locator(".note").filter(has_text="Overført fra annen kommune")
    expect(note).to_contain_text(f"Begrunnelse: {REASON}")
    expect(page.get_by_role("link", name="Nærkontakt, Nils")).to_be_visible()
    _check(receiver, "transfer-receiver-index")


def _tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until `target` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(e) => e === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus by Tab")


def test_the_whole_transfer_by_keyboard_alone(visit, live_server, cases):
    index = cases
    page = visit(DESKTOP).page
    _log_in(page, "oslo.overforer")
    page.goto(f"/smittesporing/indeks/{index.pk}/")
    _tab_to(page, page.get_by_role("link", name="Overfør til annen kommune"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overfør til annen kommune")).to_be_visible()
    _tab_to(page, page.get_by_label("Mottakende kommune"))
    page.keyboard.type("Bergen")
    expect(page.get_by_label("Mottakende kommune")).to_have_value("4601")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Begrunnelse")).to_be_focused()
    page.keyboard.type(REASON)
    _tab_to(page, page.get_by_role("button", name="Neste"))
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Ja, overfør til Bergen")
    _tab_to(page, confirm)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Indeksen er overført til Bergen.")).to_be_visible()
    index.refresh_from_db()
    assert index.municipality_id == "4601"
