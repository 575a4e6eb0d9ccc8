"""Times: find date expressions in every article and resolve them to calendar days.

Needs: ``parses``.  Adds: ``times`` (one :class:`TimeExpression` per expression).

Russian and Ukrainian text (parsed by natasha, which tags no dates) gets its candidates from
a small grammar over the calendar words of ``data/slavic_calendar.tsv`` ("во вторник",
"27 мая 2024 года", "у вівторок", "минулого тижня", "три дні тому" with digits); each is
rendered in English ("tuesday", "27 may 2024", "last week") and resolved by the same rules.

Candidates are spaCy's DATE and TIME entities (a DATE directly followed by a TIME, as in
"Friday evening", is one expression). Each is resolved against its article's publication
date by explicit news-writing rules (a bare weekday in a report is the most recent such day
on or before publication; "late May" is the last third of the most recent May), then by
dateparser for anything else. Without a publication date only absolute expressions ("May
27, 2024", "2023") are resolved; relative ones keep ``start=None``, so nothing downstream
can compare them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from .model import Analysis, Span, TimeExpression
from .resources import Resources, read_table
from .segment import text_of

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_RE = "|".join(WEEKDAYS)
PART = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
UNITS = {"day": 1, "week": 7, "fortnight": 14}
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBER_WORDS.update({"a": 1, "an": 1, "several": 3, "a few": 3})
# Words that make an expression a point or range in time rather than a duration.
_ANCHORS = re.compile(
    rf"\b({_MONTH_RE}|{_DAY_RE}|today|yesterday|tomorrow|tonight|ago|last|this|next|"
    r"previous|past|earlier|later|\d{4})\b",
    re.I,
)

Resolved = tuple[dt.date | None, dt.date | None, str]
UNRESOLVED: Resolved = (None, None, "unknown")


@dataclass(frozen=True)
class Expression:
    """A candidate before resolution: where it is and whether its clause looks ahead."""

    start: int
    end: int
    text: str
    future: bool = False
    english: str = ""  # the English rendering of a Russian or Ukrainian expression


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Find and resolve the time expressions of every article."""
    times: list[TimeExpression] = []
    for article in analysis.articles:
        doc = analysis.parses.get(article.id)
        if doc is None:
            continue
        for ex in candidates(doc):
            start, end, gran = resolve(ex.english or ex.text, article.published, future=ex.future)
            if start is None and ex.english:
                start, end, gran = _dateparser(_strip_preposition(ex.text), article.published, article.language)
            times.append(
                TimeExpression(Span(article.id, ex.start, ex.end), ex.text, start, end, gran)  # type: ignore[arg-type]
            )
    return analysis.update(times=tuple(times))


def candidates(doc: Any) -> list[Expression]:
    """DATE/TIME entities of a spaCy Doc that name a point or range in time."""
    if doc.user_data.get("language") in SLAVIC:
        return slavic_candidates(doc)
    ents = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
    out: list[Expression] = []
    i = 0
    while i < len(ents):
        first, last = ents[i], ents[i]
        # "Friday evening": spaCy splits the day and the part of the day.
        while i + 1 < len(ents) and ents[i + 1].start == last.end:
            i += 1
            last = ents[i]
        i += 1
        text = text_of(doc)[first.start_char : last.end_char]
        if not _ANCHORS.search(text):
            continue  # a duration ("three years", "just days"), not a date
        out.append(Expression(first.start_char, last.end_char, text, _looks_ahead(first.root)))
    return out


def _looks_ahead(token: Any) -> bool:
    """Whether the expression's clause is in the future tense ("will meet on Monday")."""
    head = token.head
    for _ in range(3):
        if head.pos_ in ("VERB", "AUX"):
            break
        head = head.head
    return any(c.lower_ in ("will", "'ll", "shall") for c in head.children)


def resolve(text: str, published: dt.date | None, future: bool = False) -> Resolved:
    """(first day, last day, granularity) of an expression, or (None, None, 'unknown')."""
    t = " ".join(text.lower().replace("’", "'").split())
    t = re.sub(r"^(on|in|at|during|by|since|from|the)\s+", "", t)
    absolute = _absolute(t, published)
    if absolute is not None:
        return absolute
    if published is None:
        return UNRESOLVED
    for rule in (_weekday, _named_day, _month, _relative_period, _ago):
        got = rule(t, published, future)
        if got is not None:
            return got
    return _dateparser(t, published)


