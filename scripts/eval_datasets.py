#!/usr/bin/env python3
"""Run every public-dataset evaluation (scripts/eval_*.py) and gate on eval/dataset_floors.json.

    python scripts/eval_datasets.py [--shared ../shared] [--only ecb,msrp]

Each evaluation script has ``evaluate(shared) -> {figure: value}`` and prints its own
baseline and references; this runner collects the figures and compares them with the floors.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "eval" / "dataset_floors.json"
SKIP = {"eval_gold", "eval_datasets"}


def check(name: str, figures: dict[str, float], limits: dict[str, float]) -> list[str]:
    """Figures below their floor, or above their ceiling (a key ending in '<=', e.g. a false-alarm rate)."""
    failed = []
    for key, limit in limits.items():
        ceiling = key.endswith("<=")
        got = figures.get(key.removesuffix("<="))
        if got is None or (got - 1e-9 > limit if ceiling else got + 1e-9 < limit):
            failed.append(f"{name}.{key.removesuffix('<=')}: {got} {'above ceiling' if ceiling else 'below floor'} {limit}")
    return failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", default="", help="comma-separated names, e.g. ecb,msrp")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    wanted = {w for w in args.only.split(",") if w}
    failed: list[str] = []
    collected: dict[str, dict[str, float]] = {}
    for path in sorted((ROOT / "scripts").glob("eval_*.py")):
        if path.stem in SKIP or (wanted and path.stem.removeprefix("eval_") not in wanted):
            continue
        name = path.stem.removeprefix("eval_")
        print(f"\n===== {name}", flush=True)
        t = time.perf_counter()
        module = importlib.import_module(f"scripts.{path.stem}")
        figures = module.evaluate(args.shared)
        print(f"({name}: {time.perf_counter() - t:.0f} s)")
        collected[name] = figures
        failed += check(name, figures, floors.get(name, {}))
    out = ROOT / "out" / "datasets.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(collected, indent=1, default=float))
    print(f"\nall figures: {out}")
    for f in failed:
        print("BELOW FLOOR:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
