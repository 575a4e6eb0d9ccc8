#!/usr/bin/env python3
"""ECB+ sentence pairs: does the alignment's "same fact" call follow event coreference?

    python scripts/eval_events.py [--shared ../shared] [--split dev|test]

Every pair of sentences from two different documents of one ECB+ topic is a candidate; it is
gold "same fact" when both sentences hold a mention of one cross-document event chain (the
Barhom et al. preprocessing, Cybulska-Vossen split). Each topic mixes two seminal events of
the same kind (two earthquakes, two Oscar hosts), so many negatives share participants and
wording: the case the event test (same agent doing the same thing) is meant for.

Entities are spaCy's names keyed by their lower-cased text (no cross-document resolution
here) and dates are unresolved, so the figures are a lower bound for the pipeline. Printed:
precision/recall/F1 of "shared" for the current decision (:func:`counterpoint.align.decide`),
the previous rule (STS >= 3, or >= 1 with two shared non-backdrop participants, or >= 2 and
an MSRP paraphrase) and plain cosine with its threshold chosen on the dev split. Nothing is
fitted on ECB+; the test split is the one to quote.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GATE = 0.4  # the cosine below which align scores no pair (align.MIN_COSINE)


def read_split(shared: Path, split: str) -> tuple[dict[tuple[str, int], str], dict[tuple[str, int], set[str]]]:
    """Sentence texts and, per sentence, the cross-document event chains it mentions."""
    base = shared / "datasets" / "ecbplus"
    name = "Dev" if split == "dev" else "Test"
    words: dict[tuple[str, int], list[str]] = defaultdict(list)
    for line in (base / f"ECB_{name}_corpus.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 5:
            words[(parts[0], int(parts[1]))].append(parts[3])
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in json.loads((base / f"ECB_{name}_Event_gold_mentions.json").read_text(encoding="utf-8")):
        if not m["is_singleton"]:
            chains[(m["doc_id"], int(m["sent_id"]))].add(m["coref_chain"])
    return {k: " ".join(v) for k, v in words.items()}, chains


def _prepare(texts: dict[tuple[str, int], str]) -> dict[tuple[str, int], Any]:
    """Parse, embed and read the event of every sentence."""
    from counterpoint.events import event_of
    from counterpoint.resources import default
    from counterpoint.similarity import info_from_tokens

    res = default()
    keys = sorted(texts)
    vecs = res.embed([texts[k] for k in keys])
    out = {}
    for k, doc, vec in zip(keys, res.nlp.pipe([texts[k] for k in keys]), vecs, strict=True):
        rows = [(e.start_char, e.end_char, e.text.lower(), e.label_) for e in doc.ents
                if e.label_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY")]
        ents = {r[2]: r[2] for r in rows}
        info = info_from_tokens(texts[k], list(doc), entities=ents or None)
        out[k] = (info, event_of(doc, 0, len(doc.text), rows, [], doc.text), vec)
    return out


def _old_rule(model: Any, x: list[float], shared_participants: int) -> bool:
    s = model.sim(x)
    return bool(s >= model.shared or (s >= 1.0 and shared_participants >= 2)
                or (s >= model.related and model.prob(x) >= model.same_fact_threshold))


def pairs(shared: Path, split: str) -> list[tuple[bool, float, bool, bool]]:
    """(gold, cosine, previous rule says shared, current rule says shared) per candidate pair."""
    from counterpoint.align import decide
    from counterpoint.events import match
    from counterpoint.similarity import load_model, pair_features

    texts, chains = read_split(shared, split)
    prep = _prepare(texts)
    model = load_model()
    by_topic: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k in texts:
        by_topic[k[0].split("_")[0]].append(k)
    rows = []
    for members in by_topic.values():
        counts = Counter(e for k in members for e in prep[k][0].entities)
        backdrop = frozenset(e for e, n in counts.items() if n >= 0.5 * len(members))
        for a, b in combinations(sorted(members), 2):
            if a[0] == b[0]:
                continue
            gold = bool(chains.get(a, set()) & chains.get(b, set()))
            (ia, ea, va), (ib, eb, vb) = prep[a], prep[b]
            cos = float(va @ vb)
            old = new = False
            if cos >= GATE:
                x = pair_features(ia, ib, cos)
                old = _old_rule(model, x, len((set(ia.entities) & set(ib.entities)) - backdrop))
                new = decide(model, x, match(ea, eb, backdrop), ia, ib, backdrop)[0] == "shared"
            rows.append((gold, cos, old, new))
    return rows


def prf(gold: list[bool], pred: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    p = tp / max(1, sum(pred))
    r = tp / max(1, sum(gold))
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def best_cosine(rows: list[tuple[bool, float, bool, bool]]) -> float:
    """The cosine threshold with the best F1 on these pairs."""
    gold = [r[0] for r in rows]
    cuts = [0.4 + 0.02 * k for k in range(26)]
    return max(cuts, key=lambda t: prf(gold, [r[1] >= t for r in rows])[2])


def evaluate(shared: Path, split: str = "test") -> dict[str, float]:
    """Precision/recall/F1 of "shared" on ECB+ sentence pairs: current, previous, cosine."""
    cut = best_cosine(pairs(shared, "dev"))
    rows = pairs(shared, split) if split != "dev" else pairs(shared, "dev")
    gold = [r[0] for r in rows]
    out: dict[str, float] = {"pairs": float(len(rows)), "positives": float(sum(gold)), "cosine_cut": cut}
    for name, pred in (("current", [r[3] for r in rows]), ("previous", [r[2] for r in rows]),
                       ("cosine", [r[1] >= cut for r in rows])):
        out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = prf(gold, pred)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    args = ap.parse_args(argv)
    if not (args.shared / "datasets" / "ecbplus").exists():
        print("ECB+ not under --shared: skipped")
        return 0
    f = evaluate(args.shared, args.split)
    print(f"ECB+ {args.split}: {int(f['pairs'])} cross-document sentence pairs within topics, "
          f"{int(f['positives'])} share an event chain")
    for name in ("current", "previous", "cosine"):
        label = {"current": "current decide()", "previous": "previous rule", "cosine": "plain cosine"}[name]
        extra = f"  (cut {f['cosine_cut']:.2f} chosen on dev)" if name == "cosine" else ""
        print(f"  {label:18s} P {f[name + '_p']:.3f}  R {f[name + '_r']:.3f}  F1 {f[name + '_f1']:.3f}{extra}")
    print("  reference: none published for this sentence-pair setting; previous rule = the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
