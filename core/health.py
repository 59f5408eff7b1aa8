"""Liveness and readiness for the load balancer and the service manager.

`/healthz` says the process answers HTTP: no database, no cache, nothing that can hang. A
failing `/healthz` means restart the process.

`/readyz` says the process can serve: the database and Redis (when REDIS_URL is set) each
answer a trivial query within HEALTH_CHECK_TIMEOUT_SECONDS. A failing `/readyz` means send no
traffic here for now; the answer is 503 naming the dependency that failed and nothing else (not
the error's message, which can hold a host name or a password from the URL).

Both are public (the S2 list): they show no data, and a probe has no login.
"""

import logging
from functools import cache

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"
NOT_CONFIGURED = "not configured"


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


def database_answers() -> bool:
    """SELECT 1 on the default connection (CONN_HEALTH_CHECKS replaces one that went away)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("readiness: database check failed: %s", type(exc).__name__)
        return False
    return True


@cache
def _redis_client(url: str, timeout: float):
    import redis

    # A client of its own with short timeouts: Django's cache client has none, and a Redis that
    # accepts the connection but never answers would hang the probe.
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, retry_on_timeout=False
    )


def redis_answers() -> str:
    url = settings.REDIS_URL
    if not url:
        return NOT_CONFIGURED
    try:
        _redis_client(url, settings.HEALTH_CHECK_TIMEOUT_SECONDS).ping()
    except Exception as exc:
        logger.warning("readiness: redis check failed: %s", type(exc).__name__)
        return FAILED
    return OK


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": OK if database_answers() else FAILED,
        "redis": redis_answers(),
    }
    ready = FAILED not in checks.values()
    return JsonResponse(
        {"status": OK if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
