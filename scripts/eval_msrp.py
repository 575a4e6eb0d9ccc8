#!/usr/bin/env python3
"""Same-fact decision on MSRP and graded similarity on STS headlines, against plain cosine.

    python scripts/eval_msrp.py [--shared ../shared] [--fit]

MSRP: accuracy and F1 (paraphrase class) on the test split of the alignment model's
same-fact decision and of plain MiniLM cosine, whose threshold is chosen on train+val in
this run. STS headlines 2013/2014/2015: Pearson r of the model's similarity and of plain
cosine. ``--fit`` refits the logistic same-fact weights on MSRP train (cut chosen on
train/val) and the similarity regression on STS 2013 (the dev year; 2014 and 2015 stay
held out), and writes ``src/counterpoint/data/align_model.json``. Features are cached under ``out/``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "out" / "eval_msrp"
MODEL_OUT = ROOT / "src" / "counterpoint" / "data" / "align_model.json"
REFERENCE: dict[str, Any] = {
    "msrp_cosine_acc": 0.719, "msrp_cosine_f1": 0.807, "floor_acc": 0.78, "aim_acc": 0.80, "aim_f1": 0.86,
    "ji_eisenstein_2013": (0.804, 0.859), "sts_cosine_r": {"2013": 0.815, "2014": 0.792, "2015": 0.837},
}


def read_msrp(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    rows = [r for r in rows if len(r) >= 5]
    return [(r[3], r[4]) for r in rows], np.array([int(r[0]) for r in rows])


def read_sts(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    pairs, gold = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(r) >= 3 and r[0].strip():
                pairs.append((r[1], r[2]))
                gold.append(float(r[0]))
    return pairs, np.array(gold)


def features(pairs: list[tuple[str, str]], tag: str) -> tuple[np.ndarray, np.ndarray]:
    """(feature matrix, cosine) for sentence pairs; cached by content under out/."""
    from counterpoint.similarity import BASE_FEATURES, surface, surface_features

    # the spaCy/embedding part is slow and cached; surface features are recomputed
    base, cos = _base_features(pairs, tag, BASE_FEATURES)
    extra = np.array([surface_features(surface(a), surface(b)) for a, b in pairs])
    return np.hstack([base, extra]), cos


def _base_features(pairs: list[tuple[str, str]], tag: str, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    from counterpoint.resources import default
    from counterpoint.similarity import base_features, info_from_tokens

    key = hashlib.sha1(json.dumps([names, pairs]).encode()).hexdigest()[:16]
    path = CACHE / f"{tag}-{key}.npz"
    if path.exists():
        z = np.load(path)
        return z["x"], z["cos"]
    res = default()
    texts = list(dict.fromkeys(t for p in pairs for t in p))
    infos = {t: info_from_tokens(t, list(d)) for t, d in zip(texts, res.nlp.pipe(texts, batch_size=128), strict=False)}
    emb = dict(zip(texts, res.embed(texts), strict=False))
    cos = np.array([float(emb[a] @ emb[b]) for a, b in pairs])
    x = np.array([base_features(infos[a], infos[b], c) for (a, b), c in zip(pairs, cos, strict=False)])
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, x=x, cos=cos)
    return x, cos


def best_threshold(score: np.ndarray, gold: np.ndarray) -> float:
    """The cut on score that maximises accuracy."""
    cands = np.unique(np.round(score, 4))
    accs = [((score >= t) == gold).mean() for t in cands]
    return float(cands[int(np.argmax(accs))])


def acc_f1(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    tp = float((pred & (gold == 1)).sum())
    f1 = 2 * tp / (pred.sum() + (gold == 1).sum())
    return float((pred == gold).mean()), float(f1)


def load(shared: Path) -> dict[str, Any]:
    base = shared / "datasets" / "msrp_sts"
    data: dict[str, Any] = {}
    for split in ("train", "val", "test"):
        data[split] = read_msrp(base / "msrp" / f"msr-para-{split}.tsv")
    for year in ("2013", "2014", "2015"):
        data[year] = read_sts(base / "sts_headlines" / f"{year}.headlines.test.tsv")
    return data


def _linear(mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float) -> dict[str, Any]:
    return {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "coef": np.ravel(coef).round(6).tolist(), "intercept": round(float(intercept), 6)}


def fit(shared: Path) -> dict[str, Any]:
    """Fit same-fact weights on MSRP train (cut on train/val) and similarity on STS 2013."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import cross_val_predict

    from counterpoint.similarity import FEATURES

    data = load(shared)
    xtr, _ = features(data["train"][0], "train")
    ytr = data["train"][1]
    mean, scale = xtr.mean(0), xtr.std(0) + 1e-9
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((xtr - mean) / scale, ytr)
    # cut on out-of-fold train predictions plus val: val alone (500 pairs) is too noisy
    oof = cross_val_predict(LogisticRegression(C=1.0, max_iter=2000), (xtr - mean) / scale, ytr, cv=5,
                            method="predict_proba")[:, 1]
    xva, _ = features(data["val"][0], "val")
    pva = lr.predict_proba((xva - mean) / scale)[:, 1]
    cut = best_threshold(np.concatenate([oof, pva]), np.concatenate([ytr, data["val"][1]]))
    x13, _ = features(data["2013"][0], "sts2013")
    m13, s13 = x13.mean(0), x13.std(0) + 1e-9
    ridge = Ridge(alpha=10.0).fit((x13 - m13) / s13, data["2013"][1])
    spec: dict[str, Any] = {
        "_source": (
            "same_fact: logistic regression (scikit-learn 1.9.1, C=1) on MSRP train (brmson/dataset-sts "
            "msr-para-train.tsv, 3,576 pairs), threshold = max accuracy on 5-fold out-of-fold train "
            "predictions + msr-para-val.tsv. similarity: ridge regression (alpha=10) onto the 0-5 gold of "
            "STS 2013 headlines (750 pairs; 2014/2015 stay held out); cuts 3.0 (shared) and 2.0 (related) "
            "are the STS guideline's anchors, not fitted. Written by scripts/eval_msrp.py --fit on "
            f"{dt.date.today().isoformat()}."
        ),
        "features": list(FEATURES),
        "same_fact": dict(_linear(mean, scale, lr.coef_[0], lr.intercept_[0]), threshold=round(cut, 4)),
        "similarity": dict(_linear(m13, s13, ridge.coef_, ridge.intercept_), shared=3.0, related=2.0),
    }
    MODEL_OUT.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return spec


