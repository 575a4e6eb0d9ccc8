"""Across languages: romanised name keys, the multilingual embedder, calibration, en+ru alignment."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from counterpoint.crossling import (
    calibrated,
    content_words,
    guess_language,
    harmonise,
    language_shift,
    latin_name,
    needs_cross,
    romanise,
    similarity_matrix,
    stem_key,
    word_alignment,
)
from counterpoint.entities import _same_spelling, _stem_of, resolve
from counterpoint.entity_cluster import LOC, PER, Item
from counterpoint.framing_naming import _cross_script_forms
from counterpoint.model import Analysis
from counterpoint.pipeline import run_pipeline
from counterpoint.resources import Resources
from tests.conftest import make_article


def _item(doc: str, text: str, label: str, order: int = 0) -> Item:
    key, _ = latin_name(text, "uk" if guess_language(text) == "uk" else "ru")
    return Item(doc=doc, group="g", order=order, sent=0, text=key, head=key.split()[-1].lower(),
                kind="name", label=label)


def _same(items: list[Item]) -> list[bool]:
    labels = resolve(items)
    return [labels[0] == lab for lab in labels[1:]]


def test_romanisation_follows_the_language() -> None:
    assert romanise("Київ", "uk") == "Kyiv"
    assert romanise("Сырский", "ru") == "Syrsky"
    assert romanise("Сирський", "uk") == "Syrskyi"
    assert romanise("Kyiv", "uk") == "Kyiv"  # Latin text is left alone
    assert guess_language("Київ") == "uk" and guess_language("Сырский") == "ru"


def test_stem_keys_join_the_cases_of_a_name() -> None:
    assert stem_key("Москвы") == stem_key("Москва") == stem_key("Москве")
    assert stem_key("Сырского") == stem_key("Сырский")
    assert stem_key("Москва") != stem_key("Київ")


def test_cyrillic_names_get_their_english_names() -> None:
    assert latin_name("Києві", "uk")[0] == "Kyiv"  # locative, Ukrainian vowel alternation
    assert latin_name("Киеве", "ru")[0] == "Kyiv"
    assert latin_name("Москвы", "ru") == ("Moscow", "GPE")
    assert latin_name("ВСУ", "ru")[0] == latin_name("ЗСУ", "uk")[0] == "Armed Forces of Ukraine"
    assert latin_name("Путина", "ru")[0] == "Putin"
    assert latin_name("Покровськ", "uk") == ("Pokrovsk", None)  # unknown: romanised


def test_places_link_across_scripts_and_stay_apart() -> None:
    items = [_item("en", "Kyiv", LOC), _item("uk", "Києві", LOC), _item("ru", "Киев", LOC),
             _item("en2", "Kiev", LOC), _item("ru2", "Москва", LOC)]
    assert _same(items) == [True, True, True, False]


def test_people_link_across_scripts_and_namesakes_stay_apart() -> None:
    items = [_item("en", "Oleksandr Syrskyi", PER), _item("ru", "Сырский", PER, 5),
             _item("uk", "Олександр Сирський", PER), _item("ru2", "Андрей Сырский", PER)]
    assert _same(items) == [True, True, False]


def test_unknown_names_take_the_spelling_another_article_uses() -> None:
    latin = [["Oleksii", "Hnatiuk", "Vitalii", "Kyrylchenko", "Sosnivka"]]
    assert harmonise(["Алексей", "Гнатюк"], latin, _same_spelling, _stem_of) == ["Aleksey", "Hnatiuk"]
    assert harmonise(["Гнатюка"], latin, _same_spelling, _stem_of) == ["Hnatiuk"]  # genitive
    assert harmonise(["Сосновка"], latin, _same_spelling, _stem_of) == ["Sosnivka"]  # ru о / uk і
    assert harmonise(["Мельник"], latin, _same_spelling, _stem_of) == ["Melnik"]  # nobody spells it
    # the first tier with a match wins: Ukrainian keys before the article's own Russian ones
    assert harmonise(["Гнатюк"], [["Hnatiuk"], ["Gnatyuk"]], _same_spelling, _stem_of) == ["Hnatiuk"]


def test_naming_across_scripts_marks_the_exonym_not_the_script() -> None:
    langs, outlets = {"en": "en", "uk": "uk"}, {"en": "EN", "uk": "UK"}
    assert _cross_script_forms(("Kyiv",), {"uk": ("Київ", "Києві")}, outlets, langs, "en") == {}
    marks = _cross_script_forms(("Kiev",), {"uk": ("Київ",)}, outlets, langs, "en")
    assert "Russian-derived exonym" in marks["Kiev"] and "'Київ'" in marks["Kiev"]
    assert _cross_script_forms(("Покровськом",), {"en": ("Pokrovsk",)}, outlets, langs, "uk") == {}


def test_language_shift_only_across_languages() -> None:
    assert language_shift("ru", "ru") is None
    shift = language_shift("en", "uk")
    assert shift is not None and language_shift("uk", "en") == shift
    assert all(np.diff(shift[0]) >= 0) and all(np.diff(shift[1]) >= 0)  # monotone
    # a translation-level cosine across languages counts for more than the same cosine in English
    assert calibrated(0.88, "en", "uk") > calibrated(0.88)


class _FakeEmbedders:
    """Unit vectors by hand: two texts identical for MiniLM, two for e5."""

    def embed(self, texts: Any) -> np.ndarray:
        return np.array([[1.0, 0.0]] * len(texts))

    def cross_embedder(self, texts: Any) -> np.ndarray:
        return np.array([[1.0, 0.0], [0.0, 1.0]][: len(texts)])


def test_similarity_matrix_uses_minilm_for_english_and_e5_otherwise() -> None:
    fake = _FakeEmbedders()
    assert similarity_matrix(fake, ["en", "en"], ["a", "b"])[0, 1] == pytest.approx(1.0)
    cross = similarity_matrix(fake, ["en", "ru"], ["a", "b"])
    assert cross[0, 0] == pytest.approx(1.0) and cross[0, 1] < 0.1


def test_needs_cross_only_when_a_language_is_not_english() -> None:
    assert not needs_cross(["en", "en"])
    assert needs_cross(["en", "ru"]) and needs_cross(["uk", "uk"])


def test_calibration_is_monotone_onto_minilm_scale() -> None:
    xs = np.linspace(0.6, 1.0, 41)
    ys = calibrated(xs)
    assert np.all(np.diff(ys) >= 0)
    assert calibrated(1.0) == pytest.approx(1.0)
    # e5 scores unrelated news around 0.75; on MiniLM's scale that is far below "related"
    assert calibrated(0.75) < 0.4 < calibrated(0.93)


@pytest.mark.slow
def test_e5_scores_a_translation_above_an_unrelated_sentence(resources: Resources) -> None:
    en = "The city council approved a new budget for public transport on Tuesday."
    ru = "Во вторник городской совет утвердил новый бюджет на общественный транспорт."
    uk = "Сильні дощі затопили кілька сіл на півдні країни."
    v = resources.cross_embedder([en, ru, uk])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.05
    assert np.array_equal(resources.cross_embedder([ru])[0], v[1])  # cached per text


class _BlankSlavic(Resources):
    """The project's resources, with a spaCy tokenizer + sentencizer where no ru/uk parser exists yet."""

    def parse(self, texts: Any, language: str = "en") -> list[Any]:
        try:
            return super().parse(texts, language)
        except NotImplementedError:
            import spacy

            nlp = spacy.blank(language)
            nlp.add_pipe("sentencizer")
            return [nlp(t) for t in texts]


