"""Russian and Ukrainian through the pipeline: natasha's parse as a spaCy Doc, dates, quotes."""

from __future__ import annotations

import datetime as dt

import pytest

from counterpoint import api, slavic, temporal
from counterpoint.model import Article
from counterpoint.resources import Resources
from counterpoint.segment import quote_regions

RU = "Во вторник главнокомандующий ВСУ Александр Сырский заявил в Киеве, что армия не отступит."
UK = "У вівторок головнокомандувач ЗСУ Олександр Сирський заявив у Києві, що армія не відступить."
PUB = dt.date(2024, 5, 29)  # a Wednesday


def test_russianize_keeps_length_and_maps_letters() -> None:
    text = "Київ, Об’єднані сили, ґанок, у Львові"
    out = slavic.russianize(text)
    assert len(out) == len(text)
    assert out.startswith("Киив, Объеднани")
    assert "ганок" in out and "в Львови" in out


def test_uk_verb_lemma_from_endings() -> None:
    assert slavic.uk_verb_lemma("заявила") == "заявити"
    assert slavic.uk_verb_lemma("сказав") == "сказати"
    assert slavic.uk_verb_lemma("повідомили") == "повідомити"
    assert slavic.uk_verb_lemma("наголошує") == "наголошувати"
    assert slavic.uk_verb_lemma("каже") == "казати"


def test_uk_nominative_word_rules() -> None:
    assert slavic._uk_word("Сирського", "Сирського") == "Сирський"
    assert slavic._uk_word("Києві", "Киев") == "Київ"  # closed-syllable alternation
    assert slavic._uk_word("Львова", "Львов") == "Львів"
    assert slavic._uk_word("Молдова", "Молдова") == "Молдова"


def test_dialogue_dash_regions_only_in_cyrillic() -> None:
    text = "— Мы не отступим, — сказал он. — Это наша земля."
    regions = quote_regions(text)
    assert [text[s:e] for s, e in regions] == ["Мы не отступим", "Это наша земля."]
    assert quote_regions("— a list item, — not speech") == []


@pytest.mark.slow
def test_russian_doc_offsets_entities_and_labels() -> None:
    text = "  " + RU + "\n\nМинистр  Андрей Сибига и Радослав Сикорский провели встречу."
    doc = slavic.parse(Resources(), text, "ru")
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("Александр Сырский", "PERSON"), ("Киеве", "GPE"), ("ВСУ", "ORG")} <= ents
    for e in doc.ents:
        assert text[e.start_char : e.end_char] == e.text
    assert doc.user_data["ent_normal"][(text.index("Киеве"), text.index("Киеве") + 5)] == "Киев"
    deps = {t.text: t.dep_ for t in doc}
    assert deps["заявил"] == "ROOT" and deps["не"] == "neg"
    assert {t.lemma_ for t in doc if t.text == "заявил"} == {"заявить"}
    assert len(list(doc.sents)) == 2
    for sent in doc.sents:
        assert sent.root.head.i == sent.root.i  # one tree per sentence


@pytest.mark.slow
def test_ukrainian_entities_after_repair() -> None:
    doc = slavic.parse(Resources(), UK, "uk")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Олександр Сирський", "PERSON") in ents
    assert ("Києві", "GPE") in ents  # locative after "у": a place, not a person
    start = UK.index("Києві")
    assert doc.user_data["ent_normal"][(start, start + 5)] == "Київ"


@pytest.mark.slow
def test_dates_resolved_in_both_languages() -> None:
    for lang, text in (("ru", RU + " Вчера, 27 мая 2023 года и на прошлой неделе."),
                       ("uk", UK + " Вчора, 27 травня та 3 дні тому.")):
        doc = slavic.parse(Resources(), text, lang)
        got = {ex.text.lower(): temporal.resolve(ex.english, PUB, ex.future)[0] for ex in temporal.candidates(doc)}
        day = "вторник" if lang == "ru" else "вівторок"
        assert got[day] == dt.date(2024, 5, 28)
        assert got["вчера" if lang == "ru" else "вчора"] == dt.date(2024, 5, 28)
    assert got["27 травня"] == dt.date(2024, 5, 27) and got["3 дні тому"] == dt.date(2024, 5, 26)


