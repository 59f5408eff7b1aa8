"""Behaviour shared by every portal view, written once."""

import logging
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from registers.types import RegisterError
from selfreg.auth import citizen_login_required
from selfreg.contact import request_municipality

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def register_errors_as_503(view):
    """A register that cannot answer gives the citizen a clear 'try again later' page with
    status 503, never a 500. Registers are read before anything is written, so nothing is
    half-registered. Logs the view and the error class only: the message may hold a number."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RegisterError as exc:
            logger.warning("register unavailable in %s: %s", view.__name__, type(exc).__name__)
            context = {"municipality": request_municipality(request)}
            response = render(request, "selfreg/unavailable.html", context, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return wrapper


def portal_page(*methods: str):
    """Every portal page: login first (C-1), then the allowed methods, then the 503 page for a
    register that is down. The login check is outermost so the route audit can see it."""

    def decorate(view):
        inner = register_errors_as_503(require_http_methods(list(methods))(view))
        return citizen_login_required(inner)

    return decorate
