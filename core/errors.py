"""Error pages in Norwegian for 400, 403 (and CSRF failures), 404 and 500/503 (R3).

None of them needs the database: the 500 page must render when the database is what failed
(the templates extend base.html, which reads neither the user nor the messages). A citizen's
page names whom to contact when an app knows (core.contact), asked only when the database is
not what failed, and left out if asking fails. A server error
gets a short reference number that the citizen sees and that the log line carries, with the
exception's type and where it was raised, never its message: a database error's message can
quote a row, and with it a fødselsnummer.
"""

import logging
import secrets
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.contact import contact_context
from core.logfilters import exception_summary

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def reference_new() -> str:
    """Eight characters the citizen can read out on the phone, e.g. "3FA9C21B"."""
    return secrets.token_hex(4).upper()


_STAFF_PREFIXES = ("/smittesporing/", "/forvaltning/", "/django-admin/")


def error_page_context(request: HttpRequest, *, contact: bool = True, **extra) -> dict:
    """Where the page's one link leads: the back office's start for staff URLs, else the
    citizen portal's start, with whom the citizen can contact when an app knows it
    (core.contact; not with `contact=False`, when the database is what failed or the server is
    too busy to read it: the providers may)."""
    if request.path.startswith(_STAFF_PREFIXES):
        home = {"home_url": reverse("tracing:home"), "home_label": _("Til forsiden")}
    else:
        home = {
            "home_url": reverse("selfreg:start"),
            "home_label": _("Til selvregistrering av positiv hjemmetest"),
            **(contact_context(request) if contact else {}),
        }
    return {**home, **extra}


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached, here or as the cause of `exc` (Django turns a
    failed session save into SessionInterrupted, a 400, with the database error as cause)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the page for an exception nobody handled, with a reference number.

    A database that cannot be reached answers 503 with Retry-After (the citizen may try again,
    and a repeated form registers once, C-8); anything else 500.
    """
    return _server_error_response(request, sys.exc_info()[1])


def _server_error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    reference = reference_new()
    request.error_reference = reference  # read by the log filter on django.request
    match = getattr(request, "resolver_match", None)
    logger.error(
        "server error reference=%s exc=%s view=%s",
        reference,
        exception_summary(exc) if exc is not None else "unknown",
        match.view_name if match else "-",
        extra={"error_reference": reference},
    )
    unavailable = is_database_unavailable(exc)
    status = 503 if unavailable else 500
    try:
        response = render(
            request,
            "errors/500.html",
            error_page_context(
                request, contact=not unavailable, reference=reference, unavailable=unavailable
            ),
            status=status,
        )
    except Exception:  # the page itself failed: still answer, still with the reference
        logger.exception(
            "error page failed reference=%s", reference, extra={"error_reference": reference}
        )
        response = HttpResponseServerError(
            _("Noe gikk galt. Referanse: %(reference)s") % {"reference": reference},
            content_type="text/plain; charset=utf-8",
        )
        response.status_code = status
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, unless the database caused it: then the 503 page (R3)."""
    if is_database_unavailable(exception):
        return _server_error_response(request, exception)
    return render(request, "errors/400.html", error_page_context(request), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "errors/403.html", error_page_context(request), status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "errors/404.html", error_page_context(request), status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a form sent again long after it was shown, or with cookies
    off. Django logs the reason (django.security.csrf); the page says what to do."""
    return render(request, "errors/403_csrf.html", error_page_context(request), status=403)
