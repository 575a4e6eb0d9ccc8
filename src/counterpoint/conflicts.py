"""Conflicts: re-label aligned claim pairs that cannot both be fully true as stated.

Needs: ``alignments``, ``times``.  Changes: ``alignments`` (relation ``conflict``).

An explainable rule detector (``conflict_rules``; views, lexicon and parse helpers in
``conflict_base``) looks at each aligned pair, and at close unaligned pairs that share a
topic noun in case alignment missed them, along five dimensions, each built on spaCy's
dependency parse and the cue lexicon ``data/conflict_cues.tsv``:

* status: one side says the event is under way or done ("is already on its way"), the other
  that it is still undecided ("discussions ... are still ongoing") or only planned;
* number: the same quantity of the same thing (one each side), with intervals that do not
  meet after rounding and "about"/"at least"/"up to"; moving figures need the same day;
* date: the same event dated to days that do not overlap (only when both dates resolve);
* negation: the same predicate with matching arguments, affirmed on one side and negated or
  denied on the other;
* role: the same verb with its subject and object swapped.

False alarms cost more than misses, so every rule needs the two sides to share the thing
they disagree about (a topic noun, the verb, the unit), and anything unresolved counts as
agreement. A local NLI model folder (``COUNTERPOINT_NLI_DIR``) is optional: it can veto a
rule's conflict the model reads as entailment, and add clear contradictions the rules miss.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from . import temporal
from .conflict_base import GENERIC, Finding, View, cues, view, view_of_doc, view_of_text
from .conflict_rules import Quantity, detect, parse_number, quantities, same_unit, status
from .crossling import similarity_matrix
from .model import Alignment, Analysis, SameStory, Span
from .resources import Resources

__all__ = [
    "Finding", "View", "Quantity", "NLIModel", "OnnxNLI", "cues", "detect", "judge", "load_nli",
    "parse_number", "quantities", "run", "status", "view", "view_of_doc", "view_of_text",
]

NLI_ENV = "COUNTERPOINT_NLI_DIR"
EXTRA_SIM = 0.45  # cosine of MiniLM vectors above which an unaligned pair is checked
NLI_CONTRADICT = 0.9  # contradiction probability for a model-only conflict
NLI_VETO = 0.9  # entailment probability that overrules a rule's conflict


class NLIModel(Protocol):
    """A local entailment model: label probabilities for (premise, hypothesis)."""

    def scores(self, premise: str, hypothesis: str) -> Mapping[str, float]: ...


# ---- optional NLI model -------------------------------------------------------------------


class OnnxNLI:
    """An NLI cross-encoder exported to ONNX, read from a local folder; never downloads.

    The folder holds ``model.onnx`` (or one ``*.onnx``), ``tokenizer.json`` and a
    ``config.json`` whose ``id2label`` names the classes (entailment/neutral/contradiction).
    """

    def __init__(self, folder: Path) -> None:
        import json

        import onnxruntime as ort
        from tokenizers import Tokenizer

        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.labels = {int(k): str(v).lower() for k, v in cfg["id2label"].items()}
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(256)
        model = folder / "model.onnx"
        if not model.exists():
            model = next(folder.glob("*.onnx"))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def scores(self, premise: str, hypothesis: str) -> dict[str, float]:
        """Softmax probability per label name for (premise, hypothesis)."""
        import numpy as np

        enc = self.tokenizer.encode(premise, hypothesis)
        feeds = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.array([enc.type_ids], dtype=np.int64)
        logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0][0]
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return {self.labels[i]: float(x) for i, x in enumerate(p)}


def load_nli(folder: str | None = None) -> NLIModel | None:
    """The NLI model in ``folder`` (default: $COUNTERPOINT_NLI_DIR), or None when unset."""
    path = folder or os.environ.get(NLI_ENV)
    if not path:
        return None
    return _load_nli(str(Path(path).expanduser().resolve()))


@functools.lru_cache(maxsize=2)
def _load_nli(path: str) -> NLIModel:
    return OnnxNLI(Path(path))


def _label(scores: Mapping[str, float], prefix: str) -> float:
    return max((p for k, p in scores.items() if k.startswith(prefix)), default=0.0)


def judge(a: View, b: View, relation: str, nli: NLIModel | None = None,
          entity_of: Mapping[int, str] | None = None) -> Finding | None:
    """Rules first; an NLI model, when given, vetoes entailed pairs and adds clear contradictions."""
    found = detect(a, b, relation, entity_of)
    if nli is None:
        return found
    ab, ba = nli.scores(a.text, b.text), nli.scores(b.text, a.text)
    if found is not None:
        vetoed = min(_label(ab, "entail"), _label(ba, "entail")) >= NLI_VETO
        return None if vetoed else found
    p = min(_label(ab, "contradict"), _label(ba, "contradict"))
    if relation == "shared" and p >= NLI_CONTRADICT:
        return Finding("contradiction", f"'{_short(a.text)}'", f"'{_short(b.text)}'", f"NLI model: p={p:.2f}")
    return None


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


# ---- the stage ----------------------------------------------------------------------------


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Re-label aligned pairs that conflict; add conflicts between close unaligned claims."""
    nli = load_nli()
    ctx = _Context(analysis)
    out: list[Alignment] = []
    found: list[dict[str, Any]] = []
    for al in analysis.alignments:
        if al.relation not in ("shared", "related") or al.a.article == al.b.article:
            out.append(al)
            continue
        f = ctx.judge(al.a, al.b, al.relation, nli)
        if f is None:
            out.append(al)
            continue
        out.append(Alignment("conflict", al.a, al.b, al.score, ctx.why(f, al.a, al.b), f.dimension))
        found.append(_record(f, al.a, al.b, "aligned"))
    for a_span, b_span, score in _extra_pairs(analysis, resources, ctx):
        f = ctx.judge(a_span, b_span, "related", nli)
        if f is not None:
            out.append(Alignment("conflict", a_span, b_span, score, ctx.why(f, a_span, b_span), f.dimension))
            found.append(_record(f, a_span, b_span, "unaligned, close"))
    extras = dict(analysis.extras)
    extras["conflicts"] = {"detector": "rules+nli" if nli else "rules", "found": found}
    return analysis.update(alignments=tuple(out), extras=extras, same_story=_recount(analysis.same_story, out))