@pytest.mark.slow
def test_translated_sentence_aligns_as_shared_across_en_and_ru() -> None:
    en = make_article(
        "The city council approved a new budget for public transport on Tuesday. "
        "Scientists discovered a new species of frog in the mountains.", "en", language="en")
    ru = make_article(
        "Городской совет утвердил новый бюджет на общественный транспорт. "
        "Авиакомпания приостановила все рейсы в регион до особого распоряжения.", "ru", language="ru")
    out = run_pipeline(Analysis(articles=(en, ru)), _BlankSlavic(), ("segment", "entities", "claims", "times", "align"))
    shared = [(out.text_of(al.a), out.text_of(al.b)) for al in out.alignments if al.relation == "shared"]
    assert len(shared) == 1
    assert "budget" in shared[0][0] and "бюджет" in shared[0][1]
    assert out.extras["align"]["model"].endswith("align_model_xl.json")


def test_armed_forces_and_namesake_first_names_stay_apart() -> None:
    forces = [_item("en", "Armed Forces of Ukraine", "ORG"), _item("ru", "ВСУ", "ORG"), _item("uk", "ЗСУ", "ORG"),
              _item("ru2", "ВС РФ", "ORG"), _item("en2", "Russian Armed Forces", "ORG")]
    assert _same(forces) == [True, True, False, False]
    # Путін and Путин are one man; Володимир Зеленський shares Putin's Ukrainian first name only
    people = [_item("en", "Vladimir Putin", PER), _item("ru", "Путина", PER),
              _item("uk", "Володимир Путін", PER), _item("uk2", "Володимир Зеленський", PER)]
    assert _same(people) == [True, True, False]


# ------------------------------------------------- organisation names across languages ----
def test_place_adjectives_give_the_place_stem() -> None:
    from counterpoint.crossling import place_stems, share_place

    assert "kahov" in place_stems("Каховська") and "kahov" in place_stems("Каховская")
    assert place_stems("Державна") == frozenset(), "no adjective suffix, no place"
    assert share_place("Kakhovka hydroelectric power plant", "Каховська ГЕС")
    assert share_place("Городницкая ГЭС", "Городницька ГЕС"), "Russian and Ukrainian adjectives of one place"
    assert not share_place("Lviv City Council", "Харківська обласна адміністрація")


