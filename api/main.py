"""The integration API at /api/v1/: JSON, OpenAPI 3 at /api/v1/openapi.json.

Every operation needs a municipality's API token (ApiTokenAuth); only the OpenAPI document is
public. Errors answer JSON: 401 without a valid token, 404 for anything outside the token's
municipality (as for a missing id), 409 for what the tracing rules refuse, 422 for bad input.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from api import close_contacts, indexes
from api.auth import ApiTokenAuth
from tracing.services import AlreadyRegistered, TracingError

api = NinjaAPI(
    title="Smittesporing – integrasjons-API",
    version="1",
    description=(
        "For kommunens egne fagsystemer: les og registrer indekser og nærkontakter i én "
        "kommune. Autentisering: `Authorization: Bearer <API-nøkkel>`; nøkkelen lages av "
        "kommunens administrator på /forvaltning/. All lesing føres i tilgangsloggen."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    # The Swagger page loads its scripts from a CDN, which the Content-Security-Policy forbids.
    docs_url=None,
    auth=ApiTokenAuth(),
)
api.add_router("/indexes", indexes.router)
api.add_router("/close-contacts", close_contacts.router)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": gettext("Mangler eller ugyldig API-nøkkel.")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="smittesporing"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same words for another municipality's object and a missing one (B-1).
    return api.create_response(request, {"detail": gettext("Finnes ikke.")}, status=404)


@api.exception_handler(AlreadyRegistered)
def _already_registered(request: HttpRequest, exc: AlreadyRegistered) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": gettext(
                "Personen er allerede registrert og under oppfølging (regel %(rule)s). "
                "Ta kontakt med kommunen som følger opp."
            )
            % {"rule": exc.rule},
            "code": "allerede_registrert",
            "rule": exc.rule,
        },
        status=409,
    )


@api.exception_handler(TracingError)
def _refused(request: HttpRequest, exc: TracingError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)
