"""Fixtures for the browser tests: Chromium (one per test module), the OIDC client pointed at the
bundled test identity provider on live_server, the demo data, and pages at a given viewport."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS, Visit, context_new

DEMO_REGISTER = Path(django_settings.BASE_DIR) / "demo" / "register.json"


@pytest.fixture(scope="module")
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread while it is started;
    the tests' own ORM calls are still synchronous, so Django must not refuse them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_orm_beside_playwright):
    """Debian's Chromium, shared by the tests of one module.

    Module scope rather than session scope: only one sync Playwright can run in a thread, and a
    module may start its own; one launch per module costs under a second.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def oidc_live(live_server, settings):
    """The real Authlib client (C-1) talks to the real test identity provider (O-5), both
    served by live_server."""
    from registers import idporten

    idporten.client_cache_clear()
    settings.OIDC_DISCOVERY_URL = f"{live_server.url}/testidp/.well-known/openid-configuration"
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 10
    yield live_server
    idporten.client_cache_clear()


@pytest.fixture
def demo_data(transactional_db):
    """The demo as `manage.py load_demo_data` loads it, without the staff accounts (the citizen
    pages need none): register (O-2), municipality switches (A-1) and tracing history."""
    from demo.personas import SELFREG_OFF, SELFREG_ON
    from demo.tracing_data import load_demo_tracing_data
    from municipalities.services import municipality_set_status

    call_command("load_register", str(DEMO_REGISTER), stdout=StringIO())
    for number in SELFREG_ON:
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="e2e")
    for number in SELFREG_OFF:
        municipality_set_status(
            number=number, is_customer=True, selfreg_enabled=False, source="e2e"
        )
    load_demo_tracing_data(extra_indexes=0)


@pytest.fixture(scope="session")
def demo_people() -> dict[str, str]:
    """Full name -> fødselsnummer of the demo register's persons."""
    people = json.loads(DEMO_REGISTER.read_text(encoding="utf-8"))["personer"]
    return {
        " ".join(filter(None, (p["fornavn"], p["mellomnavn"], p["etternavn"]))): p["foedselsnummer"]
        for p in people
    }


@pytest.fixture
def visit(browser, live_server):
    """Open a page at a viewport: `visit(PHONE)` -> Visit; contexts close after the test."""
    contexts = []

    def open_page(viewport, **options) -> Visit:
        context = context_new(browser, live_server.url, viewport, **options)
        contexts.append(context)
        page = context.new_page()
        opened = Visit(page=page, viewport=viewport)

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                opened.csp_errors.append(message.text)

        page.on("console", on_console)
        return opened

    yield open_page
    for context in contexts:
        context.close()
