"""B5: CSV export of a worklist of 50 000 rows: time and peak memory.

A tracer of every municipality (a national team: no municipality alone has a list of 50 000)
exports "Selvregistrerte personer", narrowed by an "opened from" date chosen so that at least
50 000 rows match (bench.b5_csv_export.from_date_for), in-process with Django's test client,
reading the streamed response to its end. The export writes one B-4 access-log entry per row
before the first byte, then streams.

Memory: the same export is made for about 10 000 rows (a later "opened from" date) and for the
50 000, each under tracemalloc; the peak of Python allocations must not grow with the number of
rows (target: flat). Time is measured without tracemalloc (it slows allocation down).
Target: <= 3 s for 50 000 rows.
"""

import time
import tracemalloc

from bench.b4_worklists import URL, _tracer_client
from bench.common import ensure_population, print_table

NAME = "b5_csv_export"
TITLE = "B5 CSV export of a worklist (streamed): time and peak Python memory"
POPULATION = 1_000_000
SMALL_ROWS = 10_000
LARGE_ROWS = 50_000
TINY_LARGE_ROWS = 20
TINY_POPULATION = 300
TINY_SMALL_ROWS = 5
TARGET_SECONDS = 3.0


def from_date_for(rows: int) -> str:
    """The latest 'opened from' date (Oslo) at which at least `rows` rows of the list match."""
    from django.utils import timezone

    from tracing.worklists import SELF_REGISTERED, worklist_indexes

    indexes = worklist_indexes(
        worklist=SELF_REGISTERED, municipality_numbers=_numbers(), today=timezone.localdate()
    )
    opened = indexes.order_by("-opened_at").values_list("opened_at", flat=True)
    last = opened[rows - 1 : rows].first() or opened.last()
    day = timezone.localtime(last).date() if last else timezone.localdate()
    return day.isoformat()


def _numbers() -> list[str]:
    from municipalities.selectors import municipality_list

    return [m.number for m in municipality_list()]


def export(client, url: str) -> tuple[int, int, float]:
    """(rows, bytes, seconds) of one export read to its end."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    lines = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return lines - 1, size, time.perf_counter() - started  # minus the header line


def export_peak(client, url: str) -> tuple[int, float]:
    """(rows, peak MB of Python allocations) of one export under tracemalloc."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        rows, _, _ = export(client, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return rows, round(peak / 1024 / 1024, 2)


def run(*, tiny: bool) -> dict:
    population = ensure_population(persons=TINY_POPULATION if tiny else POPULATION)
    client = _tracer_client("bench-b5-national-tracer", tuple(_numbers()))
    base = URL.format(slug="selvregistrerte") + "eksport/"
    small_url = f"{base}?fra={from_date_for(TINY_SMALL_ROWS if tiny else SMALL_ROWS)}"
    large_url = f"{base}?fra={from_date_for(TINY_LARGE_ROWS if tiny else LARGE_ROWS)}"
    export(client, small_url)  # warm-up: imports, templates, caches
    rows, size, seconds = export(client, large_url)
    small_rows, small_peak = export_peak(client, small_url)
    large_rows, large_peak = export_peak(client, large_url)
    print_table(
        TITLE + (" [tiny]" if tiny else ""),
        ["export", "rows", "MB", "seconds", "target s", "peak MB (tracemalloc)"],
        [
            [f"timed: {large_url.rsplit('?', 1)[1]}", rows, round(size / 1e6, 1), round(seconds, 2),
             TARGET_SECONDS, None],
            [small_url.rsplit("?", 1)[1], small_rows, None, None, None, small_peak],
            [large_url.rsplit("?", 1)[1], large_rows, None, None, None, large_peak],
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "population": population,
        "rows": rows,
        "bytes": size,
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "memory": [
            {"rows": small_rows, "peak_mb": small_peak, "filter": small_url.rsplit("?", 1)[1]},
            {"rows": large_rows, "peak_mb": large_peak, "filter": large_url.rsplit("?", 1)[1]},
        ],
    }
