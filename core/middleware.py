"""Response headers every page gets (S6), and the absolute lifetime of a login (S5)."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.sessions import login_kinds, needs_touch

logger = logging.getLogger(__name__)


def content_security_policy(*, form_action: tuple[str, ...] = ()) -> str:
    """The policy of every page; `form_action` adds origins a page's form may post to (the
    identity provider's end-session endpoint)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            " ".join(["form-action 'self'", *form_action]),
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


class SecurityHeadersMiddleware:
    """CSP on every response; no-store on every page, since most pages show personal data.

    Placed right after Django's SecurityMiddleware, outside everything else, so that error
    pages made for an exception in another middleware get the headers too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
    marks it for saving (a new expiry and cookie) only once the stored expiry is more than
    SESSION_TOUCH_INTERVAL_SECONDS old (core.sessions): one write a minute for an
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
            request.session,
            now=timezone.now(),
            age=settings.SESSION_COOKIE_AGE,
            interval=settings.SESSION_TOUCH_INTERVAL_SECONDS,
        ):
            request.session.modified = True
        return response
