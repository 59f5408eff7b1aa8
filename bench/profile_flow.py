"""Where a registration's time goes: B1's six requests in-process, per step.

    python -m bench.profile_flow [--registrations N] [--cprofile FILE]

Runs the same flow as B1 (bench.loadgen.register_one) through Django's test client in
this process against the bench database, sequentially, and prints for each of the six requests
the CPU time (process time, so waiting for PostgreSQL is not counted), the wall time and the
SQL statements. With --cprofile, the whole run is profiled and the top functions by cumulative
time are printed and the stats written to FILE (for snakeviz or pstats).
Needs the population of a B1 run (ensure_population); writes N registrations.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import time

from bench.common import prepare_database, print_table
from bench.loadgen import DjangoClientHttp

STEPS = ("start GET", "start POST", "who POST", "form GET", "form POST", "receipt GET")


class MeasuredHttp(DjangoClientHttp):
    """B1's in-process client, recording CPU ms, wall ms and SQL statements per request."""

    def __init__(self, cookie_name: str, session_key: str, samples: dict):
        super().__init__(cookie_name, session_key)
        self.samples = samples
        self.step = 0

    def _measure(self, call):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            cpu, wall = time.process_time(), time.perf_counter()
            answer = call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        name = STEPS[self.step]
        self.samples.setdefault(name, []).append((cpu * 1000, wall * 1000, len(queries)))
        self.step += 1
        return answer

    def get(self, path: str):
        return self._measure(lambda: super(MeasuredHttp, self).get(path))

    def post(self, path: str, data: dict):
        return self._measure(lambda: super(MeasuredHttp, self).post(path, data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_flow", description=__doc__)
    parser.add_argument("--registrations", type=int, default=100)
    parser.add_argument("--cprofile", help="profile the run and write the stats here")
    args = parser.parse_args(argv)
    # As on B1's server: one address sends everything (bench.server.server_environment).
    os.environ.setdefault("RATE_LIMIT_SELFREG_SUBMIT_CLIENT", "10000000/600")
    prepare_database(tiny=False)

    from django.conf import settings
    from django.utils import timezone

    from bench import b1_submissions as b1
    from bench import loadgen
    from municipalities.services import municipality_set_status

    b1.ensure_population(persons=b1.POPULATION)
    municipality_set_status(
        number=loadgen.MUNICIPALITY, is_customer=True, selfreg_enabled=True, source="bench profile"
    )
    sessions = b1.citizen_sessions(b1.new_persons(args.registrations + 5))
    answers = loadgen.form_answers(timezone.localdate())
    samples: dict = {}
    for session_key, _ in sessions[:5]:  # warm-up: imports, templates, connections
        loadgen.register_one(MeasuredHttp(settings.SESSION_COOKIE_NAME, session_key, {}), answers)
    profiler = cProfile.Profile() if args.cprofile else None
    failures = 0
    if profiler:
        profiler.enable()
    for session_key, _ in sessions[5:]:
        http = MeasuredHttp(settings.SESSION_COOKIE_NAME, session_key, samples)
        outcome, _, _detail = loadgen.register_one(http, answers)
        failures += outcome != "ok"
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
        pstats.Stats(args.cprofile).sort_stats("cumulative").print_stats(40)
    rows = []
    for step in STEPS:
        values = samples.get(step, [])
        if values:
            n = len(values)
            rows.append(
                [step, n, sum(v[0] for v in values) / n, sum(v[1] for v in values) / n,
                 sum(v[2] for v in values) / n]
            )  # fmt: skip
    total = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    rows.append(["per registration", len(sessions) - 5, *total])
    print_table(
        f"B1 flow in-process, mean per request ({datetime.date.today()}; failures {failures})",
        ["step", "n", "CPU ms", "wall ms", "SQL"],
        rows,
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
