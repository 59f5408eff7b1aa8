"""Benchmarks for issue 5 (performance at national scale), run by `make bench`.

`python -m bench` runs them against PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/smittesporing_bench, created and migrated if missing);
`python -m bench --tiny` runs each at a few hundred persons in seconds, on SQLite too, and is
part of `make test` (bench/tests/test_bench_tiny.py) so that the benchmarks never rot.

Each benchmark is a module with NAME, TITLE and `run(*, tiny: bool) -> dict`: it prints its
table(s) and returns the result, which bench/__main__.py writes to bench/results/<NAME>.json.
BENCHMARKS lists them in the order they run; each `run` generates the population it needs
(bench.common.ensure_population) so any one can run alone. Add a benchmark by writing its module
and putting it in BENCHMARKS.
"""

# In run order: B3 generates 10k, 100k and then 1M persons; B2 then writes against the 1M.
BENCHMARKS = {
    "b3": "bench.b3_duplicates",
    "b2": "bench.b2_floor",
}
# Not written yet: they need the citizen portal and back office under load (issue 5).
PLANNED = {
    "b1": "end-to-end HTTP submissions (gunicorn, 8/32/128 clients)",
    "b4": "worklists at 1 000 000 persons",
    "b5": "CSV export of 50 000 rows",
    "b6": "peak memory per app process under B1 load",
}
