"""Which language a page is shown in (core.i18n) and the language switch on every page."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from core.i18n import ui_locales
from core.templatetags.languages import language_url


def _switch_links(body: str) -> dict[str, str]:
    """hreflang -> href of the language switch's links."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', body, re.S).group(0)
    return {
        m.group(2): m.group(1).replace("&amp;", "&")
        for m in re.finditer(r'<a class="ds-link" href="([^"]*)" lang="\w+" hreflang="(\w+)"', nav)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["nb", "nn", "en"])
def test_lang_parameter_chooses_the_language_and_the_cookie_keeps_it(client, code):
    first = client.get(f"/?lang={code}")
    assert f'<html lang="{code}"' in first.content.decode()
    assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    # The next page, without ?lang=, is shown in the same language.
    assert f'<html lang="{code}"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_unknown_lang_is_ignored(client):
    response = client.get("/?lang=sv")
    assert '<html lang="nb"' in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_every_page_offers_the_three_languages_with_the_current_one_marked(client):
    body = client.get("/?lang=nn").content.decode()
    links = _switch_links(body)
    assert set(links) == {"nb", "nn", "en"}
    assert re.search(r'hreflang="nn" aria-current="true">Nynorsk<', body)
    for code, href in links.items():
        assert href == f"?lang={code}"


def test_the_switch_keeps_named_parameters_and_drops_the_rest():
    # A-3's link keeps its municipality; a fødselsnummer in a query string is never echoed.
    request = RequestFactory().get("/", {"kommunenummer": "0301", "fnr": "01815026841"})
    url = language_url({"request": request}, "en")
    assert url == "?kommunenummer=0301&lang=en"


def test_the_switch_replaces_an_earlier_choice():
    request = RequestFactory().get("/", {"lang": "nn", "side": "2"})
    assert language_url({"request": request}, "nb") == "?side=2&lang=nb"


@pytest.mark.parametrize("code", ["nb", "nn", "en"])
def test_ui_locales_is_the_language_shown(code):
    with translation.override(code):
        assert ui_locales() == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "code"),
    [("nn-NO,nn;q=0.9,en;q=0.5", "nn"), ("en-GB,en;q=0.9", "en"), ("nb-NO,nb;q=0.9", "nb"),
     ("no", "nb"), ("sv-SE,sv;q=0.9", "nb"), ("", "nb")],
)  # fmt: skip
def test_a_first_visit_follows_accept_language(client, accept_language, code):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    body = client.get("/", headers=headers).content.decode()
    assert f'<html lang="{code}"' in body


@pytest.mark.django_db
def test_lang_wins_over_accept_language(client):
    body = client.get("/?lang=nn", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="nn"' in body
