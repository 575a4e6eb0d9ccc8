#!/usr/bin/env python3
"""Entity resolution cost as the number of mentions grows, against an all-pairs baseline.

    python scripts/bench_entities.py [--shared ../shared] [--articles 1000]

Mentions come from real articles (the 300 BASIL articles, then FNC-1 bodies to reach the
count), found by the pipeline's own mention finder, and are resolved as ONE comparison (the
worst case for blocking). The baseline scores every mention pair with rapidfuzz, the
all-pairs approach blocking replaces; it is measured at the small sizes and its quadratic
growth is extrapolated (and labelled as such) where running it would take minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def real_texts(shared: Path, n: int) -> list[str]:
    texts = []
    for path in sorted((shared / "datasets" / "basil" / "articles").rglob("*.json")):
        doc = json.loads(path.read_text())
        texts.append("\n".join(" ".join(p) for p in doc.get("body-paragraphs", [])))
    bodies = shared / "datasets" / "fnc1" / "competition_test_bodies.csv"
    if len(texts) < n and bodies.exists():
        csv.field_size_limit(10**7)
        with bodies.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                texts.append(row["articleBody"][:6000])
                if len(texts) >= n:
                    break
    return [t for t in texts if len(t) > 200][:n]


def items_for(texts: list[str]) -> list[list[object]]:
    """Mention items per article (each article's items kept together)."""
    from counterpoint import entities
    from counterpoint.ingest import make_article
    from counterpoint.model import Analysis
    from counterpoint.resources import default

    res = default()
    per_article = []
    batch = 50
    for i in range(0, len(texts), batch):
        arts = tuple(make_article(t, article_id=f"a{i + k}") for k, t in enumerate(texts[i : i + batch]))
        docs = res.parse(a.text for a in arts)
        an = Analysis(articles=arts, parses={a.id: d for a, d in zip(arts, docs, strict=True)})
        cands = entities.mentions_for(an)
        for a in arts:
            per_article.append([c.item for c in cands if c.item.doc == a.id])
    return per_article


def all_pairs(texts: list[str]) -> float:
    from rapidfuzz import fuzz

    t = time.perf_counter()
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            fuzz.token_sort_ratio(a, b)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args(argv)
    from counterpoint import entities

    texts = real_texts(args.shared, args.articles)
    if not texts:
        print("no dataset articles under --shared: skipped")
        return 0
    t = time.perf_counter()
    per_article = items_for(texts)
    print(f"mention finding (spaCy parse + finder) on {len(texts)} articles: {time.perf_counter() - t:.1f} s")
    base_per_pair = None
    for n in (100, 300, len(per_article)):
        items = [it for arts in per_article[:n] for it in arts]
        t = time.perf_counter()
        entities.resolve(items)  # type: ignore[arg-type]
        ours = time.perf_counter() - t
        pairs = len(items) * (len(items) - 1) / 2
        if n <= 300:
            base = all_pairs([it.text for it in items])  # type: ignore[attr-defined]
            base_per_pair = base / max(pairs, 1)
            label = "measured"
        else:
            base = (base_per_pair or 0) * pairs
            label = "extrapolated"
        print(f"{n:5d} articles {len(items):7,d} mentions: resolve {ours:6.2f} s | all-pairs rapidfuzz "
              f"{base:8.1f} s ({label}) | {base / max(ours, 1e-9):6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
