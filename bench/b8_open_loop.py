"""B8: open-loop load on the cluster, at 0.5x, 1x, 2x and 4x its capacity, and a node killed
mid-load.

The cluster (bench.cluster: two nodes of CLUSTER_WORKERS sync workers behind nginx, shedding as
in production: QUEUE_TIMEOUT_SECONDS, bounded backlogs) is offered registrations at fixed
arrival rates by bench.openloop in a separate process (no coordinated omission: latency from
each arrival's intended moment). The capacity is B1's two-node figure of this run
(bench.b1_cluster); run alone (`make bench B=b8`), B8 measures it first with the same closed
loop, shorter.

Per step: offered and achieved rates, latency p50/p95/p99 (whole registrations from their
arrival; each request from when it was due; the form POST alone), accepted, shed (a 503 at some
step before the form was accepted, each checked for Retry-After), errors (anything else:
connection errors, time-outs, other statuses), and the exactly-once check of B1 in the
database: `lost` counts accepted registrations not found exactly once, and any row beyond
what the accepted ones write fails the check.

Then the kill: bench.failover's closed loop of 8 clients through nginx, node 1 killed with
kill -9 after a quarter of the registrations and started again once a third more have finished
after the watcher took it out.

Targets: at 1x p95 <= 500 ms; at 4x accepted p99 <= 5 s, no connection errors or
time-outs, nothing lost or duplicated, every refusal a 503 with Retry-After.
"""

import multiprocessing
import os
import time

from bench.common import ensure_population, percentiles, print_table

NAME = "b8_open_loop"
TITLE = "B8 open-loop registrations on the cluster (2 nodes behind nginx)"
MULTIPLES = tuple(float(m) for m in os.environ.get("B8_MULTIPLES", "0.5 1 2 4").split())
SECONDS = float(os.environ.get("B8_SECONDS", "20"))  # per step
PAUSE_SECONDS = 3  # between steps: the queues drain
KILL_REGISTRATIONS = int(os.environ.get("B8_KILL_REGISTRATIONS", "240"))


def _capacity() -> tuple[float, str]:
    from bench import b1_cluster
    from bench.b1_submissions import _level

    if b1_cluster.LAST.get(2):
        return b1_cluster.LAST[2], "B1 on the cluster, two nodes, this run"
    print("B8: measuring capacity first (closed loop, 32 clients, 600 registrations) ...")
    # As B1 on the cluster: a closed loop bounds its own queue, so nothing is shed.
    with b1_cluster.bench_cluster(2, queue_timeout_seconds=0) as cluster:
        level = _level(32, 600, cluster.url, cluster.nodes[0].process.pid)
    return level["registrations_per_second"], "B8's own closed loop (32 clients, 600)"


def _step(cluster, rate: float, multiple: float) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from bench.b1_submissions import citizen_sessions, counts, new_persons, verify
    from bench.openloop import offer

    arrivals = max(1, round(rate * SECONDS))
    sessions = citizen_sessions(new_persons(arrivals))
    before = counts()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        results, offered_seconds, seconds, late_ms = pool.apply(
            offer,
            (cluster.url, settings.SESSION_COOKIE_NAME, sessions, rate,
             timezone.localdate().isoformat()),
        )  # fmt: skip
    accepted = [r for r in results if r["accepted"]]
    shed = [r for r in results if r["outcome"] == "shed" and not r["accepted"]]
    errors = [r for r in results if r["outcome"] == "error" and not r["accepted"]]
    after_accept = [r for r in results if r["accepted"] and r["outcome"] != "ok"]
    refusals = [r for r in results if r["outcome"] == "shed"]
    check = verify(before, counts(), [r["fnr"] for r in accepted])
    requests_ms = [ms for r in results for _, ms, status in r["timings"] if status != 503]
    post_ms = [ms for r in accepted for step, ms, _ in r["timings"] if step == "form POST"]
    refusal_ms = [ms for r in results for _, ms, status in r["timings"] if status == 503]
    shed_at: dict[str, int] = {}
    for r in shed:
        shed_at[r["step"]] = shed_at.get(r["step"], 0) + 1
    step = {
        "multiple": multiple,
        "offered_per_second": round(len(results) / offered_seconds, 2),
        "target_per_second": round(rate, 2),
        "achieved_per_second": round(len(accepted) / seconds, 2),
        "seconds": round(seconds, 1),
        "offered": len(results),
        "accepted": len(accepted),
        "shed": len(shed),
        "errors": len(errors),
        "error_kinds": sorted({r["step"] for r in errors}),
        "accepted_then_receipt_failed": len(after_accept),
        "lost": check["accepted"] - check["found_exactly_once"],
        "refusals_without_retry_after": sum(1 for r in refusals if not r["retry_after"]),
        "shed_at_step": shed_at,
        "registration_ms": percentiles([r["total_ms"] for r in accepted]),
        "request_ms": percentiles(requests_ms),
        "form_post_ms": percentiles(post_ms),
        "refusal_ms": percentiles(refusal_ms),
        "p95_ms": percentiles(requests_ms)["p95"],
        "arrival_late_ms": percentiles(late_ms),
        "verification": check,
    }
    print(
        f"B8 {multiple}x: offered {step['offered_per_second']}/s, accepted {len(accepted)}, "
        f"shed {len(shed)}, errors {len(errors)}, lost {step['lost']}, "
        f"request p95 {step['p95_ms']} ms, verified {check['ok']}",
        flush=True,
    )
    return step


