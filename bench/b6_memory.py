"""B6: peak memory per app process under B1 load.

B1 (bench/b1_submissions.py) samples VmRSS and VmHWM (the peak resident set) of every gunicorn
worker from /proc/<pid>/status twice a second while its load runs; this benchmark prints those
figures per client count. If B1 has not run in this process (`--only b6`), a short B1 run at 32
clients is made first (8 and 128 too, at tiny scale).
"""

from bench import b1_submissions
from bench.common import print_table

NAME = "b6_memory"
TITLE = "B6 peak memory per gunicorn worker under B1 load (VmHWM from /proc)"


def run(*, tiny: bool) -> dict:
    if not b1_submissions.LAST_MEMORY:
        saved = b1_submissions.CLIENTS, dict(b1_submissions.PER_LEVEL)
        b1_submissions.CLIENTS = (32,)
        b1_submissions.PER_LEVEL[32] = 1000
        try:
            b1_submissions.run(tiny=tiny)
        finally:
            b1_submissions.CLIENTS, b1_submissions.PER_LEVEL = saved[0], saved[1]
    levels = [
        {"clients": clients, **memory}
        for clients, memory in sorted(b1_submissions.LAST_MEMORY.items())
    ]
    if not levels:
        print(f"\n{TITLE}: no gunicorn workers (SQLite --tiny runs B1 in-process)")
        return {"tiny": tiny, "source": "none: B1 ran in-process", "levels": []}
    print_table(
        TITLE + (" [tiny]" if tiny else ""),
        ["clients", "workers", "max worker VmHWM MB", "each worker VmHWM MB", "master MB"],
        [
            [m["clients"], m["workers"], m["max_worker_vmhwm_mb"],
             " ".join(f"{v:.0f}" for v in m["worker_vmhwm_mb"]), m["master_vmhwm_mb"]]
            for m in levels
        ],
    )  # fmt: skip
    return {
        "tiny": tiny,
        "source": "B1's load; in-process SQLite --tiny runs have no workers" if tiny else "B1",
        "levels": levels,
    }
