"""Benchmarks of performance at national scale, run by `make bench`.

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

# In run order: B3 generates 10k, 100k and then 1M persons; B2 then writes against the 1M (and
# removes its rows); B1 registers a few thousand new Oslo cases over HTTP (kept: they are
# verified, and the worklists of B4 and B5 then hold them too); B6 reports B1's memory.
BENCHMARKS = {
    "b3": "bench.b3_duplicates",
    "b2": "bench.b2_floor",
    # B1 after B2: it prints B1 / B2 from B2's result of the same run. B6 reads B1's memory.
    "b1": "bench.b1_submissions",
    "b6": "bench.b6_memory",
    # B1 through nginx to one node and to two (bench.cluster); B8 takes its two-node capacity.
    "b1c": "bench.b1_cluster",
    "b8": "bench.b8_open_loop",
    "b4": "bench.b4_worklists",
    "b5": "bench.b5_csv_export",
    "b7": "bench.b7_overview",
}
# Not written yet (bench/__main__.py lists them after a full run): none.
PLANNED: dict[str, str] = {}
