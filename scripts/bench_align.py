#!/usr/bin/env python3
"""Alignment speed on two ~1,500-word real articles, against a plain all-pairs cosine baseline.

    python scripts/bench_align.py [--shared ../shared]

The pair: the Fox and NYT articles of the longest BASIL triplet, cut to 1,500 words each.
Both timings run with sentence embeddings already cached (the pipeline embeds each sentence
once; the count of encoded texts is printed to show it), median of 5 runs.
Target (issue 5): <= 0.5 s warm on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench import median_time  # noqa: E402


def basil_pair(shared: Path, words: int = 1500) -> list[str]:
    triplets: dict[str, dict[str, str]] = defaultdict(dict)
    for path in (shared / "datasets" / "basil" / "articles").rglob("*.json"):
        doc = json.loads(path.read_text())
        body = "\n".join(" ".join(p) for p in doc.get("body-paragraphs", []))
        triplets[doc["triplet-uuid"]][doc["source"].lower()] = body
    full = [t for t in triplets.values() if "fox" in t and "nyt" in t]
    best = max(full, key=lambda t: min(len(t["fox"].split()), len(t["nyt"].split())))
    return [" ".join(best[k].split()[:words]) for k in ("fox", "nyt")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    if not (args.shared / "datasets" / "basil").exists():
        print("BASIL not under --shared: skipped")
        return 0
    from counterpoint import align
    from counterpoint.ingest import make_article
    from counterpoint.model import Analysis
    from counterpoint.pipeline import DEFAULT, run_pipeline
    from counterpoint.resources import default

    res = default()
    arts = tuple(make_article(t, article_id=k) for k, t in zip(("fox", "nyt"), basil_pair(args.shared), strict=True))
    upto = DEFAULT[: DEFAULT.index("times") + 1]
    an = run_pipeline(Analysis(articles=arts), res, upto)
    encoded: list[str] = []
    real_encode = res.embedder._encode

    def counting(texts: list[str]):  # type: ignore[no-untyped-def]
        encoded.extend(texts)
        return real_encode(texts)

    res.embedder._encode = counting  # type: ignore[method-assign]
    align.align_articles(an, res)  # first run embeds
    res.embedder._encode = real_encode  # type: ignore[method-assign]
    from counterpoint import events

    def fresh() -> None:  # a new comparison finds no paragraph's quotations cached
        events._paragraph_quotes.cache_clear()
        align.align_articles(an, res)

    ours = median_time(fresh)
    sents = {a.id: [s.text for s in an.sentences[a.id]] for a in arts}
    res.embed(sents["fox"] + sents["nyt"])

    def baseline() -> None:
        a, b = res.embed(sents["fox"]), res.embed(sents["nyt"])
        sim = a @ b.T
        [(i, j) for i, j in zip(*((sim >= 0.6).nonzero()), strict=True)]

    base = median_time(baseline)
    words = [len(a.text.split()) for a in arts]
    print(f"pair: BASIL fox/nyt, {words[0]} + {words[1]} words, {len(sents['fox'])} + {len(sents['nyt'])} sentences; "
          f"{os.cpu_count()} cores")
    print(f"texts encoded in the first alignment: {len(encoded)} ({len(set(encoded))} distinct: each once)")
    print(f"align (warm)                {ours:6.3f} s   (target <= 0.5 s)")
    print(f"baseline all-pairs cosine   {base:6.3f} s   (ours is {ours / max(base, 1e-9):.0f}x its time: "
          "features, entities, dates and numbers on top of cosine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
