"""Learned pair scores and the average-link merge of sieve clusters (no real models loaded)."""

from __future__ import annotations

import numpy as np

from counterpoint.entity_cluster import Item
from counterpoint.entity_pairs import (
    BASE,
    FEATURES,
    Mention,
    PairModel,
    Vectors,
    average_link,
    load_model,
    merge,
    namesake_conflicts,
    pair_features,
    time_conflicts,
    time_key,
)


def mention(text: str, doc: str, kind: str = "nominal", group: str = "t1", head: str | None = None) -> Mention:
    head = head or text.split()[-1].lower()
    return Mention(Item(doc=doc, group=group, order=0, sent=0, text=text, head=head, kind=kind), text)


def unit_rows(*rows: list[float]) -> np.ndarray:
    arr = np.array(rows, dtype=float)
    return arr / np.linalg.norm(arr, axis=1, keepdims=True)


def vectors(rows: np.ndarray) -> Vectors:
    return Vectors(ctx=rows, text=rows, head=rows, gov=rows, sent=rows, doc=rows, ft=rows)


def test_average_link_merges_above_threshold_and_keeps_seed() -> None:
    # items 0,1 are one seed cluster; 2 scores high with both, 3 scores low with everything
    square = np.zeros((4, 4))
    square[0, 2] = square[1, 2] = 0.9
    square[0, 3] = square[1, 3] = square[2, 3] = 0.1
    probs = square[np.triu_indices(4, 1)]
    labels = average_link([7, 7, 8, 9], probs, np.ones(4), threshold=0.5)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] != labels[0]


def test_average_link_uses_the_mean_not_the_best_pair() -> None:
    # item 2 matches one member of the seed cluster well and the other badly: mean 0.45
    square = np.zeros((3, 3))
    square[0, 2], square[1, 2] = 0.8, 0.1
    probs = square[np.triu_indices(3, 1)]
    assert len(set(average_link([0, 0, 1], probs, np.ones(3), threshold=0.5))) == 2
    # weighting the poor match down (a pronoun) lifts the mean above the threshold
    assert len(set(average_link([0, 0, 1], probs, np.array([1.0, 0.1, 1.0]), threshold=0.5))) == 1


def test_pair_features_rows_and_columns() -> None:
    ments = [mention("the man", "d1"), mention("the man", "d2"), mention("Duncan Rait", "d2", kind="name")]
    rows = unit_rows([1, 0, 0], [1, 0, 0], [0, 1, 0])
    x = pair_features(ments, vectors(rows), [0, 1, 2], sieve=[0, 1, 2])
    assert x.shape == (3, len(FEATURES))
    col = {name: k for k, name in enumerate(BASE)}
    assert x[0, col["same_head"]] == 1.0 and x[1, col["same_head"]] == 0.0  # (0,1) then (0,2)
    assert x[0, col["nominal_nominal"]] == 1.0 and x[1, col["name_nominal"]] == 1.0
    assert x[0, col["same_doc"]] == 0.0 and x[2, col["same_doc"]] == 1.0  # (1,2) share d2
    assert np.isclose(x[0, col["ctx_cos"]], 1.0) and np.isclose(x[1, col["ctx_cos"]], 0.0)


def test_merge_never_crosses_groups() -> None:
    ments = [mention("the man", "d1", group="a"), mention("the man", "d2", group="b")]
    model = PairModel(weights=(0.0,) * len(FEATURES), bias=10.0, threshold=0.5, pronoun_weight=0.2)
    labels = merge(ments, vectors(unit_rows([1, 0], [1, 0])), [0, 1], model)
    assert labels[0] != labels[1]


def test_merge_joins_similar_descriptions_within_a_group() -> None:
    ments = [mention("the man", "d1"), mention("the climber", "d2"), mention("the storm", "d3")]
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("ctx_cos")] = 10.0
    model = PairModel(weights=tuple(weights), bias=-5.0, threshold=0.5, pronoun_weight=0.2)
    labels = merge(ments, vectors(unit_rows([1, 0.1], [1, 0], [0, 1])), [0, 1, 2], model)
    assert labels[0] == labels[1] != labels[2]


