"""Forvaltning at /forvaltning/ (A-1…A-3): a municipality's status, the self-registration
switch, the link to publish, the home page and phone number shown to citizens the portal turns
away, and the integration's API tokens.

Every view is for administrators (admin_required) and reaches the municipality only through
administration.access (A-2); every change goes through a service that logs who made it.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import admin_required
from accounts.models import Role
from accounts.selectors import api_token_list, user_municipalities
from accounts.services import AccountsError, api_token_create, api_token_revoke
from administration.access import municipality_get_for_admin
from administration.forms import ApiTokenForm, MunicipalityContactForm, SelfregSwitchForm
from core.i18n import LANGUAGE_PARAMETER
from municipalities.models import Municipality
from municipalities.selectors import municipality_contact_changes, municipality_status_changes
from municipalities.services import (
    MunicipalityContactError,
    MunicipalityError,
    municipality_set_contact,
    municipality_set_status,
)

logger = logging.getLogger(__name__)

SOURCE = "admin-page"
SOURCES = {
    SOURCE: gettext_lazy("Forvaltningssiden"),
    "command": gettext_lazy("Driftskommando"),
    "demo-data": gettext_lazy("Demodata"),
}


def publish_link(request: HttpRequest, number: str, *, language: str = "") -> str:
    """A-3: the link the municipality publishes on its home page, with its number filled in;
    with `language`, the link that opens the page in that language (core.i18n, `?lang=`).

    SITE_URL is the public address; without it, the address this page was asked for.
    """
    base = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    query = {"kommunenummer": number} | ({LANGUAGE_PARAMETER: language} if language else {})
    return f"{base}{reverse('selfreg:start')}?{urlencode(query)}"


def publish_links_by_language(request: HttpRequest, number: str) -> list[tuple[str, str, str]]:
    """(code, name, link) for each language besides the source language (bokmål)."""
    return [
        (code, name, publish_link(request, number, language=code))
        for code, name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


def _with_source(changes) -> list[dict]:
    """The latest logged changes, each with where it was made, in words."""
    return [{"change": c, "source": SOURCES.get(c.source, c.source)} for c in changes[:10]]


def _render(
    request: HttpRequest,
    municipality: Municipality,
    *,
    token_form: ApiTokenForm | None = None,
    contact_form: MunicipalityContactForm | None = None,
    created=None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "administration/municipality.html",
        {
            "nav": "forvaltning",
            "municipality": municipality,
            "publish_link": publish_link(request, municipality.number),
            "publish_links_by_language": publish_links_by_language(request, municipality.number),
            "changes": _with_source(municipality_status_changes(number=municipality.number)),
            "contact_form": contact_form
            or MunicipalityContactForm(
                initial={"website": municipality.website, "phone": municipality.phone_display}
            ),
            "contact_changes": _with_source(
                municipality_contact_changes(number=municipality.number)
            ),
            "tokens": list(api_token_list(municipality_number=municipality.number)),
            "token_form": token_form or ApiTokenForm(),
            "created": created,
            "several": len(user_municipalities(user=request.user, role=Role.ADMIN)) > 1,
        },
        status=status,
    )


@admin_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    """The administrator's municipalities; with only one, straight to it."""
    municipalities = user_municipalities(user=request.user, role=Role.ADMIN)
    if len(municipalities) == 1:
        return redirect("administration:municipality", number=municipalities[0].number)
    return render(
        request,
        "administration/home.html",
        {"nav": "forvaltning", "municipalities": municipalities},
    )


# A new token's secret, from its POST to the page that shows it (POST/redirect/GET): kept in the
# server-side session for that one redirect, and taken out when shown.
NEW_TOKEN_KEY = "administration_new_api_token"  # noqa: S105  (a session key name)


def _new_token_take(request: HttpRequest, municipality: Municipality) -> dict | None:
    """The token just created for this municipality, once; None on any later view."""
    pending = request.session.pop(NEW_TOKEN_KEY, None)
    if not pending or pending.get("municipality") != municipality.number:
        return None
    tokens = api_token_list(municipality_number=municipality.number)
    token = next((t for t in tokens if t.pk == pending.get("token_id") and t.is_active), None)
    return {"token": token, "secret": pending["secret"]} if token else None


@admin_required
@require_GET
def municipality_view(request: HttpRequest, number: str) -> HttpResponse:
    """A-1, A-3: status, the switch, the link to publish, recent switches, API tokens."""
    municipality = municipality_get_for_admin(user=request.user, number=number)
    return _render(request, municipality, created=_new_token_take(request, municipality))


