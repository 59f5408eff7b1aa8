"""python -m bench [--tiny] [--only b2 b3 ...]: run the benchmarks (see bench/__init__.py)."""

import argparse
import importlib
import sys
import time

from bench import BENCHMARKS, PLANNED
from bench.common import BenchError, prepare_database, write_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--tiny", action="store_true", help="a few hundred persons, seconds; SQLite allowed"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)
    try:
        prepare_database(tiny=args.tiny)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    chosen = [key for key in BENCHMARKS if not args.only or key in args.only]
    for key in chosen:
        module = importlib.import_module(BENCHMARKS[key])
        started = time.perf_counter()
        result = module.run(tiny=args.tiny)
        path = write_result(module.NAME, result)
        print(f"\n{key}: {time.perf_counter() - started:.0f} s, written to {path}")
    if not args.only:
        for key, what in PLANNED.items():
            print(f"{key}: not written yet ({what})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
