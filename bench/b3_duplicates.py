"""B3: the duplicate decision and the import service as the population grows.

For each size (10 000, 100 000 and 1 000 000 persons) the population is generated afresh
(demo.population, timed), then, for persons new to the tracing system, persons with a
history there (closed indexes, close contacts, records in other municipalities) and persons
with an active index:

- "decide": tracing.selectors.duplicate_candidates + tracing.rules.decide (read only);
- "register": tracing.services.index_register as the portal calls it (self-registration: lock,
  C-5 check, candidates, decision, writes, the two I-4 notes); active ones are refused.

The target is flat: at 1 000 000 within 1.5× of 10 000, an index lookup and not a scan. At each
size one lookup of the candidate query and of the C-5 query is run with EXPLAIN ANALYZE: the
pages it touches show flatness independently of other load on the machine; the plans at the
largest size are printed.
"""

import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from bench.common import SEED, percentiles, print_table, settle_database

NAME = "b3_duplicates"
TITLE = "B3 duplicate decision and import service time by population size"
SIZES = (10_000, 100_000, 1_000_000)
SAMPLES = 2000
TINY_SIZES = (200, 400)
TINY_SAMPLES = 20
WARMUP = 50
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Subject:
    kind: str  # "new", "existing" or "active"
    fnr: str
    municipality: str
    first_name: str
    last_name: str


