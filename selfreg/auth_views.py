"""Citizen login, OIDC callback and logout (C-1).

Thin views: the protocol and the token checks live in registers.idporten; the login state in
selfreg.session. A failed login never creates a session login and never answers 500: the
citizen gets a page in Norwegian saying what happened, and the log gets a reason code (never
a fødselsnummer or a name).
"""

import logging
import time
from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import by_client, rate_limited
from registers import idporten
from selfreg.auth import citizen_login_required
from selfreg.session import citizen_login, citizen_logout, citizen_pid, login_time_left

logger = logging.getLogger(__name__)

DEFAULT_NEXT = "/innlogget/smitte-selvregistrering/hjemmetest"
_MAX_NEXT_LENGTH = 2000


def safe_next(value: str | None) -> str:
    """`value` if it is a path on this site, else the default start page (no open redirect)."""
    if (
        not value
        or len(value) > _MAX_NEXT_LENGTH
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(char) < 32 or ord(char) == 127 for char in value)
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return DEFAULT_NEXT
    return value


def login_url(next_path: str) -> str:
    """The login URL that brings the citizen back to `next_path` afterwards."""
    return f"{reverse('selfreg:login')}?{urlencode({'next': safe_next(next_path)})}"


def _failure_message(exc: idporten.IdportenError) -> tuple[str, str]:
    if isinstance(exc, idporten.ProviderUnavailable):
        return _("ID-porten svarer ikke"), _(
            "Vi får ikke kontakt med ID-porten akkurat nå, så du kan ikke logge inn. "
            "Prøv igjen om noen minutter."
        )
    if isinstance(exc, idporten.ProviderError):
        return _("Feil fra ID-porten"), _(
            "Vi fikk et svar fra ID-porten som vi ikke kunne bruke, så du er ikke logget inn. "
            "Prøv igjen om noen minutter."
        )
    if isinstance(exc, idporten.LoginCancelled):
        return _("Innloggingen ble avbrutt"), _(
            "Du avbrøt innloggingen, eller ID-porten kunne ikke logge deg inn. "
            "Du er ikke logget inn."
        )
    if isinstance(exc, idporten.InsufficientLevel):
        return _("Du må logge inn med høyt sikkerhetsnivå"), _(
            "Denne tjenesten krever innlogging på høyt sikkerhetsnivå, for eksempel med BankID. "
            "Du er ikke logget inn."
        )
    return _("Innloggingen kunne ikke fullføres"), _(
        "Vi kunne ikke bekrefte innloggingen, så du er ikke logget inn. Dette kan skje hvis du "
        "brukte tilbakeknappen, ventet lenge, eller logget inn i flere faner samtidig."
    )


def _login_failed(
    request: HttpRequest, exc: idporten.IdportenError, next_path: str
) -> HttpResponse:
    logger.warning("citizen login failed: %s (%s)", exc.reason, type(exc).__name__)
    heading, message = _failure_message(exc)
    return render(
        request,
        "selfreg/auth/login_failed.html",
        {"heading": heading, "message": message, "retry_url": login_url(next_path)},
        status=exc.status,
    )


@require_GET
@rate_limited(by_client("citizen_login_client"), methods=("GET",))  # S9
def login(request: HttpRequest) -> HttpResponse:
    """Start the OIDC login (C-1); ?next= is where to land afterwards (a local path only)."""
    next_path = safe_next(request.GET.get("next"))
    if citizen_pid(request.session):
        return HttpResponseRedirect(next_path)
    try:
        authorization_url = idporten.login_start(
            session=request.session,
            redirect_uri=request.build_absolute_uri(reverse("selfreg:callback")),
            next_path=next_path,
        )
    except idporten.IdportenError as exc:
        return _login_failed(request, exc, next_path)
    return HttpResponseRedirect(authorization_url)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the citizen back here with code and state (or an error)."""
    try:
        completed = idporten.login_complete(session=request.session, params=request.GET)
    except idporten.IdportenError as exc:
        return _login_failed(request, exc, DEFAULT_NEXT)
    citizen_login(request.session, pid=completed.pid, id_token=completed.id_token)
    rotate_token(request)  # S5: a CSRF token planted before the login is worthless after it
    logger.info("citizen login succeeded")
    return HttpResponseRedirect(safe_next(completed.next_path))


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """POST ends the session here, then at the provider (RP-initiated logout).

    GET only shows a page with the logout button: a link or a prefetch must not log anyone out.
    """
    if request.method == "GET":
        if not citizen_pid(request.session):
            return redirect("selfreg:logged_out")
        return render(request, "selfreg/auth/logout_confirm.html")
    id_token = citizen_logout(request.session)
    if not id_token:
        return redirect("selfreg:logged_out")
    try:
        end_session = idporten.logout_request(
            id_token=id_token,
            post_logout_redirect_uri=request.build_absolute_uri(reverse("selfreg:logged_out")),
        )
    except idporten.IdportenError as exc:
        # The local session is already gone; the provider's session ends on its own.
        logger.warning("citizen logout at provider skipped: %s", exc.reason)
        return redirect("selfreg:logged_out")
    logger.info("citizen logged out")
    # The ID token holds the fødselsnummer: it is POSTed to the provider by a form (sent at
    # once by a script, or by the citizen's click), never put in a redirect URL.
    response = render(
        request,
        "selfreg/auth/logout_handoff.html",
        {"end_session_url": end_session.url, "fields": end_session.fields},
    )
    # This page's form may post to the provider as well: django-csp's csp_update, applied to
    # this one response (the origin comes from the provider's discovery document).
    return csp_update({"form-action": [_origin(end_session.url)]})(lambda: response)()


@citizen_login_required
@require_http_methods(["POST"])
def extend_session(request: HttpRequest) -> HttpResponse:
    """«Forleng økten»: the idle timeout starts again (never past S5's absolute limit). The
    page's script asks for JSON and stays where it is; without it, back to the page."""
    request.session.modified = True  # saved on the way out: a new expiry
    if "application/json" in request.headers.get("Accept", ""):
        left = login_time_left(request.session, now=time.time())
        return JsonResponse({"seconds_left": left.seconds, "extendable": left.extendable})
    return HttpResponseRedirect(safe_next(request.POST.get("next")))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    return render(request, "selfreg/auth/logged_out.html", {"login_url": login_url(DEFAULT_NEXT)})