def _kill(cluster) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from bench.b1_submissions import citizen_sessions, new_persons
    from bench.failover import run_with_kill, verify_exactly_once

    sessions = citizen_sessions(new_persons(KILL_REGISTRATIONS))
    print(f"B8 kill: {KILL_REGISTRATIONS} registrations, 8 clients, node1 killed ...", flush=True)
    run = run_with_kill(
        cluster,
        sessions,
        cookie_name=settings.SESSION_COOKIE_NAME,
        clients=8,
        kill_after=KILL_REGISTRATIONS // 4,
        while_down=KILL_REGISTRATIONS // 3,
        today=timezone.localdate(),
    )
    check = verify_exactly_once(run.outcomes)
    outcomes = run.outcomes
    result = {
        "registrations": len(outcomes),
        "completed": sum(o.ok for o in outcomes),
        "seconds": round(run.seconds, 1),
        "killed_processes": len(run.killed_pids),
        "failed_requests": sum(len(o.failures) for o in outcomes),
        "failure_kinds": sorted({f for o in outcomes for f in o.failures}),
        "forms_sent_again": sum(o.form_resent for o in outcomes),
        "forms_sent_again_with_receipt": sum(o.form_resent and o.ok for o in outcomes),
        "refusals_without_retry_after": sum(o.refusals_without_retry_after for o in outcomes),
        "watcher_events": [[round(at - run.killed_at, 1), what] for at, what in run.watcher_events],
        "taken_out_after_seconds": round(run.down_at - run.killed_at, 1),
        "restarted_after_seconds": round(run.restarted_at - run.killed_at, 1),
        "reconnects": sum(o.reconnects for o in outcomes),
        "verification": check,
    }
    print(
        f"B8 kill: {result['completed']}/{len(outcomes)} completed, "
        f"{result['failed_requests']} failed requests, {result['forms_sent_again']} forms "
        f"sent again ({result['forms_sent_again_with_receipt']} got their receipt), "
        f"verified {check['ok']}",
        flush=True,
    )
    return result


def run(*, tiny: bool) -> dict:
    from django.db import connection

    from bench.b1_cluster import WORKERS_PER_NODE, bench_cluster
    from bench.b1_submissions import POPULATION
    from municipalities.services import municipality_set_status

    if tiny or connection.vendor != "postgresql":
        print("B8: needs PostgreSQL and the full run; skipped with --tiny")
        return {"tiny": tiny, "skipped": "needs PostgreSQL (gunicorn nodes share the database)"}
    population = ensure_population(persons=POPULATION)
    municipality_set_status(number="0301", is_customer=True, selfreg_enabled=True, source="B8")
    capacity, capacity_source = _capacity()
    with bench_cluster(2) as cluster:
        steps = []
        for multiple in MULTIPLES:
            print(f"B8: {multiple}x capacity = {capacity * multiple:.1f}/s for {SECONDS:.0f} s",
                  flush=True)  # fmt: skip
            steps.append(_step(cluster, capacity * multiple, multiple))
            time.sleep(PAUSE_SECONDS)
        kill = _kill(cluster) if KILL_REGISTRATIONS else None
    print_table(
        f"{TITLE} [capacity {capacity}/s: {capacity_source}]",
        ["x", "offered/s", "achieved/s", "accepted", "shed", "errors", "lost", "req p50",
         "req p95", "req p99", "POST p95", "reg p99", "refusal p99", "verified"],
        [
            [s["multiple"], s["offered_per_second"], s["achieved_per_second"], s["accepted"],
             s["shed"], s["errors"], s["lost"], s["request_ms"]["p50"], s["request_ms"]["p95"],
             s["request_ms"]["p99"], s["form_post_ms"]["p95"], s["registration_ms"]["p99"],
             s["refusal_ms"]["p99"], s["verification"]["ok"]]
            for s in steps
        ],
    )  # fmt: skip
    return {
        "tiny": False,
        "cluster": f"2 nodes x {WORKERS_PER_NODE} gunicorn sync workers behind nginx",
        "capacity_per_second": capacity,
        "capacity_source": capacity_source,
        "population": population,
        "latency": "from each arrival's intended moment (registration) and each request's due "
        "moment; refusals (503) are counted apart from request_ms",
        "steps": steps,
        "node_kill": kill,
        "targets": {
            "p95_ms_at_1x": 500,
            "accepted_p99_ms_at_4x": 5000,
            "connection_errors_or_timeouts_at_4x": 0,
            "lost_or_duplicated": 0,
            "every_refusal_503_with_retry_after": True,
        },
    }
