"""B1: end-to-end self-registrations over HTTP, and B6: memory per app process under that load.

The app is served by gunicorn (a subprocess on 127.0.0.1, a free port, gthread workers) against
the bench database; a SEPARATE load-generating process (multiprocessing, spawn; bench.loadgen)
runs one thread per client, each with its own keep-alive connection and cookies, and walks the real portal flow for every
registration, each one a different person from the register, new to the tracing system (D-0):

    GET  .../hjemmetest?kommunenummer=0301        (the published entry page; CSRF token)
    POST .../hjemmetest           kommunenummer    -> 302 to "who"
    POST .../hjemmetest/hvem      hvem=self        -> 302 to the form (C-5 checked early)
    GET  .../hjemmetest/skjema                     (the form, prefilled from the registers)
    POST .../hjemmetest/skjema    the answers      -> 302 to the receipt (the import, I-1)
    GET  .../hjemmetest/kvittering                 (C-8)

Logins: the OIDC round trip is not part of what is measured. Each person's citizen session is
written beforehand into the database session store by selfreg.session.citizen_login, exactly
as the OIDC callback does (the same as the `citizen_client` test fixture); its cookie is given
to the client.

Rate limits (S9) would stop a benchmark from one address after 60 submissions: the bench server
gets RATE_LIMIT_SELFREG_SUBMIT_CLIENT raised to 10 000 000/600 by environment; the per-person
limit stays as it is (each person submits once).

The server runs with DJANGO_ENV=development and DEBUG=false (production mode needs HTTPS,
secrets and a real OIDC provider; the code paths of a request are the same).

After each level the database is checked: every accepted registration (a 302 to the receipt)
exists exactly once as an active self-registered index, and nothing else was written (persons,
indexes, notes, locks and close contacts grow by exactly what the accepted registrations write).

B6: while the load runs, the VmRSS and VmHWM of every gunicorn worker are read from /proc.

--tiny on SQLite (where the test database may live in memory, invisible to another process) runs
the same flow in-process with Django's test client, sequentially: completion only.
"""

import contextlib
import datetime
import multiprocessing
import os
import time

from bench.common import ensure_population, percentiles, print_table
from bench.loadgen import (
    MUNICIPALITY,
    START,
    DjangoClientHttp,
    drive,
    form_answers,
    register_one,
)
from bench.server import MemoryWatch, gunicorn

NAME = "b1_submissions"
TITLE = "B1 end-to-end self-registrations over HTTP (gunicorn, separate load process)"
# B1_CLIENTS="32" runs only that level (for quick trials; make bench runs all three).
CLIENTS = tuple(int(c) for c in os.environ.get("B1_CLIENTS", "8 32 128").split())
# Registrations per level: about a minute each at the throughput seen on this machine.
PER_LEVEL = {8: 600, 32: 1200, 128: 1200}
if os.environ.get("B1_PER_LEVEL"):  # B1_PER_LEVEL=600: fewer per level, for quick trials
    PER_LEVEL = dict.fromkeys(CLIENTS, int(os.environ["B1_PER_LEVEL"]))
