"""Rate limits on login and submission, per client and per person (S9).

A fixed-window counter in Django's cache: Redis in production (REDIS_URL), so that every app
process shares the counts; local memory by default. One window per limit: `cache.add` creates
the counter with the window's lifetime, `cache.incr` counts atomically (Redis INCR).

The limits are read from settings.RATE_LIMITS on every call ("requests/seconds", overridable by
environment variables, see the README). Past a limit the view is not run: the answer is 429 with
`Retry-After` (seconds until the window ends) and a page in Norwegian.

What is counted is never stored as given: the cache key holds an HMAC of the client address,
fødselsnummer or username, so neither Redis nor its logs ever hold a number or a name (S10).

If the cache cannot be reached the request is let through and the failure logged: a Redis
outage must not stop citizens from registering (the login lockout per username in the database,
accounts.services, still holds for staff).

Not django-ratelimit: its windows end at a different time for each key, its cache keys are an
unkeyed hash, and it raises when Redis is down (docs/adr/0008-libraries.md).
"""

import hashlib
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.metrics import rate_limit_refusal_counted

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int


def limit_get(name: str) -> Limit:
    """The limit called `name` in settings.RATE_LIMITS, e.g. "60/600": 60 requests in 600 s."""
    raw = settings.RATE_LIMITS.get(name)
    if raw is None:
        raise ImproperlyConfigured(f"RATE_LIMITS has no limit called {name!r}")
    try:
        requests, seconds = (int(part) for part in str(raw).split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"RATE_LIMITS[{name!r}] must be 'requests/seconds', e.g. '60/600', not {raw!r}"
        ) from exc
    if requests < 1 or seconds < 1:
        raise ImproperlyConfigured(f"RATE_LIMITS[{name!r}] must be positive, not {raw!r}")
    return Limit(requests=requests, window_seconds=seconds)


def _digest(value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def rate_limit_hit(*, name: str, key: str, now: float | None = None) -> int | None:
    """Count one request for `key` under the limit `name`. Returns None while within the limit,
    else the seconds until the window ends (for Retry-After)."""
    limit = limit_get(name)
    now = time.time() if now is None else now
    window = limit.window_seconds
    window_start = int(now // window) * window
    cache_key = f"{KEY_PREFIX}:{name}:{_digest(key)}:{window_start}"
    try:
        # Lives a little past the window, so a late incr never sees a vanished counter.
        cache.add(cache_key, 0, timeout=window + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 5)
            count = 1
    except Exception as exc:  # the cache is down: let the request through, say so
        logger.warning("rate limit %s not checked: cache error %s", name, type(exc).__name__)
        return None
    if count <= limit.requests:
        return None
    return max(1, math.ceil(window_start + window - now))


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets
    (settings.RATE_LIMIT_CLIENT_IP_HEADER, e.g. "HTTP_X_REAL_IP"). An IPv6 client counts by its
    /64 network, since one host can pick any address in it."""
    header = settings.RATE_LIMIT_CLIENT_IP_HEADER
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    raw = raw.split(",")[0].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Rule:
    """One limit on a view: its name in RATE_LIMITS and what to count by (None: not counted)."""

    name: str
    key: Callable[[HttpRequest], str | None]


def by_client(name: str) -> Rule:
    return Rule(name=name, key=client_address)


def by_citizen(name: str) -> Rule:
    """Per logged-in citizen (the `pid`); the view must be inside citizen_login_required."""
    return Rule(name=name, key=lambda request: getattr(request, "citizen_pid", None))


def by_posted_username(name: str) -> Rule:
    """Per username tried at the staff login, case-insensitive like the lockout."""

    def key(request: HttpRequest) -> str | None:
        username = request.POST.get("username", "").strip().lower()[:150]
        return username or None

    return Rule(name=name, key=key)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "ratelimit.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(*rules: Rule, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view with limits; only requests with one of `methods` are counted.

    Every rule is counted (so a blocked client still uses up its person's allowance and vice
    versa); the longest wait wins.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if settings.RATE_LIMIT_ENABLED and request.method in methods:
                waits = []
                for rule in rules:
                    key = rule.key(request)
                    if key:
                        wait = rate_limit_hit(name=rule.name, key=key)
                        if wait is not None:
                            waits.append(wait)
                            logger.warning("rate limit %s exceeded", rule.name)
                            rate_limit_refusal_counted(rule.name)
                if waits:
                    return too_many_requests(request, max(waits))
            return view(request, *args, **kwargs)

        wrapper.rate_limits = tuple(rule.name for rule in rules)  # read by the S9 tests
        return wrapper

    return decorate
