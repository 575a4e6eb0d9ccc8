"""Corpus bench: ingest + story clustering throughput and growth, against all-pairs clustering.

Real articles from every dataset with article bodies (BASIL, AllSides, FNC-1 bodies,
PolNeAR; about 2,850 in all) are written as one JSONL file and ingested in-process with
``counterpoint.corpus.run.ingest`` into a fresh SQLite file, at growing corpus sizes. Each
size runs in a fresh process (models loaded before the clock starts, no warm embedding
cache), and reports articles/s for the whole ingest (load, NER + sentences, embedding,
MinHash, clustering, one transaction per article) and the process's peak RSS.

Clustering cost alone (placing every article, then consolidation) is compared with the named
baseline, all-pairs cosine clustering (n x n similarity matrix + average linkage, scipy), on
the same vectors: how each grows from 300 to the full corpus (ratios to the previous size).
Target from issue 10: >= 20 articles/s in-process on 2 cores.

The machine may be shared: each size also reports the process CPU time per article (less
sensitive to other jobs than wall time) and the load average when it started.

``--compare-minilm`` runs each size a second time with the previous story encoder (the int8
MiniLM of ``resources.embed``) in place of USE, in the same run, and prints the ratios.

``make bench`` calls :func:`bench`.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = (300, 1000, 3000)


def corpus_records(shared: Path) -> list[dict[str, Any]]:
    """Articles of all datasets as JSONL records, interleaved so every prefix mixes sources."""
    ds = shared / "datasets"
    groups: list[list[dict[str, Any]]] = [[], [], [], []]
    for f in sorted((ds / "basil" / "articles").glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        groups[0].append({"text": "\n".join(" ".join(p) for p in d["body-paragraphs"]), "title": d["title"],
                          "outlet": d["source"], "published": d["date"]})
    for line in (ds / "allsides" / "headline_11_2021-10-19_crawled_all.jsonl").read_text(encoding="utf-8").splitlines():
        for n in (json.loads(line).get("news") or {}).values():
            if n.get("newBody"):
                groups[1].append({"text": "\n".join(n["newBody"]), "title": n.get("newsTitle"), "outlet": n.get("newsSource")})
    with (ds / "fnc1" / "competition_test_bodies.csv").open(encoding="utf-8") as fh:
        groups[2] = [{"text": r["articleBody"]} for r in csv.DictReader(fh) if r["articleBody"].strip()]
    for f in sorted((ds / "polnear").glob("*/text/*.txt")):
        groups[3].append({"text": f.read_text(encoding="utf-8"), "outlet": f.name.split("_")[0]})
    out: list[dict[str, Any]] = []
    for i in range(max(len(g) for g in groups)):
        out.extend(g[i] for g in groups if i < len(g))
    for i, r in enumerate(out):
        r["id"] = f"bench-{i}"
    return out


def _run_size(path: str, n: int, queue: Any, story_encoder: str = "default") -> None:
    """Child process: ingest the first n records, then time clustering alone and the baseline."""
    from counterpoint.corpus import db, encoder
    from counterpoint.corpus.run import ingest
    from counterpoint.resources import default

    r = default()
    if story_encoder == "minilm":
        encoder.set_story_encoder(r.embed)
    encoder.story_encoder()(["warm up"])
    r.parse(["Warm up."])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with open(path, encoding="utf-8") as fh:
            src.write_text("".join(next(fh) for _ in range(n)), encoding="utf-8")
        load, cpu = os.getloadavg()[0], time.process_time()
        rep = ingest([str(src)], Path(tmp) / "c.db", progress=False)
        cpu = time.process_time() - cpu
        stored = list(db.stored_articles(db.connect(Path(tmp) / "c.db")))
    ours = _time_incremental(stored)
    base = _time_all_pairs(stored)
    queue.put({"n": n, "new": rep.new, "stories": rep.stories, "ingest_s": rep.seconds,
               "cluster_s": ours, "baseline_s": base, "load": load, "cpu_ms": 1000 * cpu / max(rep.new, 1),
               "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _time_incremental(stored: list[Any]) -> float:
    from counterpoint.corpus.cluster import StoryIndex

    t = time.perf_counter()
    idx = StoryIndex()
    for s in stored:
        a = s.article
        idx.place_and_add(s.key, s.features.vector, s.terms, a.published, a.outlet, s.features.minhash)
    idx.consolidate()
    return time.perf_counter() - t


def _time_all_pairs(stored: list[Any]) -> float:
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    t = time.perf_counter()
    v = np.asarray([s.features.vector for s in stored], dtype=np.float32)
    dist = np.clip(1.0 - v @ v.T, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    fcluster(linkage(squareform((dist + dist.T) / 2, checks=False), "average"), 0.375, "distance")
    return time.perf_counter() - t


def bench(shared: Path, sizes: tuple[int, ...] = SIZES, compare_minilm: bool = False) -> dict[str, float]:
    """Figures per corpus size: ingest articles/s, clustering seconds vs all-pairs, peak RSS (MB).

    With ``compare_minilm`` the same figures with the MiniLM story encoder follow each size,
    under keys prefixed ``minilm_``.
    """
    records = corpus_records(shared)
    out: dict[str, float] = {"corpus_articles": float(len(records))}
    ctx = mp.get_context("spawn")
    runs = ("default", "minilm") if compare_minilm else ("default",)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        for size in sizes:
            for enc in runs:
                _one_size(ctx, str(path), min(size, len(records)), enc, out)
    return out


def _one_size(ctx: Any, path: str, n: int, enc: str, out: dict[str, float]) -> None:
    q = ctx.Queue()
    p = ctx.Process(target=_run_size, args=(path, n, q, enc))
    p.start()
    res = q.get()
    p.join()
    pre = "minilm_" if enc == "minilm" else ""
    for key, value in _figures(res).items():
        out[f"{pre}n{n}_{key}"] = value


def _figures(res: dict[str, Any]) -> dict[str, float]:
    return {
        "ingest_articles_per_s": res["new"] / res["ingest_s"],
        "stories": float(res["stories"]),
        "cluster_s": res["cluster_s"],
        "all_pairs_cluster_s": res["baseline_s"],
        "peak_rss_mb": res["peak_rss_mb"],
        "cpu_ms_per_article": res["cpu_ms"],
        "load_at_start": res["load"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--compare-minilm", action="store_true", help="also time each size with the MiniLM story encoder")
    args = ap.parse_args(argv)
    if not (args.shared / "datasets").exists():
        print(f"no datasets under {args.shared}", file=sys.stderr)
        return 2
    r = bench(args.shared, tuple(int(x) for x in args.sizes.split(",")), args.compare_minilm)
    print(f"Corpus bench: {int(r['corpus_articles'])} real articles (BASIL, AllSides, FNC-1, PolNeAR), "
          "in-process, SQLite; target >= 20 articles/s on 2 cores")
    print(f"  {'n':>5} {'ingest art/s':>13} {'cpu ms/art':>11} {'load':>5} {'stories':>8} {'cluster s':>10} "
          f"{'x prev':>7} {'all-pairs s':>12} {'x prev':>7} {'peak RSS MB':>12}")
    prev: tuple[float, float] | None = None
    for n in sorted(int(k.split("_")[0][1:]) for k in r if k.endswith("_ingest_articles_per_s") and k[0] == "n"):
        p = f"n{n}_"
        ours, base = r[p + "cluster_s"], r[p + "all_pairs_cluster_s"]
        grow = (f"{ours / prev[0]:>7.1f}", f"{base / prev[1]:>7.1f}") if prev else (f"{'':>7}", f"{'':>7}")
        print(f"  {n:>5} {r[p + 'ingest_articles_per_s']:>13.1f} {r[p + 'cpu_ms_per_article']:>11.0f} "
              f"{r[p + 'load_at_start']:>5.1f} {int(r[p + 'stories']):>8} {ours:>10.2f} {grow[0]} {base:>12.2f} {grow[1]} "
              f"{r[p + 'peak_rss_mb']:>12.0f}")
        prev = (ours, base)
    _print_minilm(r)
    return 0


def _print_minilm(r: dict[str, float]) -> None:
    """The same sizes with the MiniLM story encoder, and the ratios of the default (USE) to it."""
    sizes = sorted(int(k.split("_")[1][1:]) for k in r if k.startswith("minilm_") and k.endswith("_ingest_articles_per_s"))
    if sizes:
        print("  with the MiniLM story encoder instead (same run; ratio = USE / MiniLM):")
    for n in sizes:
        p, m = f"n{n}_", f"minilm_n{n}_"
        print(f"  {n:>5} {r[m + 'ingest_articles_per_s']:>13.1f} {r[m + 'cpu_ms_per_article']:>11.0f} "
              f"{r[m + 'load_at_start']:>5.1f} {int(r[m + 'stories']):>8}   articles/s ratio "
              f"{r[p + 'ingest_articles_per_s'] / r[m + 'ingest_articles_per_s']:.2f}, CPU ms ratio "
              f"{r[p + 'cpu_ms_per_article'] / r[m + 'cpu_ms_per_article']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