def evaluate(shared: Path) -> dict[str, float]:
    """Figures of the shipped model and of plain cosine (threshold from train+val)."""
    from counterpoint.similarity import load_model

    model = load_model()
    data = load(shared)
    out: dict[str, float] = {}
    xte, cte = features(data["test"][0], "test")
    yte = data["test"][1]
    prob = np.array([model.prob(list(r)) for r in xte])
    out["msrp_acc"], out["msrp_f1"] = acc_f1(prob >= model.same_fact_threshold, yte)
    _, ctr = features(data["train"][0], "train")
    _, cva = features(data["val"][0], "val")
    t = best_threshold(np.concatenate([ctr, cva]), np.concatenate([data["train"][1], data["val"][1]]))
    out["msrp_cosine_threshold"] = t
    out["msrp_cosine_acc"], out["msrp_cosine_f1"] = acc_f1(cte >= t, yte)
    for year in ("2013", "2014", "2015"):
        x, c = features(data[year][0], f"sts{year}")
        p = np.array([model.similarity(list(r)) for r in x])
        out[f"sts{year}_r"] = float(np.corrcoef(p, data[year][1])[0, 1])
        out[f"sts{year}_cosine_r"] = float(np.corrcoef(c, data[year][1])[0, 1])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--fit", action="store_true", help="refit the model and write align_model.json")
    args = ap.parse_args(argv)
    if args.fit:
        spec = fit(args.shared)
        print(f"wrote {MODEL_OUT.relative_to(ROOT)}: same-fact cut {spec['same_fact']['threshold']}")
    r = evaluate(args.shared)
    print("MSRP test (1,725 pairs); weights fitted on train, threshold on val")
    print(f"  model        acc {r['msrp_acc']:.3f}  F1 {r['msrp_f1']:.3f}")
    print(f"  plain cosine acc {r['msrp_cosine_acc']:.3f}  F1 {r['msrp_cosine_f1']:.3f}"
          f"  (threshold {r['msrp_cosine_threshold']:.3f} from train+val)")
    print("  reference: cosine 0.719/0.807, floor acc 0.78, aim 0.80/0.86, Ji & Eisenstein 2013 0.804/0.859")
    print("STS headlines (Pearson r, unscored 2015 pairs skipped); the similarity was fitted on 2013 (dev)")
    for year in ("2013", "2014", "2015"):
        print(f"  {year}: model {r[f'sts{year}_r']:.3f}  plain cosine {r[f'sts{year}_cosine_r']:.3f}"
              f"  (reference cosine {REFERENCE['sts_cosine_r'][year]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
