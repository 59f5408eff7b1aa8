"""Overload: a request that waited in a queue longer than QUEUE_TIMEOUT_SECONDS is refused at
once with 503, `Retry-After` and a Norwegian page, instead of being served late or left to
time out (docs/adr/0014-cluster-and-shedding.md).

nginx stamps every request it passes on with the moment it sent it, `X-Request-Start: t=<unix
seconds with milliseconds>` (`$msec`, deploy/nginx/). Between that moment and this middleware
the request waits in the kernel's listen queue of gunicorn (bounded by its backlog) for a free
worker; that wait is what grows when more people arrive than the nodes can serve. A request
without the header (a probe, a test, gunicorn reached directly) is never refused.

Refusing costs well under a millisecond's work here: no session, no database, no view; what the
citizen posted is put back into the page as a form of hidden fields, so that one button sends
the same answers again later (a form sent twice registers once, C-8). Passwords are never echoed.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation

from core.errors import error_page_context
from core.metrics import overload_refusal_counted

logger = logging.getLogger(__name__)

REQUEST_START_HEADER = "X-Request-Start"
# Fields whose value never goes back into a page, whatever the form.
_NEVER_ECHOED = ("password",)
# A form larger than this is not echoed (the citizen's forms are a few hundred bytes).
_ECHO_MAX_BYTES = 16 * 1024


def request_start(header: str) -> float | None:
    """The send time in `X-Request-Start` ("t=1700000000.123", or the number alone) as Unix
    seconds. Milliseconds and microseconds since the epoch (other proxies' forms) are
    recognised by their size. None for anything else."""
    raw = header.strip().removeprefix("t=")
    try:
        value = float(raw)
    except ValueError:
        return None
    if value != value or value <= 0:  # NaN, or nothing sensible
        return None
    if value > 1e14:  # microseconds
        value /= 1e6
    elif value > 1e11:  # milliseconds
        value /= 1e3
    return value


def queue_seconds(request: HttpRequest, *, now: float) -> float | None:
    start = request_start(request.headers.get(REQUEST_START_HEADER, ""))
    return None if start is None else now - start


def _posted_fields(request: HttpRequest) -> list[tuple[str, str]] | None:
    if request.method != "POST":
        return None
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > _ECHO_MAX_BYTES or request.FILES:
            return None
        return [
            (name, value)
            for name, values in request.POST.lists()
            for value in values
            if not any(word in name.lower() for word in _NEVER_ECHOED)
        ]
    except Exception:  # a malformed body: refuse without echoing it
        return None


def overloaded(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The 503 page: busy, try again in a few minutes, nothing typed is lost."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(
            request,
            "errors/503_busy.html",
            error_page_context(
                request,
                contact=False,  # a busy server reads nothing more than it must
                minutes=max(1, round(retry_after / 60)),
                posted=_posted_fields(request),
                action=request.get_full_path(),
            ),
            status=503,
        )
    response["Retry-After"] = str(retry_after)
    # Logged once, as a warning, by the middleware: not as an error by django.request too.
    response._has_been_logged = True
    return response


def limit_for(request: HttpRequest) -> float | None:
    """The queue limit of this request: QUEUE_TIMEOUT_ENTRY_SECONDS for a GET of a view in
    QUEUE_TIMEOUT_ENTRY (where a citizen begins: the entry page, the login), so that past
    capacity new arrivals are refused first and a citizen already in the flow finishes instead
    of being refused half-way, the work done for them lost; None (never refused) for a view in
    QUEUE_TIMEOUT_EXEMPT (the receipt follows an accepted registration: refusing it would show
    a citizen whose form went in only the busy page); QUEUE_TIMEOUT_SECONDS otherwise."""
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        name = ""
    if name in settings.QUEUE_TIMEOUT_EXEMPT:
        return None
    if request.method in ("GET", "HEAD") and name in settings.QUEUE_TIMEOUT_ENTRY:
        return settings.QUEUE_TIMEOUT_ENTRY_SECONDS
    return settings.QUEUE_TIMEOUT_SECONDS


class QueueTimeMiddleware:
    """Refuses, with `overloaded`, a request that nginx sent more than QUEUE_TIMEOUT_SECONDS
    ago. Placed after the security headers (the page gets them) and before the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        shortest = min(settings.QUEUE_TIMEOUT_SECONDS, settings.QUEUE_TIMEOUT_ENTRY_SECONDS)
        if settings.QUEUE_TIMEOUT_SECONDS > 0:
            waited = queue_seconds(request, now=time.time())
            # The URL is resolved only for a request that waited longer than the shortest limit.
            if waited is not None and waited > shortest:
                limit = limit_for(request)
                if limit is not None and waited > limit:
                    logger.warning("overload: refused after %.0f ms in the queue", waited * 1000)
                    overload_refusal_counted()
                    return overloaded(request, retry_after=settings.OVERLOAD_RETRY_AFTER_SECONDS)
        return self.get_response(request)
