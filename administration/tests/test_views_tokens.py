"""API tokens on the administration page (A-2): made with a name, shown once,
stored hashed, listed with last use, revocable; only for the administrator's municipalities."""

import hashlib
import re

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CREATE = "/forvaltning/0301/api-nokler/"


def _shown_secret(html: str) -> str | None:
    found = re.search(r'id="new-token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else None


def test_a_new_token_is_shown_once_and_stored_hashed(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.post(CREATE, {"label": "Fagsystem X"})
    # POST/redirect/GET: the POST's answer holds no secret, and a reload cannot repeat it.
    assert response.status_code == 302
    assert response["Location"] == "/forvaltning/0301/#new-token"
    assert "smt_" not in response.content.decode()
    html = client.get("/forvaltning/0301/").content.decode()
    secret = _shown_secret(html)
    assert secret and secret.startswith("smt_")
    assert "vises bare denne ene gangen" in html
    token = ApiToken.objects.get()
    assert (token.label, token.municipality_id, token.created_by) == (
        "Fagsystem X",
        "0301",
        client.staff_user,
    )
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert api_token_authenticate(secret=secret) == token
    # Never again: not on the page, not in the session.
    assert secret not in str(dict(client.session))
    later = client.get("/forvaltning/0301/").content.decode()
    assert secret not in later
    assert _shown_secret(later) is None
    assert "Fagsystem X" in later
    assert token.token_prefix in later


def test_reloading_after_creating_a_token_makes_no_second_one(staff_client):
    """The browser's reload of the page it was sent to is a GET: one token, shown once."""
    client = staff_client(admin_in=["0301"])
    response = client.post(CREATE, {"label": "Fagsystem X"}, follow=True)
    assert response.redirect_chain == [("/forvaltning/0301/#new-token", 302)]
    assert _shown_secret(response.content.decode())
    reloaded = client.get(response.request["PATH_INFO"])
    assert _shown_secret(reloaded.content.decode()) is None
    assert ApiToken.objects.count() == 1


def test_a_new_token_is_shown_only_on_its_own_municipalitys_page(staff_client):
    client = staff_client(admin_in=["0301", "4601"])
    client.post(CREATE, {"label": "Fagsystem X"})
    assert _shown_secret(client.get("/forvaltning/4601/").content.decode()) is None
    # Taken out by that view all the same: the secret does not wait in the session.
    assert _shown_secret(client.get("/forvaltning/0301/").content.decode()) is None


def test_a_token_revoked_before_it_was_shown_is_not_shown(staff_client):
    client = staff_client(admin_in=["0301"])
    client.post(CREATE, {"label": "Fagsystem X"})
    token = ApiToken.objects.get()
    client.post(f"/forvaltning/0301/api-nokler/{token.pk}/tilbakekall/")
    assert _shown_secret(client.get("/forvaltning/0301/").content.decode()) is None


def test_a_token_needs_a_name(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.post(CREATE, {"label": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_service_user_and_last_use(staff_client):
    client = staff_client(admin_in=["0301"])
    created = api_token_create(
        municipality_number="0301", label="Fagsystem", created_by=client.staff_user
    )
    html = client.get("/forvaltning/0301/").content.decode()
    assert created.token.service_user.username in html
    api_token_authenticate(secret=created.secret)
    used = ApiToken.objects.get(pk=created.token.pk).last_used_at
    html = client.get("/forvaltning/0301/").content.decode()
    assert timezone.localtime(used).strftime("%d.%m.%Y %H:%M") in html


def test_revoking_a_token_refuses_it_at_once(staff_client):
    client = staff_client(admin_in=["0301"])
    created = api_token_create(
        municipality_number="0301", label="Fagsystem", created_by=client.staff_user
    )
    url = f"/forvaltning/0301/api-nokler/{created.token.pk}/tilbakekall/"
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "er tilbakekalt" in response.content.decode()
    token = ApiToken.objects.get(pk=created.token.pk)
    assert (token.revoked_by, token.is_active) == (client.staff_user, False)
    assert api_token_authenticate(secret=created.secret) is None
    html = client.get("/forvaltning/0301/").content.decode()
    assert "Tilbakekalt" in html


@pytest.mark.parametrize("persona", ["admin_oslo", "admin_oslo_and_bergen"])
def test_another_municipalitys_token_cannot_be_revoked(staff_client, persona):
    bergen = api_token_create(
        municipality_number="4601", label="Bergen", created_by=StaffFactory(admin_in=["4601"])
    )
    admin_in = ["0301", "4601"] if persona == "admin_oslo_and_bergen" else ["0301"]
    client = staff_client(admin_in=admin_in)
    # Through Oslo's page, whatever the user may do in Bergen.
    response = client.post(f"/forvaltning/0301/api-nokler/{bergen.token.pk}/tilbakekall/")
    assert response.status_code == 404
    if persona == "admin_oslo":
        direct = client.post(f"/forvaltning/4601/api-nokler/{bergen.token.pk}/tilbakekall/")
        assert direct.status_code == 404
    assert ApiToken.objects.get(pk=bergen.token.pk).is_active
    assert api_token_authenticate(secret=bergen.secret) is not None


def test_a_missing_token_is_404(staff_client):
    client = staff_client(admin_in=["0301"])
    assert client.post("/forvaltning/0301/api-nokler/987654/tilbakekall/").status_code == 404


def test_another_municipalitys_tokens_are_not_listed(staff_client):
    api_token_create(
        municipality_number="4601", label="Bergens fagsystem", created_by=StaffFactory()
    )
    client = staff_client(admin_in=["0301"])
    assert "Bergens fagsystem" not in client.get("/forvaltning/0301/").content.decode()


def test_a_failed_token_form_puts_the_focus_on_its_error_summary(staff_client):
    html = staff_client(admin_in=["0301"]).post(CREATE, {"label": ""}).content.decode()
    summary = re.search(
        r'<div class="ds-error-summary" tabindex="-1" autofocus[^>]*>(.*?)</div>', html, re.S
    )
    assert summary and 'href="#id_label"' in summary.group(1)
    assert html.count("autofocus") == 1


def test_copy_buttons_for_the_new_token_and_the_link_wait_for_the_script(staff_client):
    """«Kopier» is progressive enhancement: rendered hidden, shown by static/js/copy.js (from
    our own origin, under script-src 'self'); without it the text is there to copy by hand."""
    client = staff_client(admin_in=["0301"])
    # POST/redirect/GET: the new token is shown once, on the page the POST redirects to.
    html = client.post(CREATE, {"label": "Fagsystem"}, follow=True).content.decode()
    for target, said in (
        ("new-token", "API-nøkkelen er kopiert."),
        ("publish-link", "Lenken er kopiert."),
    ):
        button = re.search(rf'<button type="button"[^>]*data-copy="{target}"[^>]*>', html).group(0)
        assert " hidden>" in button and f'data-copied="{said}"' in button
        assert f'id="{target}-copy-status" role="status"' in html
    assert '<script src="/static/js/copy.js" defer></script>' in html
    assert "<script>" not in html  # nothing inline: the CSP allows none
