#!/usr/bin/env python3
"""Score counterpoint on every gold reading (../shared/eval/gold, eval/gold) and gate on floors.

    python scripts/eval_gold.py [--shared ../shared] [--out out/eval] [--no-gate]

For each gold YAML: compare its articles (ids from the gold, in its order), write the
comparison JSON, run the official ``score.py`` on it, print its lines, then check every
figure against ``eval/floors.json``. Exits 1 when any figure is below its floor.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "eval" / "floors.json"


def score_one(gold: Path, base: Path, shared: Path, out_dir: Path) -> dict[str, float]:
    """Compare the gold's articles (paths relative to base), score the JSON with score.py."""
    from counterpoint import compare, load_article

    spec = yaml.safe_load(gold.read_text())
    arts = [load_article(base / rel, article_id=aid) for aid, rel in spec["articles"].items()]
    out = out_dir / f"{gold.stem}.json"
    out.write_text(compare(arts).to_json(), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), str(gold), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"== {gold.stem}")
    print(proc.stdout.rstrip() or proc.stderr.rstrip())
    figures: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if line.startswith("score:"):
            figures["score"] = float(parts[1])
        elif len(parts) >= 2:
            try:
                figures[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "eval")
    ap.add_argument("--no-gate", action="store_true")
    args = ap.parse_args(argv)
    if not (args.shared / "eval" / "score.py").exists():
        print(f"no {args.shared}/eval/score.py: nothing to score")
        return 0
    # Gold readings in ../shared name articles relative to ../shared; ours, relative to the repo.
    golds = [(g, args.shared) for g in sorted((args.shared / "eval" / "gold").glob("*.yaml"))]
    golds += [(g, ROOT) for g in sorted((ROOT / "eval" / "gold").glob("*.yaml"))]
    args.out.mkdir(parents=True, exist_ok=True)
    floors = json.loads(FLOORS.read_text())
    failed = []
    for gold, base in golds:
        try:
            figures = score_one(gold, base, args.shared, args.out)
        except Exception as exc:  # one broken pair must not hide the others' figures
            print(f"== {gold.stem}\nERROR: {type(exc).__name__}: {exc}")
            failed.append(f"{gold.stem}: could not be compared ({type(exc).__name__})")
            continue
        for check, floor in floors.get(gold.stem, {}).items():
            got = figures.get(check)
            if got is None or got + 1e-9 < floor:
                failed.append(f"{gold.stem}.{check}: {got} < floor {floor}")
        if gold.stem not in floors:
            print(f"(no floors pinned for {gold.stem}: add them to eval/floors.json)")
    for f in failed:
        print("BELOW FLOOR:", f)
    if failed and not args.no_gate:
        return 1
    print("all figures at or above their floors" if not failed else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