def test_shipped_model_matches_the_feature_list() -> None:
    model = load_model()
    assert len(model.weights) == len(FEATURES)
    assert 0.0 < model.threshold < 1.0
    # the learned weights agree with the evidence: a sieve link and similar strings raise the score
    assert model.weights[FEATURES.index("sieve")] > 0
    assert model.weights[FEATURES.index("text_cos")] > 0


def test_time_key_reads_calendar_names_dates_and_years() -> None:
    days, months, years, dates = time_key("early Sunday , Feb . 1 , 2009")
    assert days == {"sunday"} and months == {"february"} and years == {"2009"} and dates == {"february 1"}
    assert time_key("on Sept . 13")[3] == {"september 13"}
    assert time_key("Tues.")[0] == {"tuesday"}
    # lower-case "may" is a verb and "sat" a past tense, not calendar names
    assert not any(time_key("he may have sat down"))
    assert not any(time_key("last week"))


def test_time_conflicts_only_between_expressions_naming_different_times() -> None:
    clash = time_conflicts(["Friday", "Saturday night", "last week", "Friday evening", "February 3 , 2009", "Feb . 1"])
    assert clash[0, 1] and clash[1, 3]  # different weekdays
    assert not clash[0, 2] and not clash[0, 3]  # vague, or the same day
    assert clash[4, 5]  # same month, different day
    assert not clash[0, 4]  # a weekday and a date: nothing says they differ


def test_merge_never_joins_different_weekdays_however_similar() -> None:
    ments = [mention("Friday", "d1", kind="name"), mention("Saturday", "d2", kind="name"),
             mention("on Friday", "d3")]
    model = PairModel(weights=(0.0,) * len(FEATURES), bias=10.0, threshold=0.5, pronoun_weight=0.2)
    labels = merge(ments, vectors(unit_rows([1, 0], [1, 0], [1, 0])), [0, 1, 2], model)
    assert labels[0] == labels[2] != labels[1]


def test_scopes_keep_descriptions_apart_but_let_names_link() -> None:
    ments = [mention("the man", "d1"), mention("the man", "d2"),
             mention("Duncan Rait", "d1", kind="name"), mention("Duncan Rait", "d2", kind="name")]
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("ctx_cos")] = 10.0
    model = PairModel(weights=tuple(weights), bias=-5.0, threshold=0.5, pronoun_weight=0.2)
    rows = vectors(unit_rows([1, 0], [1, 0], [0, 1], [0, 1]))
    together = merge(ments, rows, [0, 1, 2, 3], model)
    assert together[0] == together[1] != together[2] == together[3]
    apart = merge(ments, rows, [0, 1, 2, 3], model, scopes=["s1", "s2", "s1", "s2"])
    assert apart[0] != apart[1]  # "the man" of two different events
    assert apart[2] == apart[3]  # a name links across them


def test_namesakes_cannot_link_but_titles_initials_and_nicknames_can() -> None:
    def name(text: str) -> Item:
        return Item(doc="d", group="t", order=0, sent=0, text=text, head=text.split()[-1].lower(), kind="name", label="PER")

    texts = ["Scott Peterson", "Laci Peterson", "Sgt. Scott Peterson", "S. Peterson", "Maurice Cheeks", "Mo Cheeks",
             "Peterson"]
    clash = namesake_conflicts([name(t) for t in texts])
    assert clash[0, 1] and clash[1, 2] and clash[1, 3]  # two Petersons
    assert not clash[0, 2] and not clash[0, 3]  # a title, an initial
    assert not clash[4, 5]  # a nickname (data/nicknames.tsv)
    assert not clash[6].any()  # a bare surname is no full name
