"""Metrics for Prometheus (prometheus_client), served at /metrics to METRICS_ALLOWED_ADDRESSES.

What is counted: requests and their latency per route (the URL pattern's name, never the path,
which would make one series per id), registrations per duplicate rule and outcome (tracing),
and rate-limit refusals per limit (core.ratelimit). No label ever holds a person's data.
Gauges read at scrape time (the outbox's backlog) are registered by the app that owns them
(`scrape_gauge_register`, from its ready()), so this module names none of them.

gunicorn runs several worker processes, each with its own counters. With
PROMETHEUS_MULTIPROC_DIR set (deploy/gunicorn.conf.py, the systemd unit) every process writes
its values to files there and a scrape, served by whichever worker, adds up all of them
(prometheus_client's multiprocess mode). Without it (runserver, tests) the process's own
registry is served.
"""

import ipaddress
import logging
import os
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "smittesporing_http_requests",
    "HTTP requests answered, per route (URL pattern name), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "smittesporing_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it, per route and method.",
    ["route", "method"],
)
REGISTRATIONS = Counter(
    "smittesporing_registrations",
    "Index registrations per duplicate rule (section 5, or C-5) and outcome: registered, "
    "refused, or repeated (the same form sent again, C-8).",
    ["rule", "outcome"],
)
RATE_LIMIT_REFUSALS = Counter(
    "smittesporing_rate_limit_refusals",
    "Requests refused with 429 per rate limit exceeded (S9).",
    ["limit"],
)
OVERLOAD_REFUSALS = Counter(
    "smittesporing_overload_refusals",
    "Requests refused with 503 because they waited in the queue longer than "
    "QUEUE_TIMEOUT_SECONDS (core.shedding).",
)

# name -> (documentation, read): a value read fresh at each scrape, e.g. a count in the database.
_SCRAPE_GAUGES: dict[str, tuple[str, Callable[[], float]]] = {}


def scrape_gauge_register(*, name: str, documentation: str, read: Callable[[], float]) -> None:
    """Called from an app's ready(): `read()` gives the gauge's value when /metrics is read."""
    _SCRAPE_GAUGES[name] = (documentation, read)


class ScrapeGauges:
    """The registered gauges, read when scraped; one that cannot be read (the database is down)
    is left out of that scrape and logged, so the rest is still served."""

    def describe(self):  # nothing is read at registration
        return []

    def collect(self):
        for name, (documentation, read) in _SCRAPE_GAUGES.items():
            try:
                value = read()
            except Exception as exc:  # a metric must not fail the scrape
                logger.warning("metric %s not read: %s", name, type(exc).__name__)
                continue
            yield GaugeMetricFamily(name, documentation, value=value)


_SCRAPE_COLLECTOR = ScrapeGauges()
REGISTRY.register(_SCRAPE_COLLECTOR)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # no URL pattern: a 404 for an unknown path, or a middleware's answer


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else UNMATCHED


class MetricsMiddleware:
    """Counts and times every response; near the outside, so the time includes the other
    middleware (sessions, authentication) and error pages are counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in _METHODS else "other"
        HTTP_LATENCY.labels(route=route, method=method).observe(time.perf_counter() - start)
        HTTP_REQUESTS.labels(route=route, method=method, status=str(response.status_code)).inc()
        return response


def registration_counted(*, rule: str, outcome: str) -> None:
    REGISTRATIONS.labels(rule=rule, outcome=outcome).inc()


def rate_limit_refusal_counted(limit: str) -> None:
    RATE_LIMIT_REFUSALS.labels(limit=limit).inc()


def overload_refusal_counted() -> None:
    OVERLOAD_REFUSALS.inc()


@cache
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_ADDRESSES must be addresses or networks (e.g. 10.0.0.0/24): {exc}"
        ) from exc


def metrics_allowed(request: HttpRequest) -> bool:
    """The connection's own address is in METRICS_ALLOWED_ADDRESSES, and the request did not
    come through the public proxy: behind nginx every client's connection comes from the
    loopback address, so a forwarded request is refused whatever its address."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(
        address in network for network in _networks(tuple(settings.METRICS_ALLOWED_ADDRESSES))
    )


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_SCRAPE_COLLECTOR)  # read by the scraping process, not added up
        return registry
    return REGISTRY


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition; a 404 to anyone not allowed, as for a page that is not there."""
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