def test_abbreviations_are_spelled_out_per_language() -> None:
    from counterpoint.crossling import spelled_out

    assert spelled_out("Каховська ГЕС", "uk") == "Каховська гідроелектростанція"
    assert spelled_out("Каховская ГЭС", "ru") == "Каховская гидроэлектростанция"
    assert spelled_out("Kakhovka HPP", "en") == "Kakhovka HPP"


def _fake_embed(groups: dict[str, int]) -> Any:
    """Texts of one group embed identically (cosine 1), of different groups orthogonally.

    A text in no group (a single word of a name, for the word alignment) embeds as zeros."""
    def embed(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, t in enumerate(texts):
            if t in groups:
                out[i, groups[t]] = 1.0
        return out
    return embed


def test_translation_links_need_meaning_types_and_mutual_best() -> None:
    from counterpoint.crossling import NameRef, translation_links

    groups = {"Ministry of Defence": 0, "Міністерство оборони": 0, "Ministry of Health": 1,
              "Державна прикордонна служба": 2, "Олексій Гнатюк": 3, "Oleksii Hnatiuk": 3,
              "Міністерство оборони України": 0}
    refs = [
        NameRef(0, "a", "en", "Ministry of Defence", "ORG"),
        NameRef(1, "b", "uk", "Міністерство оборони", "ORG"),
        NameRef(2, "a", "en", "Ministry of Health", "ORG"),
        NameRef(3, "b", "uk", "Державна прикордонна служба", "ORG"),
        NameRef(4, "a", "en", "Oleksii Hnatiuk", "PER"),
        NameRef(5, "b", "uk", "Олексій Гнатюк", "PER"),
    ]
    assert translation_links(refs, _fake_embed(groups)) == [(0, 1)], "people go by spelling, not meaning"
    same_article = [NameRef(0, "a", "en", "Ministry of Defence", "ORG"), NameRef(1, "a", "uk", "Міністерство оборони", "ORG")]
    assert translation_links(same_article, _fake_embed(groups)) == [], "an article naming both names two things"
    two = refs[:2] + [NameRef(6, "c", "uk", "Міністерство оборони України", "ORG")]
    assert len(translation_links(two, _fake_embed(groups))) <= 1, "one counterpart at most"


def test_cases_of_a_cyrillic_organisation_join() -> None:
    from types import SimpleNamespace

    from counterpoint.crossling import join_same_stems

    def cand(text: str, label: str = "ORG") -> Any:
        return SimpleNamespace(normal=text, text=text, item=SimpleNamespace(kind="name", label=label))

    cands = [cand("Государственной службы по чрезвычайным ситуациям"), cand("Государственная служба по чрезвычайным ситуациям"),
             cand("Государственная пограничная служба"), cand("Ирина Савчук", "PER"), cand("Ирины Савчук", "PER")]
    labels = join_same_stems(cands, [0, 1, 2, 3, 4])
    assert labels[0] == labels[1] and labels[2] != labels[1]
    assert labels[3] != labels[4], "people are left to the name sieves"


@pytest.mark.slow
def test_a_facility_links_to_its_translation(resources: Resources) -> None:
    a = make_article("The Ministry of Foreign Affairs said on Monday that the Kakhovka hydroelectric power plant was shut.",
                     "en1", language="en")
    b = make_article("Министерство иностранных дел Украины сообщило, что Каховская ГЭС остановлена.", "ru1", language="ru")
    an = run_pipeline(Analysis(articles=(a, b)), resources, ("segment", "entities"))
    by_text = {m.text: e.id for e in an.entities for m in e.mentions}
    assert by_text.get("the Kakhovka hydroelectric power plant") == by_text.get("Каховская ГЭС") is not None
    assert by_text["The Ministry of Foreign Affairs"] != by_text["Каховская ГЭС"]


def test_content_words_drop_short_lower_case_grammar() -> None:
    assert content_words("Державна служба з надзвичайних ситуацій") == ["Державна", "служба", "надзвичайних", "ситуацій"]
    assert content_words("Ministry of Education and Science") == ["Ministry", "Education", "Science"]


def test_word_alignment_averages_over_the_shorter_name() -> None:
    cos = np.array([[0.9, 0.2, 0.1, 0.3], [0.1, 0.8, 0.2, 0.2], [0.2, 0.1, 0.7, 0.4]])
    a, b = ["State", "Emergency", "Service"], ["w1", "w2", "w3", "w4"]
    assert word_alignment(a, b, cos) == pytest.approx((0.9 + 0.8 + 0.7) / 3)
    assert word_alignment(b, a, cos.T) == pytest.approx((0.9 + 0.8 + 0.7) / 3)  # symmetric
    assert word_alignment([], b, np.zeros((0, 4))) == 0.0
