"""B1 on the cluster: the same closed-loop registrations as B1 (bench.b1_submissions: the
portal's six requests per registration, a separate load process, the exactly-once check after
each level), sent through nginx to one node and then to two (bench.cluster: gunicorn as
production runs it, deploy/gunicorn.conf.py, CLUSTER_WORKERS sync workers per node).

B1 itself (gunicorn gthread reached directly) runs before this in `make bench`, so the three
figures come from one run: one node direct, one node behind nginx, two nodes behind nginx.
B8 reads this run's two-node figure as the cluster's capacity.
"""

import contextlib
import os

from bench.common import ensure_population, print_table

NAME = "b1_cluster"
TITLE = "B1 on the cluster: closed-loop registrations through nginx, one node and two"
CLIENTS = int(os.environ.get("B1_CLUSTER_CLIENTS", "32"))
REGISTRATIONS = int(os.environ.get("B1_CLUSTER_REGISTRATIONS", "1200"))
WORKERS_PER_NODE = int(os.environ.get("CLUSTER_WORKERS", "3"))
BASE_PORT = int(os.environ.get("BENCH_CLUSTER_PORT", "18180"))

# B8 reads the two-node capacity measured by this module in this process.
LAST: dict = {}


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def bench_cluster(nodes: int, *, workers: int = WORKERS_PER_NODE, **kwargs):
    """The cluster as the benchmarks run it: the bench database, the bench server's rate
    limit for one load-generating address, sessions readable by this process."""
    from django.conf import settings

    from bench.cluster import Cluster
    from bench.server import server_environment

    env = server_environment(database_url())
    extra = {"RATE_LIMIT_SELFREG_SUBMIT_CLIENT": env["RATE_LIMIT_SELFREG_SUBMIT_CLIENT"]}
    with Cluster(
        database_url=database_url(),
        ports=[BASE_PORT + i for i in range(nodes + 1)],
        workers=workers,
        secret_key=settings.SECRET_KEY,
        extra_env=extra,
        access_log=False,
        **kwargs,
    ) as cluster:
        yield cluster


def run(*, tiny: bool) -> dict:
    from django.db import connection

    from bench.b1_submissions import POPULATION, TINY_POPULATION, _level
    from municipalities.services import municipality_set_status

    if tiny or connection.vendor != "postgresql":
        print("B1 on the cluster: needs PostgreSQL and the full run; skipped with --tiny")
        return {"tiny": tiny, "skipped": "needs PostgreSQL (gunicorn nodes share the database)"}
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    municipality_set_status(
        number="0301", is_customer=True, selfreg_enabled=True, source="bench B1 cluster"
    )
    results = []
    for nodes in (1, 2):
        # A closed loop bounds its own queue (CLIENTS requests at most): shedding off, as B1.
        with bench_cluster(nodes, queue_timeout_seconds=0) as cluster:
            print(f"B1 cluster: {nodes} node(s) x {WORKERS_PER_NODE} workers behind nginx, "
                  f"{CLIENTS} clients, {REGISTRATIONS} registrations ...", flush=True)  # fmt: skip
            app_before = _cpu_seconds(_node_pids(cluster))
            level = _level(CLIENTS, REGISTRATIONS, cluster.url, cluster.nodes[0].process.pid)
            level.pop("memory", None)
            level["cpu_ms_per_registration"] = _cpu_per_registration(
                cluster, app_before, level["registrations"]
            )
            results.append({"nodes": nodes, "workers_per_node": WORKERS_PER_NODE, **level})
    single = _b1_single()
    LAST.clear()
    LAST.update({r["nodes"]: r["registrations_per_second"] for r in results})
    rows = []
    if single:
        rows.append(["1 direct (B1, gthread)", single["workers"], single["clients"],
                     single["registrations"], single["errors"], single["registrations_per_second"],
                     single["post_latency_ms"]["p50"], single["post_latency_ms"]["p95"],
                     single["post_latency_ms"]["p99"], single["verification"]["ok"]])  # fmt: skip
    for r in results:
        rows.append([f"{r['nodes']} behind nginx", r["nodes"] * r["workers_per_node"],
                     r["clients"], r["registrations"], r["errors"], r["registrations_per_second"],
                     r["post_latency_ms"]["p50"], r["post_latency_ms"]["p95"],
                     r["post_latency_ms"]["p99"], r["verification"]["ok"]])  # fmt: skip
    print_table(
        TITLE,
        ["nodes", "workers", "clients", "registered", "errors", "reg/s", "POST p50 ms", "p95 ms",
         "p99 ms", "verified"],
        rows,
    )  # fmt: skip
    gain = (
        round(results[1]["registrations_per_second"] / results[0]["registrations_per_second"], 3)
        if results[0]["registrations_per_second"]
        else None
    )
    print(f"two nodes / one node behind nginx: {gain}")
    return {
        "tiny": False,
        "mode": f"gunicorn sync x {WORKERS_PER_NODE} per node (deploy/gunicorn.conf.py), nginx "
        "(deploy/nginx/cluster.conf.template), load in a separate process",
        "population": population,
        "single_node_direct": single,
        "levels": results,
        "two_over_one": gain,
    }


def _node_pids(cluster) -> list[int]:
    from bench.server import worker_pids

    pids = []
    for node in cluster.nodes:
        pids += [node.process.pid, *worker_pids(node.process.pid)]
    return pids


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (/proc/<pid>/stat, clock ticks)."""
    from pathlib import Path

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _cpu_per_registration(cluster, app_before: float, registrations: int) -> dict:
    """CPU per registration: the nodes' gunicorn processes (a worker replaced during the level
    loses its share), and the PostgreSQL backends serving this database's connections (the
    workers keep theirs, DB_CONN_MAX_AGE, so each backend's lifetime is about the level's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    app = _cpu_seconds(_node_pids(cluster)) - app_before
    database = _cpu_seconds(backends)
    if not registrations:
        return {}
    return {
        "app": round(1000 * app / registrations, 1),
        "postgresql": round(1000 * database / registrations, 1),
        "postgresql_backends": len(backends),
    }


def _b1_single() -> dict | None:
    """B1's level at CLIENTS from this process's run of B1, if it ran."""
    import json
    import sys

    from bench.common import RESULTS_DIR

    b1 = sys.modules.get("bench.b1_submissions")
    if b1 is None or not b1.LAST_MEMORY:  # B1 did not run in this process
        return None
    with contextlib.suppress(OSError, ValueError, KeyError):
        document = json.loads((RESULTS_DIR / "b1_submissions.json").read_text(encoding="utf-8"))
        if document.get("tiny"):
            return None
        for level in document["levels"]:
            if level["clients"] == CLIENTS:
                mode = document["mode"].split()[2]  # "gunicorn gthread 5x1, ..."
                return {**level, "workers": int(mode.split("x")[0].rstrip(","))}
    return None
