"""Response headers every page gets besides the CSP (S6), the absolute lifetime of a login
(S5), and the request id every log line of a request carries."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from core.logfilters import request_id_var
from core.sessions import login_kinds, needs_touch

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """X-Frame-Options on every response; no-store on every page, since most pages show
    personal data. (The Content-Security-Policy comes from django-csp's middleware, placed
    before this one: settings.CONTENT_SECURITY_POLICY.)

    Placed right after Django's SecurityMiddleware, outside everything else, so that error
    pages made for an exception in another middleware get the headers too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(response, "xframe_options_exempt", False):
            # Django's XFrameOptionsMiddleware sits inside; this also covers its outside.
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def login_past_absolute_limit(session: SessionBase, *, now: float) -> bool:
    """S5: a login of any registered kind (citizen, staff: core.sessions.login_kinds) older
    than SESSION_ABSOLUTE_TIMEOUT_SECONDS, or one whose login time is unknown (fail closed)."""
    limit = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
    for kind in login_kinds():
        if session.get(kind.logged_in_key) is None:
            continue
        login_at = session.get(kind.login_at_key)
        if not isinstance(login_at, int | float) or now - login_at > limit:
            return True
    return False


class SessionLifetimeMiddleware:
    """S5: ends a login 120 minutes after it began, however active the user has been, and
    keeps the idle timeout (30 minutes, SESSION_COOKIE_AGE) moving with the user's activity.

    The idle timeout is the session's expiry. A request that leaves the session unchanged
    marks it for saving (a new expiry and cookie) only once its last save is more than
    SESSION_TOUCH_INTERVAL_SECONDS ago (core.sessions): one write a minute for an
    active user instead of one per request. Goes right after SessionMiddleware, before
    anything reads the login; on the way out it runs before SessionMiddleware saves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if login_past_absolute_limit(request.session, now=time.time()):
            request.session.flush()
            logger.info("session ended: login older than the absolute limit")
        response = self.get_response(request)
        if needs_touch(
            request.session, now=time.time(), interval=settings.SESSION_TOUCH_INTERVAL_SECONDS
        ):
            request.session.modified = True
        return response


REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id (32 hex digits) and UUIDs. Nothing else is taken from outside: a header
# is the client's to fill, and a name or a fødselsnummer must never reach a log line this way.
_SANE_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")


def request_id_from(request: HttpRequest) -> str:
    """The proxy's X-Request-ID if it looks like one, else a new one of the same shape."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _SANE_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Every log line made while serving a request carries its id (core.logfilters), and the
    response names it in X-Request-ID, so an nginx access-log line, the app's lines and what a
    user reports meet. Outermost, so that every other middleware logs with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