def _recount(same: SameStory | None, alignments: Sequence[Alignment]) -> SameStory | None:
    """The verdict's reason counted on the final links: a shared pair found to conflict is no shared fact."""
    if same is None or not same.cut:  # no cut: "nothing to compare", or a verdict made elsewhere
        return same
    from .align import story_why

    n_shared = sum(1 for al in alignments if al.relation == "shared")
    n_conflict = sum(1 for al in alignments if al.relation == "conflict")
    return dataclasses.replace(same, why=story_why(same.score, same.verdict, same.cut, n_shared, n_conflict))


def _record(f: Finding, a: Span, b: Span, source: str) -> dict[str, Any]:
    return {"a": [a.article, a.start, a.end], "b": [b.article, b.start, b.end],
            "dimension": f.dimension, "a_value": f.a_value, "b_value": f.b_value, "from": source}


class _Context:
    """Per-analysis caches: claim views and the entity id of each name token."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.views: dict[Span, View] = {}
        self._entity_by_article: dict[str, dict[int, str]] = {}
        for e in analysis.entities:
            for m in e.mentions:
                self._entity_by_article.setdefault(m.span.article, {})
                doc = analysis.parses.get(m.span.article)
                span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand") if doc is not None else None
                if span is not None:
                    self._entity_by_article[m.span.article][span.root.idx] = e.id

    def view(self, span: Span) -> View | None:
        if span not in self.views:
            doc = self.analysis.parses.get(span.article)
            if doc is None:
                return None
            self.views[span] = view(doc, span, temporal.times_in(self.analysis, span))
        return self.views[span]

    def judge(self, a: Span, b: Span, relation: str, nli: NLIModel | None) -> Finding | None:
        va, vb = self.view(a), self.view(b)
        if va is None or vb is None:
            return None
        ents = {**self._entity_by_article.get(a.article, {}), **self._entity_by_article.get(b.article, {})}
        return judge(va, vb, relation, nli, ents)

    def why(self, f: Finding, a: Span, b: Span) -> str:
        return f.why(self._name(a.article), self._name(b.article))

    def _name(self, article_id: str) -> str:
        art = self.analysis.article(article_id)
        return art.outlet or art.id


def claim_spans(analysis: Analysis, article_id: str) -> list[Span]:
    """The article's claims, or its sentences where the claims stage produced none."""
    claims = analysis.claims.get(article_id, ())
    if claims:
        return [c.span for c in claims]
    return [s.span for s in analysis.sentences.get(article_id, ())]


def _extra_pairs(analysis: Analysis, resources: Resources, ctx: _Context) -> Iterable[tuple[Span, Span, float]]:
    """Cross-article claim pairs alignment left unlinked that are close and share a topic noun."""
    spans = {a.id: claim_spans(analysis, a.id) for a in analysis.articles}
    flat = [s for ss in spans.values() for s in ss]
    if len(spans) < 2 or not flat:
        return []
    linked = [(al.a, al.b) for al in analysis.alignments]
    # MiniLM for English; multilingual e5, calibrated onto MiniLM's scale, across languages
    sims = similarity_matrix(resources, [analysis.article(s.article).language for s in flat],
                             [analysis.text_of(s) for s in flat])
    index = {s: i for i, s in enumerate(flat)}
    out = []
    for i, a in enumerate(flat):
        for b in flat[i + 1 :]:
            if a.article == b.article or sims[i, index[b]] < EXTRA_SIM:
                continue
            if any((x.overlaps(a) and y.overlaps(b)) or (x.overlaps(b) and y.overlaps(a)) for x, y in linked):
                continue
            va, vb = ctx.view(a), ctx.view(b)
            if va is not None and vb is not None and (_nouns(va) & _nouns(vb) or _same_count(va, vb)):
                out.append((a, b, float(sims[i, index[b]])))
    return out


def _same_count(va: View, vb: View) -> bool:
    """Both claims count the same thing; across languages their nouns never share a lemma."""
    return any(same_unit(x.unit, y.unit) for x in quantities(va) for y in quantities(vb))


def _nouns(v: View) -> set[str]:
    return {t.lemma_.lower() for t in v.sent if t.pos_ == "NOUN"} - GENERIC
