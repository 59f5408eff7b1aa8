"""B5: CSV export of a worklist of 50 000 rows: time and peak memory (issue 5).

The Oslo tracer of B4 exports "Indeksoppfølging i dag" (the 50 000 open Oslo indexes at
N = 1 000 000), in-process with Django's test client, reading the streamed response to the end.
The export writes one B-4 access-log entry per row before the first byte, then streams.

Memory: the same export is made for about 10 000 rows (an "opened from" date chosen so that
about 10 000 rows match) and for all rows, each under tracemalloc; the peak of Python
allocations must not grow with the number of rows (target: flat). Time is measured without
tracemalloc (it slows allocation down). Target: <= 3 s for 50 000 rows.
"""

import time
import tracemalloc

from bench.b4_worklists import URL, _tracer_client
from bench.common import ensure_population, print_table

NAME = "b5_csv_export"
TITLE = "B5 CSV export of a worklist (streamed): time and peak Python memory"
POPULATION = 1_000_000
SMALL_ROWS = 10_000
TINY_POPULATION = 300
TINY_SMALL_ROWS = 5
TARGET_SECONDS = 3.0


def _from_date_for(rows: int) -> str:
    """The latest 'opened from' date (Oslo) at which at least `rows` rows of the list match."""
    from django.utils import timezone

    from tracing.worklists import TODAY, worklist_indexes

    indexes = worklist_indexes(
        worklist=TODAY, municipality_numbers=["0301"], today=timezone.localdate()
    )
    opened = list(indexes.order_by("-opened_at").values_list("opened_at", flat=True)[:rows])
    if not opened:
        return timezone.localdate().isoformat()
    day = timezone.localtime(opened[-1]).date()
    return day.isoformat()


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
    client = _tracer_client()
    base = URL.format(slug="i-dag") + "eksport/"
    small_from = _from_date_for(TINY_SMALL_ROWS if tiny else SMALL_ROWS)
    small_url = f"{base}?fra={small_from}"
    export(client, small_url)  # warm-up: imports, templates, caches
    rows, size, seconds = export(client, base)
    small_rows, small_peak = export_peak(client, small_url)
    large_rows, large_peak = export_peak(client, base)
    print_table(
        TITLE + (" [tiny]" if tiny else ""),
        ["export", "rows", "MB", "seconds", "target s", "peak MB (tracemalloc)"],
        [
            ["all of i-dag (timed)", rows, round(size / 1e6, 1), round(seconds, 2),
             TARGET_SECONDS, None],
            [f"opened from {small_from}", small_rows, None, None, None, small_peak],
            ["all of i-dag", large_rows, None, None, None, large_peak],
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
            {"rows": small_rows, "peak_mb": small_peak, "filter": f"fra={small_from}"},
            {"rows": large_rows, "peak_mb": large_peak, "filter": ""},
        ],
    }
