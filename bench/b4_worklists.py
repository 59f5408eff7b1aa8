"""B4: the tracers' worklists at 1 000 000 persons.

An Oslo tracer (50 000 open indexes in Oslo at N = 1 000 000) asks for both worklists: the first
page, page 100, sorted by each sortable column (both directions), the name search (POSTed and
kept in the session behind a token, S10: the GET of the list with the token is what is timed),
and the filters. In-process with Django's test client: the server time of the whole request
(middleware, view, queries, template, the B-4 access-log INSERT), without HTTP. The first run
of each query is a warm-up and is counted with an execute wrapper (SQL queries per page);
the next SAMPLES are timed. Target: p95 <= 100 ms for every query.
"""

import time

from bench.common import ensure_population, percentiles, print_table

NAME = "b4_worklists"
TITLE = "B4 worklists for an Oslo tracer: server time per page (in-process)"
POPULATION = 1_000_000
SAMPLES = 15
TINY_POPULATION = 300
TINY_SAMPLES = 2
TARGET_P95_MS = 100
URL = "/smittesporing/arbeidsliste/{slug}/"


def queries(name: str) -> list[tuple[str, str, str, dict]]:
    """(label, worklist slug, method, params): what a tracer does on a busy day."""
    from tracing.worklists import COLUMNS, SELF_REGISTERED, TODAY

    cases = [
        ("i-dag first page", TODAY, "GET", {}),
        ("i-dag page 100", TODAY, "GET", {"side": "100"}),
        ("i-dag 100 per page", TODAY, "GET", {"antall": "100"}),
        ("selvregistrerte first page", SELF_REGISTERED, "GET", {}),
        ("selvregistrerte page 100", SELF_REGISTERED, "GET", {"side": "100"}),
    ]
    for key, column in COLUMNS.items():
        if column.order_by:
            for direction in ("stigende", "synkende"):
                cases.append(
                    (f"i-dag by {key} {direction}", TODAY, "GET",
                     {"sorter": key, "retning": direction})
                )  # fmt: skip
    cases += [
        ("selvregistrerte by navn", SELF_REGISTERED, "GET", {"sorter": "navn"}),
        ("selvregistrerte status=closed", SELF_REGISTERED, "GET", {"status": "closed"}),
        ("selvregistrerte status=active p100", SELF_REGISTERED, "GET",
         {"status": "active", "side": "100"}),
        ("i-dag selvregistrert=nei", TODAY, "GET", {"selvregistrert": "nei"}),
        ("i-dag opened last 7 days", TODAY, "GET", {"fra": "__week_ago__"}),
        ("i-dag name search (last name)", TODAY, "NAME", {"navn": name.split()[-1]}),
        ("i-dag name search (first + last)", TODAY, "NAME", {"navn": name}),
        ("selvregistrerte name search (prefix)", SELF_REGISTERED, "NAME",
         {"navn": name.split()[-1][:4]}),
    ]  # fmt: skip
    return cases


def _tracer_client(username: str = "bench-b4-tracer", numbers: tuple[str, ...] = ("0301",)):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import StaffRole

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": "Tracer"}
    )
    have = set(
        StaffRole.objects.filter(user=user, role="tracer").values_list("municipality_id", flat=True)
    )
    StaffRole.objects.bulk_create(
        [StaffRole(user=user, municipality_id=n, role="tracer") for n in numbers if n not in have]
    )
    client = Client()
    client.force_login(user)
    return client


def _a_name() -> str:
    """First and last name of a person with an active Oslo index (someone a tracer looks for)."""
    from tracing.models import Index

    row = (
        Index.objects.filter(municipality_id="0301", status="active")
        .order_by("pk")
        .values_list("person__first_name", "person__last_name")
        .first()
    )
    return f"{row[0]} {row[1]}" if row else "Kari Nordmann"


def _resolve(client, slug: str, method: str, params: dict) -> str:
    """The URL to GET: a name search is POSTed once and its redirect (with the token) kept."""
    import datetime

    from django.utils import timezone

    url = URL.format(slug=slug)
    params = dict(params)
    if params.get("fra") == "__week_ago__":
        params["fra"] = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    if method == "NAME":
        response = client.post(url, params)
        assert response.status_code == 302, response.status_code
        return response["Location"]
    from urllib.parse import urlencode

    return url + ("?" + urlencode(params) if params else "")


def measure(client, url: str, samples: int) -> dict:
    from django.db import connection

    captured = []  # an execute wrapper sees every query, whatever DEBUG and request signals do

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"queries": len(captured), "ms": percentiles(times)}


def run(*, tiny: bool) -> dict:
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    from tracing.models import Index

    open_in_oslo = Index.objects.filter(municipality_id="0301", status="active").count()
    client = _tracer_client()
    samples = TINY_SAMPLES if tiny else SAMPLES
    results = []
    for label, slug, method, params in queries(_a_name()):
        url = _resolve(client, slug, method, params)
        print(f"B4: {label} ...", flush=True)
        results.append({"query": label, **measure(client, url, samples)})
    worst = max((r["ms"]["p95"] for r in results), default=None)
    print_table(
        TITLE + (" [tiny]" if tiny else f" [{open_in_oslo:,} open indexes in Oslo]"),
        ["query", "SQL queries", "p50 ms", "p95 ms", "max ms", "<= 100 ms"],
        [
            [r["query"], r["queries"], r["ms"]["p50"], r["ms"]["p95"], r["ms"]["max"],
             r["ms"]["p95"] <= TARGET_P95_MS]
            for r in results
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "population": population,
        "open_indexes_in_oslo": open_in_oslo,
        "samples_per_query": samples,
        "queries": results,
        "worst_p95_ms": worst,
        "target_p95_ms": TARGET_P95_MS,
    }
