"""The front page in Chromium: a newcomer finds the portal from the bare address (README's two
minutes), and axe-core finds no serious or critical violation on it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
def test_front_page_leads_to_the_login(visit, oidc_live, viewport):
    browsing = visit(viewport)
    page = browsing.page
    page.goto("/")
    expect(page.get_by_role("heading", name="Smittesporing", exact=True)).to_be_visible()
    browsing.check("home")
    page.get_by_role("link", name="Registrer positiv hjemmetest").click()
    expect(page).to_have_url(re.compile(r"/testidp/authorize\?"))