@admin_required
@require_POST
def selfreg_switch_view(request: HttpRequest, number: str) -> HttpResponse:
    """A-1: "Ta i bruk selvregistrering" and back off, logged with who and when."""
    municipality = municipality_get_for_admin(user=request.user, number=number)
    form = SelfregSwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ukjent valg. Bruk knappene på siden."))
        return redirect("administration:municipality", number=municipality.number)
    if not form.enable and municipality.selfreg_enabled and not form.confirmed:
        return _confirm_switch_off(request, municipality)
    try:
        municipality = municipality_set_status(
            number=municipality.number,
            selfreg_enabled=form.enable,
            changed_by=request.user,
            source=SOURCE,
        )
    except MunicipalityError as exc:
        messages.error(request, str(exc))
    else:
        logger.info(
            "selfreg switched municipality=%s enabled=%s by user_id=%s",
            municipality.number,
            municipality.selfreg_enabled,
            request.user.pk,
        )
        if municipality.selfreg_enabled:
            messages.success(
                request,
                _("Selvregistrering er tatt i bruk. Publiser lenken på kommunens hjemmeside."),
            )
        else:
            messages.success(request, _("Selvregistrering er slått av."))
    return redirect("administration:municipality", number=municipality.number)


@admin_required
@require_POST
def contact_view(request: HttpRequest, number: str) -> HttpResponse:
    """«Nettside» and «Telefon», shown to citizens the portal turns away; logged with who and
    when, like the switch."""
    municipality = municipality_get_for_admin(user=request.user, number=number)
    form = MunicipalityContactForm(request.POST)
    if form.is_valid():
        try:
            municipality = municipality_set_contact(
                number=municipality.number,
                website=form.cleaned_data["website"],
                phone=form.cleaned_data["phone"],
                changed_by=request.user,
                source=SOURCE,
            )
        except MunicipalityContactError as exc:
            for field, message in exc.errors.items():
                form.add_error(field, message)
        else:
            logger.info(
                "contact details saved municipality=%s website=%s phone=%s by user_id=%s",
                municipality.number,
                bool(municipality.website),
                bool(municipality.phone),
                request.user.pk,
            )
            messages.success(request, _("Kontaktinformasjonen er lagret."))
            return redirect("administration:municipality", number=municipality.number)
    return _render(request, municipality, contact_form=form, status=400)


def _confirm_switch_off(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """«Slå av selvregistrering» asks first: citizens following the published link are turned
    away from then on."""
    return render(
        request,
        "backoffice/confirm.html",
        {
            "nav": "forvaltning",
            "page_title": _("Slå av selvregistrering"),
            "title": _("Vil du slå av selvregistrering for %(name)s?")
            % {"name": municipality.name},
            "paragraphs": [
                _(
                    "Innbyggere som følger lenken på kommunens hjemmeside, kan ikke lenger "
                    "registrere en positiv hjemmetest. De får beskjed om å gå til kommunens "
                    "hjemmeside."
                ),
                _("Registreringer som allerede er gjort, blir liggende i arbeidslistene."),
            ],
            "action": reverse("administration:selfreg_switch", args=[municipality.number]),
            "fields": [("selvregistrering", "off")],
            "confirm_label": _("Ja, slå av selvregistrering"),
            "cancel_url": reverse("administration:municipality", args=[municipality.number]),
        },
    )


@admin_required
@require_POST
def api_token_create_view(request: HttpRequest, number: str) -> HttpResponse:
    """A new API token (stored hashed, ADR 0005), shown once on the page this redirects to.

    POST/redirect/GET: answering the POST directly let a reload send it again and make a
    second live token. The secret waits in the server-side session until that page takes it.
    """
    municipality = municipality_get_for_admin(user=request.user, number=number)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            created = api_token_create(
                municipality_number=municipality.number,
                label=form.cleaned_data["label"],
                created_by=request.user,
            )
        except AccountsError as exc:
            form.add_error("label", str(exc))
        else:
            logger.info(
                "api token created id=%s municipality=%s by user_id=%s",
                created.token.pk,
                municipality.number,
                request.user.pk,
            )
            request.session[NEW_TOKEN_KEY] = {
                "municipality": municipality.number,
                "token_id": created.token.pk,
                "secret": created.secret,
            }
            return redirect(
                reverse("administration:municipality", args=[municipality.number]) + "#new-token"
            )
    return _render(request, municipality, token_form=form, status=400)


@admin_required
@require_POST
def api_token_revoke_view(request: HttpRequest, number: str, token_id: int) -> HttpResponse:
    """Revoke a token of this municipality; another municipality's token answers 404 (A-2)."""
    municipality = municipality_get_for_admin(user=request.user, number=number)
    try:
        token = api_token_revoke(
            token_id=token_id, municipality_number=municipality.number, revoked_by=request.user
        )
    except AccountsError as exc:
        raise Http404 from exc
    logger.info(
        "api token revoked id=%s municipality=%s by user_id=%s",
        token.pk,
        municipality.number,
        request.user.pk,
    )
    messages.success(
        request, _("API-nøkkelen «%(label)s» er tilbakekalt.") % {"label": token.label}
    )
    return redirect("administration:municipality", number=municipality.number)
