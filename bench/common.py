"""What every benchmark shares: the database, the population, statistics, tables and JSON."""

import contextlib
import datetime
import json
import math
import os
import platform
import sys
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smittesporing_bench"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SEED = 20220209  # 9 Feb 2022: Norway's worst day, 26 109 cases


class BenchError(Exception):
    """A benchmark cannot run as asked; `str()` says why."""


def prepare_database(*, tiny: bool) -> None:
    """Point Django at the bench database, create and migrate it, and set Django up.

    The benchmarks empty the register and tracing tables (generate_population --replace), so
    only a database named for benchmarks is accepted. Full runs need PostgreSQL (SQLite has one writer and no COPY; its numbers mean nothing).
    Must run before anything imports Django models.
    """
    import dj_database_url

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smittesporing.settings")
    # The settings have no default environment; a production one is refused below.
    os.environ.setdefault("DJANGO_ENV", "development")
    # DEBUG keeps every query in memory (and costs time on each): never while measuring.
    os.environ["DEBUG"] = "false"
    config = dj_database_url.parse(url)
    postgres = "postgresql" in config["ENGINE"]
    if "bench" not in str(config["NAME"]):
        raise BenchError(
            f"The benchmarks replace the register and tracing data in their database; they "
            f"only run on one whose name contains 'bench', not {config['NAME']!r}. Unset "
            f"DATABASE_URL to use {DEFAULT_DATABASE_URL}."
        )
    if not postgres and not tiny:
        raise BenchError(
            "The benchmarks need PostgreSQL: set DATABASE_URL=postgres://... (default "
            f"{DEFAULT_DATABASE_URL}). SQLite is only for --tiny."
        )
    if postgres:
        _create_postgres_database(config)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        raise BenchError("Benchmarks replace the data in their database; refused in production.")
    call_command("migrate", interactive=False, verbosity=0)


def _create_postgres_database(config: dict) -> None:
    import psycopg
    from psycopg import sql

    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}")


def postgres_conninfo() -> dict:
    """Connection parameters for plain psycopg connections to Django's (current) database."""
    from django.db import connection

    s = connection.settings_dict
    params = {
        "dbname": s["NAME"],
        "host": s["HOST"] or None,
        "port": s["PORT"] or None,
        "user": s["USER"] or None,
        "password": s["PASSWORD"] or None,
    }
    return {key: value for key, value in params.items() if value is not None}


def ensure_population(*, persons: int) -> dict:
    """Generate a population of `persons` unless the register already holds exactly that many.

    Returns what was done, for the JSON: {"persons", "generated", "generation_seconds"}.
    """
    from demo.population import generate_population
    from registers.models import SyntheticPerson

    if SyntheticPerson.objects.count() == persons:
        return {"persons": persons, "generated": False, "generation_seconds": None}
    summary = generate_population(persons=persons, seed=SEED, replace=True)
    settle_database()
    return {"persons": persons, "generated": True, "generation_seconds": summary.seconds}


def settle_database() -> None:
    """After a bulk load, bring PostgreSQL to a steady state before measuring: VACUUM (sets
    hint bits and the visibility map, so autovacuum does not start in the middle of a
    measurement) and a CHECKPOINT (so the load's WAL is not flushed during one)."""
    from django.db import DatabaseError, connection

    from demo.bulkload import GENERATED_MODELS

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM cannot run inside a transaction
    with connection.cursor() as cursor:
        for model in GENERATED_MODELS:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        # Needs superuser or pg_checkpoint; without it the figures are only noisier.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")


def percentiles(samples_ms: list[float]) -> dict:
    """p50/p95/p99 by nearest rank, with the count, mean and max (milliseconds)."""
    if not samples_ms:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "mean": None, "max": None}
    ordered = sorted(samples_ms)

    def rank(q: float) -> float:
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 3)

    return {
        "count": len(ordered),
        "p50": rank(0.50),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "mean": round(sum(ordered) / len(ordered), 3),
        "max": round(ordered[-1], 3),
    }


def environment() -> dict:
    """The machine and database a result was measured on."""
    from django.db import connection

    info = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "database": connection.vendor,
        # Other work on the machine skews every figure: the 1, 5 and 15 minute load averages.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["server_version"] = cursor.fetchone()[0]
            for name in ("shared_buffers", "synchronous_commit", "max_connections", "work_mem"):
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
    return info


def write_result(name: str, result: dict, *, results_dir: Path | None = None) -> Path:
    directory = results_dir or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    document = {
        "benchmark": name,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "environment": environment(),
        **result,
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
