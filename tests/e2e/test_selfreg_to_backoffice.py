"""From the citizen to the tracer (I-1…I-4, B-1): a citizen self-registers
through the real login, a tracer of that municipality adds the "Selvregistrert" column, sees JA
on the new index in both worklists, opens it and reads the two notes; a tracer of another
municipality sees none of it. Chromium, axe-core on the back-office pages on the way."""

import datetime

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import NORA
from tests.e2e.support import DESKTOP, START, idp_login
from tests.factories import StaffFactory
from tracing.models import Index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-testpassord"
ROW = "Berg, Nora"  # worklists show "Etternavn, Fornavn"


def citizen_registers(visit) -> None:
    """Nora Berg, a close contact in Oslo in the demo data, registers herself (D-1d)."""
    page = visit.page
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(visit, NORA)
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Meg selv", exact=True).check()
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Dato for test").fill(
        (local_today() - datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Ingen symptomer").check()
    page.get_by_label("Hvor ble du smittet?").select_option(label="Husstand")
    page.get_by_label("Nei", exact=True).check()
    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()


def staff_logs_in(visit, username: str) -> None:
    page = visit.page
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Indeksoppfølging i dag")).to_be_visible()


def show_selfreg_column(visit) -> None:
    """I-3: the column chooser adds "Selvregistrert"; the choice is kept for the tracer."""
    page = visit.page
    if page.get_by_role("columnheader", name="Selvregistrert").count():
        return
    page.get_by_text("Velg kolonner").click()
    page.get_by_role("group", name="Kolonner som vises").get_by_label(
        "Selvregistrert", exact=True
    ).check()
    page.get_by_role("button", name="Lagre kolonner").click()
    expect(page.get_by_role("columnheader", name="Selvregistrert")).to_be_visible()


def test_self_registration_lands_in_the_tracers_worklists(visit, oidc_live, demo_data):
    StaffFactory(username="oslo.tracer", password=PASSWORD, tracer_in=["0301"])
    StaffFactory(username="bergen.tracer", password=PASSWORD, tracer_in=["4601"])

    citizen = visit(DESKTOP)
    citizen_registers(citizen)
    index = Index.objects.get(fnr=NORA, status=Index.Status.ACTIVE)
    assert (index.duplicate_rule, index.self_registered) == ("D-1d", True)

    tracer = visit(DESKTOP)
    page = tracer.page
    staff_logs_in(tracer, "oslo.tracer")
    # I-2: in "Indeksoppfølging i dag", with JA in the chosen column.
    show_selfreg_column(tracer)
    row = page.get_by_role("row").filter(has_text=ROW)
    expect(row.get_by_role("cell", name="JA", exact=True)).to_be_visible()
    tracer.check("backoffice-today-with-selfreg-column")

    # ... and in "Selvregistrerte personer".
    page.get_by_role("link", name="Selvregistrerte personer").click()
    expect(page.get_by_role("heading", name="Selvregistrerte personer")).to_be_visible()
    show_selfreg_column(tracer)
    row = page.get_by_role("row").filter(has_text=ROW)
    expect(row.get_by_role("cell", name="JA", exact=True)).to_be_visible()
    tracer.check("backoffice-selfregistered")

    # I-4: the index page shows the two self-registration notes.
    row.get_by_role("link", name=ROW).click()
    expect(page.get_by_role("heading", name=ROW)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Utført selvregistrering")
    expect(main).to_contain_text("Informasjon registrert i selvregistreringsskjema")
    expect(main).to_contain_text("Informasjon oppdatert vha selvregistrering den")
    tracer.check("backoffice-index-selfregistered")

    # B-1: a tracer in Bergen sees it in neither worklist, and its URL answers 404.
    other = visit(DESKTOP)
    staff_logs_in(other, "bergen.tracer")
    expect(other.page.get_by_role("main")).not_to_contain_text("Nora")
    other.page.get_by_role("link", name="Selvregistrerte personer").click()
    expect(other.page.get_by_role("main")).not_to_contain_text("Nora")
    response = other.page.goto(f"/smittesporing/indeks/{index.pk}/")
    assert response.status == 404
    expect(other.page.locator("body")).not_to_contain_text("Nora")