POPULATION = int(os.environ.get("B1_POPULATION", "1000000"))  # smaller for quick trials
# gthread workers x threads: 2 x cores + 1 processes of one thread each. On two cores, with
# requests this light, threads cost more in GIL switching than they gain in overlapping database
# waits (the comparison is in docs/scaling.md, B1).
WORKERS = int(os.environ.get("B1_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
THREADS = int(os.environ.get("B1_THREADS", "1"))
TINY_POPULATION = 300
TINY_CLIENTS = (1, 2)
TINY_PER_LEVEL = 3

# B6 reads the memory figures of the last B1 run in this process (bench/b6_memory.py).
LAST_MEMORY: dict = {}


# --- preparation and verification (Django side) ---------------------------------------------


def counts() -> dict:
    from tracing.models import CloseContact, Index, Note, Person, PersonLock

    return {
        "persons": Person.objects.count(),
        "indexes": Index.objects.count(),
        "notes": Note.objects.count(),
        "locks": PersonLock.objects.count(),
        "close_contacts": CloseContact.objects.count(),
    }


def new_persons(count: int) -> list[str]:
    """Adults from the register with no record in the tracing system (D-0), so each
    registration writes the same rows (one person, one index, two notes, one lock)."""
    from django.db.models import Exists, OuterRef

    from registers.models import SyntheticPerson
    from tracing.models import Person, PersonLock

    today = datetime.date.today()
    return list(
        SyntheticPerson.objects.filter(
            birth_date__lte=today.replace(year=today.year - 20),
            birth_date__gte=today.replace(year=today.year - 70),
        )
        .filter(~Exists(Person.objects.filter(fnr=OuterRef("fnr"))))
        .filter(~Exists(PersonLock.objects.filter(fnr=OuterRef("fnr"))))
        .order_by("fnr")
        .values_list("fnr", flat=True)[:count]
    )


def citizen_sessions(fnrs: list[str]) -> list[tuple[str, str]]:
    """Logged-in sessions written by the project's session engine, as the OIDC callback's are."""
    from importlib import import_module

    from django.conf import settings

    from selfreg.session import citizen_login

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for fnr in fnrs:
        session = store()
        citizen_login(session, pid=fnr)
        session.save()
        sessions.append((session.session_key, fnr))
    return sessions


def verify(before: dict, after: dict, accepted: list[str]) -> dict:
    """Every accepted registration once; nothing else written."""
    from django.db.models import Count

    from tracing.models import Index

    n = len(accepted)
    expected = {"persons": n, "indexes": n, "notes": 2 * n, "locks": n, "close_contacts": 0}
    grown = {key: after[key] - before[key] for key in before}
    per_fnr: dict[str, int] = {}
    for start in range(0, n, 1000):
        rows = (
            Index.objects.filter(fnr__in=accepted[start : start + 1000], self_registered=True)
            .values("fnr")
            .annotate(n=Count("id"))
        )
        per_fnr.update({row["fnr"]: row["n"] for row in rows})
    once = sum(1 for fnr in accepted if per_fnr.get(fnr) == 1)
    return {
        "accepted": n,
        "found_exactly_once": once,
        "grown": grown,
        "expected_growth": expected,
        "ok": once == n and grown == expected,
    }


# --- the benchmark --------------------------------------------------------------------------


def _level(clients: int, per_level: int, base_url: str | None, master: int | None) -> dict:
    from django.conf import settings
    from django.utils import timezone

    fnrs = new_persons(per_level)
    sessions = citizen_sessions(fnrs)
    jobs = [sessions[i::clients] for i in range(clients)]
    before = counts()
    today_iso = timezone.localdate().isoformat()
    memory = None
    if base_url is None:  # in-process (SQLite --tiny)
        answers = form_answers(datetime.date.fromisoformat(today_iso))
        results = []
        started = time.perf_counter()
        for session_key, fnr in sessions:
            http = DjangoClientHttp(settings.SESSION_COOKIE_NAME, session_key)
            t0 = time.perf_counter()
            outcome, post_ms, detail = register_one(http, answers)
            results.append((fnr, outcome, post_ms, detail, (time.perf_counter() - t0) * 1000))
        seconds = time.perf_counter() - started
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool, MemoryWatch(master) as watch:
            results, seconds = pool.apply(
                drive, (base_url, settings.SESSION_COOKIE_NAME, jobs, today_iso)
            )
        memory = watch.summary()
    accepted = [r[0] for r in results if r[1] == "ok"]
    errors = [r[3] for r in results if r[1] != "ok"]
    check = verify(before, counts(), accepted)
    print(
        f"B1: {clients} clients: {len(accepted)} registered, {len(errors)} errors, "
        f"{seconds:.1f} s, {len(accepted) / seconds:.1f}/s, verified {check['ok']}",
        flush=True,
    )
    return {
        "clients": clients,
        "attempted": len(results),
        "registrations": len(accepted),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(seconds, 3),
        "registrations_per_second": round(len(accepted) / seconds, 1) if seconds else None,
        "requests_per_second": round(6 * len(results) / seconds, 1) if seconds else None,
        "post_latency_ms": percentiles([r[2] for r in results if r[2] is not None]),
        "registration_latency_ms": percentiles([r[4] for r in results]),
        "verification": check,
        "memory": memory,
    }


def _b2_figures() -> dict:
    """B2's registrations/s by connection count, from this run's bench/results/b2_floor.json."""
    import json

    from bench.common import RESULTS_DIR

    path = RESULTS_DIR / "b2_floor.json"
    with contextlib.suppress(OSError, ValueError, KeyError):
        document = json.loads(path.read_text(encoding="utf-8"))
        if not document.get("tiny"):
            return {
                lvl["concurrency"]: lvl["registrations_per_second"] for lvl in document["levels"]
            }
    return {}


def run(*, tiny: bool) -> dict:
    from django.db import connection

    from municipalities.services import municipality_set_status

    postgres = connection.vendor == "postgresql"
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    municipality_set_status(
        number=MUNICIPALITY, is_customer=True, selfreg_enabled=True, source="bench B1"
    )
    levels = TINY_CLIENTS if tiny else CLIENTS
    results = []
    workers, threads = (2, 2) if tiny else (WORKERS, THREADS)
    if postgres:
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        with gunicorn(url, workers=workers, threads=threads, probe_path=START) as (
            base_url,
            master,
        ):
            for clients in levels:
                per = TINY_PER_LEVEL * clients if tiny else PER_LEVEL.get(clients, 1200)
                print(f"B1: {clients} clients, {per} registrations ...", flush=True)
                results.append(_level(clients, per, base_url, master))
    else:
        for clients in levels:
            results.append(_level(clients, TINY_PER_LEVEL * clients, None, None))
    b2 = {} if tiny else _b2_figures()
    for level in results:
        floor = b2.get(level["clients"]) or (b2.get(max(b2)) if b2 else None)
        level["b2_registrations_per_second"] = floor
        level["b1_over_b2"] = (
            round(level["registrations_per_second"] / floor, 3)
            if floor and level["registrations_per_second"]
            else None
        )
    LAST_MEMORY.clear()
    LAST_MEMORY.update({r["clients"]: r["memory"] for r in results if r["memory"]})
    print_table(
        TITLE + (" [tiny]" if tiny else f" [{workers} workers x {threads} threads]"),
        ["clients", "registered", "errors", "seconds", "reg/s", "POST p50 ms", "p95 ms",
         "p99 ms", "verified", "B1/B2"],
        [
            [r["clients"], r["registrations"], r["errors"], r["seconds"],
             r["registrations_per_second"], r["post_latency_ms"]["p50"],
             r["post_latency_ms"]["p95"], r["post_latency_ms"]["p99"], r["verification"]["ok"],
             r["b1_over_b2"]]
            for r in results
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "mode": (
            f"gunicorn gthread {workers}x{threads}, load in a separate process"
            if postgres
            else "sqlite, in-process test client, sequential"
        ),
        "logins": "citizen sessions written by selfreg.session.citizen_login (no OIDC trip)",
        "rate_limits": "RATE_LIMIT_SELFREG_SUBMIT_CLIENT=10000000/600 on the bench server",
        "population": population,
        "levels": results,
        "targets": {"registrations_per_second_at_32": 200, "post_p95_ms": 100, "b1_over_b2": 0.25},
    }
