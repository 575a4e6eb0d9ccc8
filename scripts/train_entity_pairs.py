#!/usr/bin/env python3
"""Fit the pairwise entity-coreference model on the ECB+ dev split and write it as data.

    python scripts/train_entity_pairs.py [--shared ../shared]

Logistic regression (scikit-learn) over :data:`counterpoint.entity_pairs.FEATURES` for all
mention pairs inside each dev topic; the merge threshold is chosen by leave-one-topic-out
on dev (each topic clustered by a model fitted on the other topics), with the same
cannot-links as :func:`counterpoint.entity_pairs.merge` (different weekdays, months, years
or dates; namesakes). The tuned-encoder cosine is taken from out-of-fold vectors (run
``scripts/train_mention_encoder.py --folds`` first), since vectors from the encoder fitted
on all of dev would be in-sample here. The test split is never read. Writes ``src/counterpoint/data/entity_pair_model.json`` with its provenance.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_ecb  # noqa: E402

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
PRONOUN_WEIGHT = 0.2  # pronoun pair scores are weak evidence; they count a fifth in a cluster mean


def topic_pairs(data: dict[str, Any]) -> dict[str, tuple[list[int], Any, Any]]:
    """Per topic: mention indices, pair features and 0/1 same-chain labels."""
    import numpy as np

    from counterpoint.entity_pairs import pair_features

    blocks: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(data["ments"]):
        blocks[m.item.group].append(i)
    out = {}
    for topic, idx in blocks.items():
        x = pair_features(data["ments"], data["vec"], idx, data["seed"])
        gold = np.array([data["gold"][i] for i in idx], dtype=object)
        a, b = np.triu_indices(len(idx), 1)
        out[topic] = (idx, x, (gold[a] == gold[b]).astype(int))
    return out


def _fit(parts: Sequence[tuple[Any, Any]]) -> Any:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return LogisticRegression(C=1.0, max_iter=3000).fit(x, y)


def _conll_at(data: dict[str, Any], pairs: dict[str, Any], probs: dict[str, Any], thr: float) -> float:
    import numpy as np

    from counterpoint.entity_pairs import average_link

    labels: list[Any] = [None] * len(data["ments"])
    for topic, (idx, _, _) in pairs.items():
        w = np.array([PRONOUN_WEIGHT if data["ments"][i].item.kind == "pronoun" else 1.0 for i in idx])
        for i, lab in zip(idx, average_link([data["seed"][i] for i in idx], probs[topic], w, thr), strict=True):
            labels[i] = (topic, lab)
    return eval_ecb.conll(data["key"], eval_ecb.as_clusters(labels))["conll"]


def train(shared: Path, out: Path | None = None) -> dict[str, Any]:
    """Fit on dev, pick the threshold by leave-one-topic-out, write the model JSON."""
    from counterpoint.entity_pairs import FEATURES, MODEL_PATH, constrain

    data = eval_ecb.prepare(shared, "dev", out_of_fold=True)
    pairs = topic_pairs(data)
    probs = {}
    for topic, (idx, x, _) in pairs.items():
        model = _fit([(v[1], v[2]) for t, v in pairs.items() if t != topic])
        probs[topic] = constrain(data["ments"], idx, model.predict_proba(x)[:, 1])
    curve = {thr: round(_conll_at(data, pairs, probs, thr), 4) for thr in THRESHOLDS}
    best = max(curve, key=lambda t: (curve[t], -t))
    model = _fit([(v[1], v[2]) for v in pairs.values()])
    record = {
        "_source": "Learned by scripts/train_entity_pairs.py from the ECB+ dev split only (Cybulska & "
                   "Vossen 2014, CC BY 3.0; Barhom et al. 2019 preprocessing, topics 2 5 12 18 21 23 34 35): "
                   "scikit-learn LogisticRegression(C=1) over all within-topic gold-mention pairs, the tuned-encoder "
                   "cosine from out-of-fold vectors; threshold by leave-one-topic-out dev CoNLL F1 with the "
                   "cannot-links applied.",
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": best,
        "pronoun_weight": PRONOUN_WEIGHT,
        "dev_loto_conll": {str(k): v for k, v in curve.items()},
    }
    (out or MODEL_PATH).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return {"threshold": best, "dev_loto_conll": curve}


def main(argv: Sequence[str] | None = None) -> int:
    """Train and print the leave-one-topic-out curve."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=eval_ecb.ROOT.parent / "shared")
    args = ap.parse_args(argv)
    print(json.dumps(train(args.shared), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