def _absolute(t: str, published: dt.date | None) -> Resolved | None:
    """Expressions that carry their own year: '27 May 2024', 'May 2024', '2023'."""
    m = re.search(rf"\b(?:({_MONTH_RE})\.?\s+(\d{{1,2}})|(\d{{1,2}})\s+({_MONTH_RE}))\.?(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", t)
    if m:
        month = MONTHS[m.group(1) or m.group(4)]
        day = int(m.group(2) or m.group(3))
        return _day(int(m.group(5)), month, day)
    m = re.search(rf"\b(?:(early|mid|late)[- ])?({_MONTH_RE})\.?,?\s+(\d{{4}})\b", t)
    if m:
        return _month_range(int(m.group(3)), MONTHS[m.group(2)], m.group(1))
    m = re.fullmatch(r"(?:(early|mid|late)[- ])?(\d{4})", t)
    if m:
        year = int(m.group(2))
        return (dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    return None


def _day(year: int, month: int, day: int) -> Resolved | None:
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    return (d, d, "day")


def _month_range(year: int, month: int, part: str | None) -> Resolved:
    last = calendar.monthrange(year, month)[1]
    lo, hi = PART.get(part or "", (1, last))
    return (dt.date(year, month, lo), dt.date(year, month, min(hi, last)), "month")


def _weekday(t: str, pub: dt.date, future: bool) -> Resolved | None:
    """'Monday', 'last Friday', 'Friday evening', 'next Tuesday'."""
    m = re.fullmatch(rf"(last|this|next|this past|this coming)?\s*({_DAY_RE})(\s+(morning|afternoon|evening|night))?", t)
    if not m:
        return None
    target = WEEKDAYS[m.group(2)]
    ahead = m.group(1) in ("next", "this coming") or (future and m.group(1) is None)
    if ahead:
        delta = (target - pub.weekday()) % 7 or 7
        d = pub + dt.timedelta(days=delta)
    else:
        # News convention: the most recent such day on or before publication.
        d = pub - dt.timedelta(days=(pub.weekday() - target) % 7)
        if m.group(1) == "last" and d == pub:
            d -= dt.timedelta(days=7)
    return (d, d, "day")


def _named_day(t: str, pub: dt.date, future: bool) -> Resolved | None:
    """'today', 'yesterday', 'May 27', '27 May', 'May 27th' (year from publication)."""
    shift = {"today": 0, "tonight": 0, "this morning": 0, "this evening": 0,
             "yesterday": -1, "last night": -1, "tomorrow": 1}.get(t)
    if shift is not None:
        d = pub + dt.timedelta(days=shift)
        return (d, d, "day")
    m = re.fullmatch(rf"(?:({_MONTH_RE})\.?\s+(\d{{1,2}})|(\d{{1,2}})\s+(?:of\s+)?({_MONTH_RE}))(?:st|nd|rd|th)?", t)
    if not m:
        return None
    month, day = MONTHS[m.group(1) or m.group(4)], int(m.group(2) or m.group(3))
    got = _day(pub.year, month, day)
    # A day well after publication, in a clause not looking ahead, is its nearest occurrence,
    # the past on a tie: 1 December in a 18 November report is next fortnight's, 1 December
    # in a 31 May report last year's.
    if got and got[0] and not future and got[0] > pub + dt.timedelta(days=7):
        before = _day(pub.year - 1, month, day)
        if before and before[0] and pub - before[0] <= got[0] - pub:
            got = before
    return got


def _month(t: str, pub: dt.date, future: bool) -> Resolved | None:
    """'May', 'late May', 'early this month', 'last month'."""
    m = re.fullmatch(rf"(?:(early|mid|late)[- ](?:in\s+)?)?({_MONTH_RE})", t)
    if m:
        month = MONTHS[m.group(2)]
        year = pub.year
        if (month > pub.month and not future) or (future and month < pub.month):
            year += 1 if future else -1
        return _month_range(year, month, m.group(1))
    m = re.fullmatch(r"(?:(early|mid|late)[- ]|earlier\s+)?(this|last|next) month", t)
    if m:
        offset = {"this": 0, "last": -1, "next": 1}[m.group(2)]
        y, mo = divmod(pub.year * 12 + pub.month - 1 + offset, 12)
        return _month_range(y, mo + 1, m.group(1))
    return None


def _relative_period(t: str, pub: dt.date, future: bool) -> Resolved | None:
    """'last week', 'this week', 'this year', 'last year', 'next week'."""
    m = re.fullmatch(r"(?:earlier |later )?(this|last|next|past) (week|year)", t)
    if not m:
        return None
    offset = {"this": 0, "last": -1, "past": -1, "next": 1}[m.group(1)]
    if m.group(2) == "week":
        monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=offset)
        return (monday, monday + dt.timedelta(days=6), "week")
    year = pub.year + offset
    return (dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def _ago(t: str, pub: dt.date, future: bool) -> Resolved | None:
    """'three days ago', 'two weeks ago', 'a year ago'."""
    m = re.fullmatch(r"(\d+|[a-z]+(?: few)?) (day|week|fortnight|month|year)s? ago", t)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS.get(m.group(1))
    if n is None:
        return None
    unit = m.group(2)
    if unit in UNITS:
        d = pub - dt.timedelta(days=n * UNITS[unit])
        return (d, d, "day" if unit == "day" else "week")
    if unit == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
        return _month_range(y, mo + 1, None)
    return (dt.date(pub.year - n, 1, 1), dt.date(pub.year - n, 12, 31), "year")


def _dateparser(t: str, pub: dt.date | None, language: str = "en") -> Resolved:
    """Fallback for what the rules above do not cover; day granularity when it parses."""
    if pub is None:
        return UNRESOLVED
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a declared dependency
        return UNRESOLVED
    base = dt.datetime.combine(pub, dt.time(23, 59))
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        got = dateparser.parse(t, languages=[language], settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input
        return UNRESOLVED
    if got is None:
        return UNRESOLVED
    return (got.date(), got.date(), "day")


def times_in(analysis: Analysis, span: Span) -> list[TimeExpression]:
    """The time expressions that lie inside a span, in text order."""
    return sorted((t for t in analysis.times if span.contains(t.span)), key=lambda t: t.span.start)


def overlap(a: TimeExpression, b: TimeExpression) -> bool | None:
    """Whether two resolved expressions can name the same time; None when either is unresolved."""
    if a.start is None or b.start is None:
        return None
    a_end, b_end = a.end or a.start, b.end or b.start
    return a.start <= b_end and b.start <= a_end


def describe(t: TimeExpression) -> str:
    """'"on Monday" (2024-05-27)' for why-lines."""
    if t.start is None:
        return f'"{t.text}" (unresolved)'
    if t.end is None or t.end == t.start:
        return f'"{t.text}" ({t.start.isoformat()})'
    return f'"{t.text}" ({t.start.isoformat()} to {t.end.isoformat()})'



# ---- Russian and Ukrainian ----------------------------------------------------------------
SLAVIC = ("ru", "uk")
_YEAR = r"(?:\s+(?P<year>\d{4})(?:\s*(?:года|году|г\.|року|р\.))?)?"
_PREPOSITIONS = re.compile(r"^(?:во|в|у|на|с|з|із|до|к)\s+", re.I)


@functools.cache
def _calendar(language: str) -> dict[str, dict[str, str]]:
    """kind -> {form: English value} for one language, from ``data/slavic_calendar.tsv``."""
    out: dict[str, dict[str, str]] = {}
    for row in read_table("slavic_calendar.tsv"):
        if row["language"] == language:
            sep = "|" if "|" in row["form"] or row["kind"] in ("period", "part") else " "
            for form in row["form"].split(sep):
                out.setdefault(row["kind"], {})[form.strip().lower()] = row["value"]
    return out


def _alt(forms: dict[str, str]) -> str:
    return "|".join(re.escape(f).replace("\\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))


@functools.cache
def _patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    """(regex, template) pairs, most specific first; the group ``e`` is the expression."""
    cal = _calendar(language)
    month, wday, mod = _alt(cal["month"]), _alt(cal["weekday"]), _alt(cal["modifier"])
    rows = [
        (rf"(?P<e>(?P<part>{_alt(cal['part'])})\s+(?P<month>{month}){_YEAR})", "{part} {month}{year}"),
        (rf"(?P<e>(?P<day>\d{{1,2}})(?:-?(?:го|е|ого))?\s+(?P<month>{month}){_YEAR})", "{day} {month}{year}"),
        (rf"(?:во?|у)\s+(?P<e>(?P<month>{month}){_YEAR})", "{month}{year}"),
        (rf"(?P<e>(?P<period>{_alt(cal['period'])}))", "{period}"),
        (rf"(?P<e>(?:(?P<mod>{mod})\s+)?(?P<wday>{wday}))", "{mod}{wday}"),
        (rf"(?P<e>(?P<n>\d+)\s+(?P<unit>{_alt(cal['unit'])})\s+(?:назад|тому))", "{n} {unit}s ago"),
        (rf"(?P<e>(?P<dayword>{_alt(cal['day'])}))", "{dayword}"),
    ]
    return [(re.compile(rf"(?<!\w){rx}(?!\w)", re.I), tpl) for rx, tpl in rows]


def _render(m: re.Match[str], template: str, cal: dict[str, dict[str, str]]) -> str:
    """The English text of a match, each calendar word replaced by its value."""
    g = {k: (v or "").lower() for k, v in m.groupdict().items()}
    values = {
        "part": cal.get("part", {}).get(" ".join(g["part"].split()), "") if g.get("part") else "",
        "month": cal["month"].get(g.get("month", ""), ""),
        "year": f" {g['year']}" if g.get("year") else "",
        "day": g.get("day", ""),
        "period": cal["period"].get(" ".join(g.get("period", "").split()), ""),
        "mod": f"{cal['modifier'][g['mod']]} " if g.get("mod") else "",
        "wday": cal["weekday"].get(g.get("wday", ""), ""),
        "n": g.get("n", ""),
        "unit": cal["unit"].get(g.get("unit", ""), ""),
        "dayword": cal["day"].get(g.get("dayword", ""), ""),
    }
    return " ".join(template.format(**values).split())


def slavic_candidates(doc: Any) -> list[Expression]:
    """Date expressions of a Russian or Ukrainian Doc, with their English renderings."""
    language = doc.user_data["language"]
    cal = _calendar(language)
    found: list[Expression] = []
    for rx, template in _patterns(language):
        for m in rx.finditer(text_of(doc)):
            a, b = m.span("e")
            if any(a < x.end and x.start < b for x in found):
                continue
            english = _render(m, template, cal)
            if english:
                found.append(Expression(a, b, m.group("e"), _slavic_future(doc, a, b), english))
    return sorted(found, key=lambda x: x.start)


def _slavic_future(doc: Any, start: int, end: int) -> bool:
    """Whether the expression's verb is in the future tense ("встретятся во вторник")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    head = span.root.head
    for _ in range(3):
        if head.pos_ in ("VERB", "AUX"):
            break
        head = head.head
    aux = any(c.lemma_ in ("быть", "бути", "буде", "будуть") for c in head.children if c.dep_ == "aux")
    return "Fut" in head.morph.get("Tense") or aux or _non_past_verb(span)


# Third-person endings of Russian and Ukrainian verbs: past -в/-л, -ла, -ло, -ли; non-past
# (present, or future of a perfective verb) -ут/-ют/-ат/-ят, -уть/-ють/-ать/-ять, -ет/-ит,
# -е/-є (reflexive -ся/-сь). A non-past clause with a date looks ahead. Tense is read off
# the ending because the parse of Ukrainian (natasha's Russian model) often gets it wrong
# ("надійдуть до 1 грудня" tagged past, or not a verb at all); words the tagger calls verbs
# that have neither ending ("обласної") are passed over, and a plural ending in -уть/-ють
# counts as a verb whatever its tag (no noun or adjective form of either language has it).
_PAST_ENDING = re.compile(r"(?:в|л|ла|ло|ли)(?:ся|сь)?$")
_NON_PAST_ENDING = re.compile(r"(?:[уюая]ть?|[еєиіё]ть?|[еє])(?:ся|сь)?$")
_PLURAL_NON_PAST = re.compile(r"\w{3,}[уюя]ть(?:ся)?$")
_CLAUSE_EDGE = {",", ";", ":", "что", "що", "который", "которые", "який", "які", "яка"}


def _non_past_verb(span: Any) -> bool:
    """Whether the verb of an expression's clause (the one nearest it) is not in the past tense."""
    sent = span.sent
    lo = next((t.i + 1 for t in reversed(sent[: span.start - sent.start]) if t.lower_ in _CLAUSE_EDGE), sent.start)
    hi = next((t.i for t in sent[span.end - sent.start :] if t.lower_ in _CLAUSE_EDGE), sent.end)
    verbs = [t for t in span.doc[lo:hi] if t.is_alpha and _verb_like(t)]
    if not verbs:
        return False
    near = min(verbs, key=lambda t: min(abs(t.i - span.start), abs(t.i - span.end)))
    return not _PAST_ENDING.search(near.lower_)


def _verb_like(tok: Any) -> bool:
    if _PLURAL_NON_PAST.search(tok.lower_):
        return True
    form = (tok.morph.get("VerbForm") or ["Fin"])[0]
    return (tok.pos_ in ("VERB", "AUX") and form not in ("Inf", "Part")
            and bool(_PAST_ENDING.search(tok.lower_) or _NON_PAST_ENDING.search(tok.lower_)))


def _strip_preposition(text: str) -> str:
    """dateparser reads "вівторок" but not "у вівторок"."""
    return _PREPOSITIONS.sub("", text.strip())
