"""Endpoints of the test identity provider (O-5): discovery, JWKS, authorize, token, end-session,
and Maskinporten's discovery and token endpoint for the register clients.

Mounted at /testidp/ only when settings.TEST_IDP_ENABLED; every view also refuses (404) when the
test IdP is switched off or the site runs in production mode.
"""

import contextlib
import logging
from collections.abc import Callable, Mapping
from functools import wraps
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.i18n import is_language_switch, requested_language
from testidp import maskinporten
from testidp.forms import LoginForm
from testidp.keys import SIGNING_ALG, public_jwks
from testidp.services import (
    ACR_VALUES_SUPPORTED,
    AuthorizeRequest,
    OidcError,
    authorization_code_issue,
    authorization_code_redeem,
    authorize_request_parse,
    client_authenticate,
    token_response,
    uri_is_same_origin,
)

logger = logging.getLogger(__name__)

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def idp_enabled_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.PRODUCTION or not settings.TEST_IDP_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _issuer(request: HttpRequest) -> str:
    # Built from the request so that it holds on any host and port (runserver, live_server).
    return request.build_absolute_uri(reverse("testidp:discovery")).removesuffix(DISCOVERY_SUFFIX)


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _with_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


@idp_enabled_only
@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return JsonResponse(
        {
            "issuer": _issuer(request),
            "authorization_endpoint": url("testidp:authorize"),
            "token_endpoint": url("testidp:token"),
            "jwks_uri": url("testidp:jwks"),
            "end_session_endpoint": url("testidp:end_session"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": ["openid", "profile"],
            "id_token_signing_alg_values_supported": [SIGNING_ALG],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "private_key_jwt",
            ],
            "token_endpoint_auth_signing_alg_values_supported": [SIGNING_ALG],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": list(ACR_VALUES_SUPPORTED),
            "claims_supported": ["iss", "aud", "sub", "pid", "acr", "amr", "nonce", "iat", "exp"],
            "ui_locales_supported": [code for code, _name in settings.LANGUAGES],
        }
    )


@idp_enabled_only
@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(public_jwks())


def _requested_ui_locale(request: HttpRequest, params: Mapping[str, str]) -> str | None:
    """The page's language from the authorization request's `ui_locales` (a space-separated
    list of language tags, most wanted first), as ID-porten does; a language chosen on the page
    itself (`?lang=`) wins. None: the site's usual choice (cookie, Accept-Language)."""
    if requested_language(request):
        return None
    supported = dict(settings.LANGUAGES)
    for tag in params.get("ui_locales", "").split():
        code = tag.lower().split("-")[0]
        if code in supported:
            return code
    return None


def _in_language(code: str | None):
    return translation.override(code) if code else contextlib.nullcontext()


def _login_page(
    request: HttpRequest, authorize_request: AuthorizeRequest, form: LoginForm
) -> HttpResponse:
    # The language shown travels with the form, so a re-shown page keeps it.
    hidden = [(name, value) for name, value in authorize_request.hidden_fields()
              if name != "ui_locales"] + [("ui_locales", translation.get_language())]  # fmt: skip
    return render(
        request,
        "testidp/login.html",
        {"form": form, "hidden_fields": hidden, "language_switch_form": "testidp-login"},
    )


@idp_enabled_only
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    with _in_language(_requested_ui_locale(request, params)):
        return _authorize(request, params)


def _authorize(request: HttpRequest, params: Mapping[str, str]) -> HttpResponse:
    try:
        authorize_request = authorize_request_parse(params, origin=_origin(request))
    except OidcError as exc:
        # Never redirect to a redirect_uri that failed the checks: show the error here.
        logger.info("test IdP: authorization request refused: %s", exc.error)
        return render(
            request,
            "testidp/error.html",
            {"error": exc.error, "description": exc.description},
            status=400,
        )
    if request.method == "GET":
        return _login_page(request, authorize_request, LoginForm())
    if is_language_switch(request):
        # The same page in the language chosen (?lang=), what was typed kept, nothing checked.
        typed = {"fnr": request.POST.get("fnr", "")[:100]}
        return _login_page(request, authorize_request, LoginForm(initial=typed))
    if "cancel" in request.POST:
        return HttpResponseRedirect(
            _with_params(
                authorize_request.redirect_uri,
                {"error": "access_denied", "state": authorize_request.state},
            )
        )
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, authorize_request, form)
    code = authorization_code_issue(request=authorize_request, pid=form.cleaned_data["fnr"])
    return HttpResponseRedirect(
        _with_params(
            authorize_request.redirect_uri,
            {"code": code, "state": authorize_request.state, "iss": _issuer(request)},
        )
    )


@csrf_exempt  # a back-channel call from the client, authenticated by its client secret
@idp_enabled_only
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    try:
        client_id = client_authenticate(
            authorization=request.headers.get("Authorization", ""),
            form=request.POST,
            issuer=_issuer(request),
        )
        if request.POST.get("grant_type") != "authorization_code":
            raise OidcError("unsupported_grant_type", "only authorization_code is supported")
        grant = authorization_code_redeem(
            code=request.POST.get("code", ""),
            client_id=client_id,
            redirect_uri=request.POST.get("redirect_uri", ""),
            code_verifier=request.POST.get("code_verifier", ""),
        )
    except OidcError as exc:
        logger.info("test IdP: token request refused: %s", exc.error)
        response = JsonResponse(
            {"error": exc.error, "error_description": exc.description}, status=exc.status
        )
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="testidp"'
        return response
    response = JsonResponse(token_response(issuer=_issuer(request), grant=grant))
    response["Pragma"] = "no-cache"
    return response


# RP-initiated logout comes as GET or as a form POST from the client's page (which carries
# no CSRF token of ours: it is another site's form, as with ID-porten).
@csrf_exempt
@idp_enabled_only
@require_http_methods(["GET", "POST"])
def end_session(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    target = params.get("post_logout_redirect_uri", "")
    if target and uri_is_same_origin(target, origin=_origin(request)):
        state = params.get("state")
        return HttpResponseRedirect(_with_params(target, {"state": state} if state else {}))
    return render(request, "testidp/logged_out.html")


def maskinporten_issuer(request: HttpRequest) -> str:
    """As Maskinporten's own (https://maskinporten.no/): with the trailing slash."""
    return request.build_absolute_uri(reverse("testidp:maskinporten_token")).removesuffix("token")


@idp_enabled_only
@require_GET
def maskinporten_discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "issuer": maskinporten_issuer(request),
            "token_endpoint": request.build_absolute_uri(reverse("testidp:maskinporten_token")),
            "jwks_uri": request.build_absolute_uri(reverse("testidp:jwks")),
            "grant_types_supported": [maskinporten.GRANT_TYPE],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": list(maskinporten.GRANT_ALGORITHMS),
        }
    )


@csrf_exempt  # a back-channel call, authenticated by the signed grant
@idp_enabled_only
@require_POST
def maskinporten_token(request: HttpRequest) -> JsonResponse:
    issuer = maskinporten_issuer(request)
    try:
        if request.POST.get("grant_type") != maskinporten.GRANT_TYPE:
            raise OidcError("unsupported_grant_type", "only the JWT-bearer grant is supported")
        client, scopes = maskinporten.grant_verify(
            assertion=request.POST.get("assertion", ""), issuer=issuer
        )
    except OidcError as exc:
        logger.info("test IdP: Maskinporten grant refused: %s", exc.error)
        return JsonResponse(
            {"error": exc.error, "error_description": exc.description}, status=exc.status
        )
    response = JsonResponse(
        maskinporten.token_response(issuer=issuer, client=client, scopes=scopes)
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
