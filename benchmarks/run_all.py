"""Run every benchmark, then write benchmarks/RESULTS.md and the table in benchmarks/README.md.

    python benchmarks/run_all.py            # the full set (about 30 minutes on 2 cores)
    python benchmarks/run_all.py --quick    # smaller sizes, one round each (under 5 minutes)
    python benchmarks/run_all.py --report   # only rewrite the reports from results/*.json

Each script runs in its own process (a fresh interpreter, so one script's memory and threads do
not disturb the next) and saves its figures to results/<name>.json; the reports are generated
from those files only, so every figure in them was measured, in the run named beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from common import BENCHMARKS, RESULTS

FULL = {
    "encoder_speed": ["--rounds", "3"],
    "ingestion": ["--articles", "40", "--rounds", "2"],
    # HNSW over 100k vectors took 11 minutes to build on a busy 2-core machine: measured at 10k
    # here, and at 100k only on request (--hnsw-max 100000)
    "faiss_scaling": ["--sizes", "10000", "100000", "1000000", "--hnsw-max", "10000"],
    "query_latency": ["--sizes", "1000", "10000", "100000", "1000000"],
    "baseline": ["--sizes", "1000", "10000", "100000"],
    "startup": ["--repeats", "2"],
    "answer_stages": ["--questions", "20", "--repeat", "3"],
    "incremental": ["--sizes", "10000", "100000", "1000000", "--adds", "3"],
    "backends": ["--chunks", "1000", "10000", "--limit", "50"],
}
QUICK = {
    "encoder_speed": ["--rounds", "1", "--variants", "fp32", "int8"],
    "ingestion": ["--articles", "30", "--rounds", "1", "--no-cli"],
    "faiss_scaling": ["--sizes", "10000", "100000", "--kinds", "flat", "ivf", "--queries", "100"],
    "query_latency": ["--sizes", "1000", "10000", "--questions", "40"],
    "baseline": ["--sizes", "1000", "10000"],
    "startup": ["--repeats", "1"],
    "answer_stages": ["--questions", "10", "--repeat", "2"],
    "incremental": ["--sizes", "10000", "--adds", "2"],
    "backends": ["--chunks", "212", "--limit", "20"],
}


def run(name: str, arguments: list[str], *, timeout_s: float) -> float | None:
    """Run one script, streaming its output; its wall time, or None when it failed."""
    print(f"\n== {name} {' '.join(arguments)}", flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), *arguments], timeout=timeout_s)
    except subprocess.TimeoutExpired:
        print(f"!! {name} took longer than {timeout_s:.0f} s and was stopped", flush=True)
        return None
    if done.returncode != 0:
        print(f"!! {name} failed with exit code {done.returncode}", flush=True)
        return None
    return time.perf_counter() - start


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    found = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(found, list):  # written by a script's --json alone: rows, dated by the file
        found = {"benchmark": name, "rows": found, "measured_at": time.strftime(
            "%Y-%m-%d %H:%M:%S", time.localtime(path.stat().st_mtime)), "machine": None}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--report", action="store_true", help="only regenerate the reports")
    parser.add_argument("--only", nargs="+", help="run only these benchmarks")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if not args.report:
        for name, arguments in plan.items():
            if args.only and name not in args.only:
                continue
            run(name, arguments, timeout_s=600 if args.quick else 1800)
    from report import write_reports

    results = {name: load(name) for name in plan}
    results["faiss_scaling"] = load("faiss_scaling_fitted")
    results["faiss_scaling_random"] = load("faiss_scaling_random")
    results["faiss_checks"] = load("faiss_checks")
    results["incremental_format4"] = load("incremental_format4")  # before format 5, when measured
    write_reports(results, mode="quick" if args.quick else "full")
    print(f"\nwrote {BENCHMARKS / 'RESULTS.md'} and the table in {BENCHMARKS / 'README.md'}")


if __name__ == "__main__":
    sys.exit(main())