@pytest.mark.slow
def test_a_non_past_verb_puts_a_date_ahead_whatever_the_tagger_says() -> None:
    pub = dt.date(2026, 11, 18)
    for lang, text, date in (
        ("uk", "За його словами, перші виплати надійдуть до 1 грудня.", "1 грудня"),
        ("ru", "По его словам, первые выплаты поступят до 1 декабря.", "1 декабря"),
        ("uk", "Голова адміністрації в середу вранці прибув до села.", "середу"),
    ):
        doc = slavic.parse(Resources(), text, lang)
        ex = next(e for e in temporal.candidates(doc) if e.text == date)
        assert ex.future is (date != "середу"), (lang, date)
    doc = slavic.parse(Resources(), "Перші виплати надійдуть до 1 грудня.", "uk")
    ex = temporal.candidates(doc)[0]
    assert temporal.resolve(ex.english, pub, ex.future)[0] == dt.date(2026, 12, 1)


@pytest.mark.slow
def test_compare_ru_uk_pair_end_to_end() -> None:
    ru = (RU + "\n— Мы не отступим, — сказал он журналистам.\n"
          "«Переговоры продолжатся», — заявила официальный представитель МИД Мария Захарова.")
    uk = (UK + "\n— Ми не відступимо, — сказав він журналістам.\n"
          "«Переговори тривають», — заявила речниця МЗС Марія Захарова.")
    arts = [Article(id="ru", text=ru, language="ru", published=PUB),
            Article(id="uk", text=uk, language="uk", published=PUB)]
    a = api.compare(arts, stages=("segment", "entities", "claims", "times", "quotes")).analysis
    text = {x.id: x.text for x in a.articles}
    speakers = {(q.span.article, q.speaker_name) for q in a.quotes}
    assert ("ru", "Александр Сырский") in speakers and ("uk", "Олександр Сирський") in speakers
    assert ("ru", "Мария Захарова") in speakers and ("uk", "Марія Захарова") in speakers
    for q in a.quotes:
        assert q.kind == "direct"
        assert text[q.span.article][q.span.start : q.span.end].startswith(q.text[:10])
        assert q.speaker_span is not None
        assert text[q.span.article][q.speaker_span.start : q.speaker_span.end] == q.speaker_name
    for e in a.entities:
        for m in e.mentions:
            assert text[m.span.article][m.span.start : m.span.end] == m.text
    assert {t.start for t in a.times} == {dt.date(2024, 5, 28)}
    assert all(a.claims[x] for x in ("ru", "uk"))


def test_org_head_nouns_take_case_endings_only() -> None:
    assert slavic._org_head("служби") and slavic._org_head("Міністерство") and slavic._org_head("Ради")
    assert not slavic._org_head("радник")  # 'рад' + 'ник' is no case ending
    assert slavic._UK_PAST.search("евакуювала") and not slavic._UK_PAST.search("ситуацій")


@pytest.mark.slow
def test_ukrainian_organisation_fallback_and_brackets() -> None:
    r = Resources()
    text = "Державна служба з надзвичайних ситуацій евакуювала 310 людей, повідомив її речник Тарас Мельник."
    ents = {(e.text, e.label_) for e in slavic.parse(r, text, "uk").ents}
    assert ("Державна служба з надзвичайних ситуацій", "ORG") in ents  # stops at the verb
    assert ("Тарас Мельник", "PERSON") in ents
    opening = {e.text for e in slavic.parse(r, "Голова Верховної Ради Руслан Стефанчук підписав закон.", "uk").ents}
    assert "Верховної Ради" in opening and not any(t.startswith("Голова") for t in opening)
    bracket = "За даними Державної служби з надзвичайних ситуацій (ДСНС), підтоплено 140 будинків."
    names = [e.text for e in slavic.parse(r, bracket, "uk").ents]
    assert "Державної служби з надзвичайних ситуацій" in names  # cut before its abbreviation
