"""B7: a municipality's «Oversikt» at 1 000 000 persons.

An Oslo tracer (52 000 Oslo indexes registered in the last 8 weeks at N = 1 000 000, 50 000
open) and an Oslo administrator open «Oversikt», and the tracer downloads its largest table
(new indexes per day) as CSV. In-process with Django's test client, as B4: the server time of
the whole request (middleware, view, the queries of tracing.overview, the SVG charts and the
template), without HTTP. The first request of each is a warm-up and is counted with an execute
wrapper (SQL queries per page); the next SAMPLES are timed. Target: p95 <= 200 ms.
"""

import time

from bench.b4_worklists import _tracer_client
from bench.common import ensure_population, percentiles, print_table

NAME = "b7_overview"
TITLE = "B7 «Oversikt» for Oslo: server time per request (in-process)"
POPULATION = 1_000_000
SAMPLES = 30
TINY_POPULATION = 300
TINY_SAMPLES = 2
TARGET_P95_MS = 200
URL = "/smittesporing/oversikt/0301/"


def _admin_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import StaffRole

    user, _ = get_user_model().objects.get_or_create(
        username="bench-b7-admin", defaults={"first_name": "Bench", "last_name": "Admin"}
    )
    StaffRole.objects.get_or_create(user=user, municipality_id="0301", role="admin")
    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str):
    """GET `url` to the last byte (a CSV download is streamed: its rows are made as it is read)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(client, url: str, samples: int) -> dict:
    from django.db import connection

    captured = []  # an execute wrapper sees every query, whatever DEBUG and request signals do

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _get(client, url)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        _get(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return {"queries": len(captured), "ms": percentiles(times)}


def _selector_ms(samples: int) -> dict:
    """tracing.overview alone, without the request around it: what the database costs."""
    from core.localtime import local_today
    from tracing.overview import overview_for_municipality

    times = []
    for _ in range(samples + 1):
        started = time.perf_counter()
        overview_for_municipality(municipality_number="0301", today=local_today())
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times[1:])


def run(*, tiny: bool) -> dict:
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    from core.localtime import local_today
    from tracing.overview import overview_for_municipality

    overview = overview_for_municipality(municipality_number="0301", today=local_today())
    samples = TINY_SAMPLES if tiny else SAMPLES
    tracer = _tracer_client(username="bench-b7-tracer")
    admin = _admin_client()
    results = []
    for label, client, url in (
        ("overview page, tracer", tracer, URL),
        ("overview page, administrator", admin, URL),
        ("CSV per day, tracer", tracer, URL + "eksport/per-dag/"),
    ):
        print(f"B7: {label} ...", flush=True)
        results.append({"query": label, **measure(client, url, samples)})
    results.append({"query": "tracing.overview alone", "queries": 3, "ms": _selector_ms(samples)})
    worst = max(r["ms"]["p95"] for r in results[:3])
    print_table(
        TITLE + (" [tiny]" if tiny else f" [{overview.period_indexes:,} Oslo indexes in 8 weeks, "
                 f"{overview.open_indexes:,} open]"),
        ["request", "SQL queries", "p50 ms", "p95 ms", "max ms", "<= 200 ms"],
        [
            [r["query"], r["queries"], r["ms"]["p50"], r["ms"]["p95"], r["ms"]["max"],
             r["ms"]["p95"] <= TARGET_P95_MS]
            for r in results
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "population": population,
        "oslo_period_indexes": overview.period_indexes,
        "oslo_open_indexes": overview.open_indexes,
        "samples_per_request": samples,
        "requests": results,
        "worst_p95_ms": worst,
        "target_p95_ms": TARGET_P95_MS,
    }
