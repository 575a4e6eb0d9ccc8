#!/usr/bin/env python3
"""Speed and memory of counterpoint, each figure beside a named baseline measured in the same run.

    python scripts/bench.py [--shared ../shared]

Pair figures (the example pair): cold time (process start to written output, a fresh
process), warm time (models loaded, median of 5), peak RSS of the cold process.
Targets from issue 3: warm <= 1.0 s, cold <= 10 s, RSS <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cold(inputs: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one fresh `counterpoint compare` process."""
    out = Path(tempfile.mkdtemp()) / "cold.json"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "counterpoint.cli", "compare", *inputs, "-o", str(out), "-q"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, rss_kb / 1024


def median_time(fn: Callable[[], object], repeats: int = 5) -> float:
    """Median wall time of repeated calls (the other bench scripts use it too)."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def warm(inputs: list[str], repeats: int = 5) -> float:
    from counterpoint import compare, load_article

    arts = [load_article(p) for p in inputs]
    compare(arts).to_json()  # load models
    return median_time(lambda: compare(arts).to_json(), repeats)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    pair = [args.shared / "examples" / "rt.txt", args.shared / "examples" / "kyivindependent.txt"]
    if not pair[0].exists():
        pair = sorted((ROOT / "demo" / "pair").glob("*.txt"))
    inputs = [str(p) for p in pair]
    print(f"machine: {os.cpu_count()} cores; pair: {', '.join(Path(p).name for p in inputs)}")
    c, rss = cold(inputs)
    w = warm(inputs)
    print(f"pair cold   {c:7.2f} s   (target <= 10 s)")
    print(f"pair warm   {w:7.3f} s   (target <= 1.0 s; {c / w:.1f}x faster than cold)")
    print(f"peak RSS    {rss:7.0f} MB  (target <= 1536 MB)")
    for name in ("bench_align", "bench_entities", "bench_corpus"):
        extra = ROOT / "scripts" / f"{name}.py"
        if extra.exists():
            print(f"-- {name}")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(extra), "--shared", str(args.shared)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
