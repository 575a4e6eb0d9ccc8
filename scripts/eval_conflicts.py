#!/usr/bin/env python3
"""Measure the conflict detector: false alarms on paraphrases, recall of disagreement.

    python scripts/eval_conflicts.py [--shared ../shared] [--limit N]

* MSRP test (msrp_sts): every pair labelled paraphrase, run as an aligned ``shared`` pair;
  the share flagged as conflict is the false-alarm rate (target < 2 %).
* ClaimDiff-W test: claim B weakens claim A; each pair runs as an aligned ``related`` pair;
  F1 of the ``weakens`` class.
* FNC-1 competition test: each headline against the three body sentences sharing the most
  content words with it (at least two); ``disagree`` = a conflict with any of them;
  F1 of ``disagree`` vs the rest (class-prior guessing scores 0.027).
Each is printed next to a baseline measured in the same run: a negation-word mismatch
(one side has not/no/never/..., the other has none), and for FNC-1 also the refuting-word
mismatch of the FNC-1 organisers' baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEG_WORDS = {"not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without"}
# The refuting words of the FNC-1 organisers' baseline (fnc-1-baseline, feature_engineering.py).
REFUTING = {"fake", "fraud", "hoax", "false", "deny", "denies", "not", "despite", "nope", "doubt",
            "doubts", "bogus", "debunk", "pranks", "retract"}
FNC_OVERLAP = 2  # content words a body sentence must share with the headline
STOP = set("the a an of to in on and or for is are was were be been with by at from as that this "
           "it its his her their he she they said says will has have had not but".split())
FNC_TOP = 3

Detector = Callable[[Any, Any], bool]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+(?:'[a-z]+)?|n't", text.lower().replace("’", "'")))


def _mismatch(words: set[str]) -> Callable[[str, str], bool]:
    def check(a: str, b: str) -> bool:
        return bool(_words(a) & words) != bool(_words(b) & words)

    return check


def f1(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class."""
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    np_, ng = sum(pred), sum(gold)
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Views:
    """spaCy parses of many texts, computed in batches once."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.cache: dict[str, Any] = {}

    def add(self, texts: Iterable[str]) -> None:
        from counterpoint.conflicts import view_of_doc

        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for text, doc in zip(todo, self.nlp.pipe(todo, batch_size=256), strict=True):
            self.cache[text] = view_of_doc(doc)

    def __getitem__(self, text: str) -> Any:
        return self.cache[text]


def _conflict(relation: str) -> Callable[[Any, Any], bool]:
    from counterpoint.conflicts import detect

    return lambda a, b: detect(a, b, relation) is not None


def eval_msrp(shared: Path, views: Views, limit: int | None) -> dict[str, float]:
    """False-alarm rate on MSRP test paraphrases (and the flag rate on non-paraphrases)."""
    path = shared / "datasets" / "msrp_sts" / "msrp" / "msr-para-test.tsv"
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and row[0] in ("0", "1"):
                rows.append((row[0] == "1", row[3], row[4]))
    rows = rows[:limit] if limit else rows
    views.add(t for _, a, b in rows for t in (a, b))
    detect = _conflict("shared")
    base = _mismatch(NEG_WORDS)
    para = [(a, b) for p, a, b in rows if p]
    nonpara = [(a, b) for p, a, b in rows if not p]
    flagged = [(a, b) for a, b in para if detect(views[a], views[b])]
    out = {
        "msrp_false_alarm": len(flagged) / max(1, len(para)),
        "msrp_false_alarm_baseline": sum(base(a, b) for a, b in para) / max(1, len(para)),
        "msrp_nonpara_flag_rate": sum(detect(views[a], views[b]) for a, b in nonpara) / max(1, len(nonpara)),
    }
    print(f"MSRP test, {len(para)} paraphrase pairs as aligned 'shared' pairs:")
    print(f"  false alarms {len(flagged)} = {out['msrp_false_alarm']:.2%} (target < 2 %); "
          f"negation-mismatch baseline {out['msrp_false_alarm_baseline']:.2%}")
    print(f"  flagged among {len(nonpara)} non-paraphrase pairs: {out['msrp_nonpara_flag_rate']:.2%}")
    for a, b in flagged[:8]:
        print(f"    FA: {a[:90]!r}\n        {b[:90]!r}")
    return out


def eval_claimdiff(shared: Path, views: Views, limit: int | None) -> dict[str, float]:
    """F1 of 'weakens' on ClaimDiff-W test, pairs run as aligned 'related' pairs."""
    path = shared / "datasets" / "claimdiff" / "ClaimDiff-W" / "ClaimDiff-weak-test.json"
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    data = data[:limit] if limit else data
    views.add(t for d in data for t in (d["claim_a"], d["claim_b"]))
    detect = _conflict("related")
    gold = [d["relation"] == 1 for d in data]
    pred = [detect(views[d["claim_a"]], views[d["claim_b"]]) for d in data]
    base = [_mismatch(NEG_WORDS)(d["claim_a"], d["claim_b"]) for d in data]
    p, r, f = f1(pred, gold)
    bp, br, bf = f1(base, gold)
    _, _, allpos = f1([True] * len(gold), gold)
    print(f"ClaimDiff-W test, {len(data)} pairs ({sum(gold)} weaken):")
    print(f"  detector      P {p:.3f} R {r:.3f} F1 {f:.3f} ({sum(pred)} flagged)")
    print(f"  negation-mismatch baseline P {bp:.3f} R {br:.3f} F1 {bf:.3f}; all-positive F1 {allpos:.3f}")
    return {"claimdiff_weakens_f1": f, "claimdiff_weakens_p": p, "claimdiff_baseline_f1": bf,
            "claimdiff_allpos_f1": allpos}


def _sentences(body: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“'‘])|\n+", body)
    return [p.strip() for p in parts if 20 <= len(p.strip()) <= 600]


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def eval_fnc(shared: Path, views: Views, limit: int | None) -> dict[str, float]:
    """F1 of 'disagree' vs the rest on the FNC-1 competition test set."""
    folder = shared / "datasets" / "fnc1"
    with (folder / "competition_test_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: _sentences(r["articleBody"]) for r in csv.DictReader(fh)}
    with (folder / "competition_test_stances.csv").open(encoding="utf-8", newline="") as fh:
        stances = [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)]
    stances = stances[:limit] if limit else stances
    heads = sorted({h for h, _, _ in stances})
    words = {b: [_content_words(x) for x in ss] for b, ss in bodies.items()}
    best: list[list[str]] = []
    for h, b, _ in stances:
        hw = _content_words(h)
        scored = sorted(((len(hw & w), -i) for i, w in enumerate(words[b])), reverse=True)[:FNC_TOP]
        best.append([bodies[b][-i] for k, i in scored if k >= FNC_OVERLAP])
    views.add(heads)
    views.add(s for ss in best for s in ss)
    detect = _conflict("related")
    gold = [st == "disagree" for _, _, st in stances]
    pred = [any(detect(views[h], views[s]) for s in ss) for (h, _, _), ss in zip(stances, best, strict=True)]
    neg = [bool(ss) and _mismatch(NEG_WORDS)(h, ss[0]) for (h, _, _), ss in zip(stances, best, strict=True)]
    ref = [bool(ss) and _mismatch(REFUTING)(h, " ".join(ss)) for (h, _, _), ss in zip(stances, best, strict=True)]
    p, r, f = f1(pred, gold)
    np_, nr, nf = f1(neg, gold)
    rp, rr, rf = f1(ref, gold)
    prior = sum(gold) / max(1, len(gold))
    print(f"FNC-1 competition test, {len(stances)} pairs ({sum(gold)} disagree), "
          f"headline vs its top-{FNC_TOP} body sentences sharing >= {FNC_OVERLAP} content words:")
    print(f"  detector      P {p:.3f} R {r:.3f} F1 {f:.3f} ({sum(pred)} flagged)")
    print(f"  negation-mismatch baseline     P {np_:.3f} R {nr:.3f} F1 {nf:.3f}")
    print(f"  refuting-word mismatch baseline P {rp:.3f} R {rr:.3f} F1 {rf:.3f}")
    print(f"  class-prior guess F1 {prior:.3f} (issue reference 0.027)")
    return {"fnc_disagree_f1": f, "fnc_disagree_p": p, "fnc_negation_baseline_f1": nf,
            "fnc_refuting_baseline_f1": rf, "fnc_prior_f1": prior}


def evaluate(shared: Path, limit: int | None = None) -> dict[str, float]:
    """All conflict figures; prints what was measured and the baselines."""
    from counterpoint.resources import default

    views = Views(default().nlp)
    out: dict[str, float] = {}
    out.update(eval_msrp(shared, views, limit))
    out.update(eval_claimdiff(shared, views, limit))
    out.update(eval_fnc(shared, views, limit))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--limit", type=int, default=None, help="first N items of each set (smoke runs)")
    args = ap.parse_args(argv)
    figures = evaluate(args.shared, args.limit)
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