def _subjects(rng: random.Random, samples: int) -> dict[str, list[Subject]]:
    """Random persons of each kind; "existing" are registered in their own municipality four
    times in five (D-1b, D-1d, D-2b...), else in another one (D-1c, D-2d...)."""
    from django.db.models import Exists, OuterRef

    from registers.models import SyntheticPerson
    from tracing.models import Index, Person

    # NOT EXISTS (an anti-join), not NOT IN: PostgreSQL cannot hash a 300 000-row NOT IN list
    # in the default work_mem and falls back to a loop over it for each of the million rows.
    new = list(
        SyntheticPerson.objects.filter(
            ~Exists(Person.objects.filter(fnr=OuterRef("fnr")))
        ).values_list("fnr", "municipality_number", "first_name", "last_name")
    )
    active_index = Index.objects.filter(fnr=OuterRef("fnr"), status=Index.Status.ACTIVE)
    existing = list(  # one row per number: a person may have records in two municipalities
        {
            row[0]: row
            for row in Person.objects.filter(~Exists(active_index))
            .order_by("id")
            .values_list("fnr", "municipality_id", "first_name", "last_name")
        }.values()
    )
    active = list(
        Index.objects.filter(status=Index.Status.ACTIVE).values_list(
            "fnr", "municipality_id", "person__first_name", "person__last_name"
        )
    )
    numbers = sorted({row[1] for row in new if row[1]}) or ["0301"]

    def pick(kind: str, rows: list, count: int) -> list[Subject]:
        chosen = rng.sample(rows, min(count, len(rows)))
        subjects = []
        for fnr, municipality, first, last in chosen:
            if kind == "existing" and rng.random() < 0.2:
                municipality = rng.choice(numbers)
            subjects.append(Subject(kind, fnr, municipality or "0301", first, last))
        return subjects

    return {
        "new": pick("new", new, samples + WARMUP),
        "existing": pick("existing", existing, samples),
        "active": pick("active", active, max(1, samples // 4)),
    }


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _time_decide(subjects: list[Subject]) -> list[float]:
    from tracing.rules import decide
    from tracing.selectors import duplicate_candidates

    latencies = []
    for s in subjects:
        started = time.perf_counter()
        decide(duplicate_candidates(fnr=s.fnr), s.municipality)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _time_register(subjects: list[Subject], rules: Counter) -> list[float]:
    from django.utils import timezone

    from tracing.models import RegisteredByKind
    from tracing.services import AlreadyRegistered, RegisteredBy, Registration, index_register

    today = timezone.localdate()
    latencies = []
    for s in subjects:
        registration = Registration(
            fnr=s.fnr, first_name=s.first_name, last_name=s.last_name, test_date_from=today,
            no_symptoms=True, infection_place="household", risk_group="no",
        )  # fmt: skip
        started = time.perf_counter()
        try:
            result = index_register(
                registration=registration,
                municipality_number=s.municipality,
                registered_by=RegisteredBy(kind=RegisteredByKind.SELF, fnr=s.fnr),
                self_registered=True,
                submission_id=uuid.uuid4(),
            )
            rules[result.rule] += 1
        except AlreadyRegistered as exc:
            rules[f"refused {exc.rule}"] += 1
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _plans(fnr: str) -> dict:
    """The plans of the two queries a registration reads by fødselsnummer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tracing.selectors import duplicate_candidates, index_active_or_self_registered_recently

    plans = {}
    for name, call in (
        ("duplicate_candidates", lambda: duplicate_candidates(fnr=fnr)),
        (
            "index_active_or_self_registered_recently",
            lambda: index_active_or_self_registered_recently(fnr=fnr, now=timezone.now()),
        ),
    ):
        with CaptureQueriesContext(connection) as queries:
            call()
        sql = queries.captured_queries[-1]["sql"]
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if _postgres() else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(explain + sql)
            plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        plans[name] = {
            "sql": sql,
            "plan": plan,
            "seq_scan": "Seq Scan" in plan,
            # Pages read and time inside PostgreSQL: flat for an index lookup, whatever else
            # runs on the machine (the latencies above are not).
            "buffers": _number(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan, sum_groups=True),
            "execution_ms": _number(r"Execution Time: ([\d.]+) ms", plan),
        }
    return plans


def _number(pattern: str, text: str, *, sum_groups: bool = False) -> float | None:
    match = re.search(pattern, text)
    if match is None:
        return None
    if sum_groups:
        return sum(int(g) for g in match.groups() if g)
    return float(match.group(1))


def _measure_size(persons: int, samples: int) -> dict:
    from demo.population import generate_population

    print(f"B3: generating {persons:,} persons ...", flush=True)
    generated = generate_population(persons=persons, seed=SEED, replace=True)
    settle_database()
    print(f"B3: generated in {generated.seconds:.1f} s; measuring ...", flush=True)
    rng = random.Random(SEED + persons)
    subjects = _subjects(rng, samples)
    warmup, subjects["new"] = subjects["new"][:WARMUP], subjects["new"][WARMUP:]
    _time_decide(warmup + subjects["existing"][:WARMUP])
    result = {"persons": persons, "generation_seconds": round(generated.seconds, 1)}
    result["decide"] = {kind: percentiles(_time_decide(subjects[kind])) for kind in subjects}
    plans = _plans(subjects["existing"][0].fnr) if subjects["existing"] else None
    rules: Counter = Counter()
    _time_register(warmup, Counter())
    result["register"] = {
        kind: percentiles(_time_register(subjects[kind], rules)) for kind in subjects
    }
    result["rules"] = dict(sorted(rules.items()))
    result["plans"] = plans
    return result


def _ratios(sizes: list[dict]) -> dict:
    small, large = sizes[0], sizes[-1]
    ratios = {}
    for operation in ("decide", "register"):
        for kind, stats in large[operation].items():
            base = small[operation][kind]
            ratios[f"{operation} {kind}"] = {
                q: round(stats[q] / base[q], 2) if stats[q] and base[q] else None
                for q in ("p50", "p95")
            }
    return ratios


def run(*, tiny: bool) -> dict:
    sizes = TINY_SIZES if tiny else SIZES
    samples = TINY_SAMPLES if tiny else SAMPLES
    measured = [_measure_size(persons, samples) for persons in sizes]
    ratios = _ratios(measured)
    rows = []
    for size in measured:
        for operation in ("decide", "register"):
            for kind, stats in size[operation].items():
                rows.append([size["persons"], size["generation_seconds"], operation, kind,
                             stats["count"], stats["p50"], stats["p95"], stats["p99"]])  # fmt: skip
    print_table(
        TITLE + (" [tiny]" if tiny else ""),
        ["persons", "generate s", "operation", "subjects", "count", "p50 ms", "p95 ms", "p99 ms"],
        rows,
    )
    print_table(
        f"B3 ratio {sizes[-1]:,} / {sizes[0]:,} persons (target ≤ {TARGET_RATIO})",
        ["operation", "p50 ratio", "p95 ratio"],
        [[name, r["p50"], r["p95"]] for name, r in ratios.items()],
    )
    print_table(
        "B3 inside PostgreSQL (EXPLAIN ANALYZE of one lookup): pages touched and time",
        ["persons", "query", "buffers", "execution ms", "seq scan"],
        [
            [size["persons"], name, plan["buffers"], plan["execution_ms"], plan["seq_scan"]]
            for size in measured
            for name, plan in (size["plans"] or {}).items()
        ],
    )
    print(f"\nRegistration outcomes at {sizes[-1]:,}: {measured[-1]['rules']}")
    for name, plan in (measured[-1]["plans"] or {}).items():
        print(f"\nPlan of {name} at {sizes[-1]:,} persons:\n{plan['plan']}")
    return {
        "tiny": tiny,
        "samples_per_kind": samples,
        "target_ratio": TARGET_RATIO,
        "sizes": measured,
        "ratio_largest_to_smallest": ratios,
    }
