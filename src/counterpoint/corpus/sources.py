"""Corpus inputs: folders, article files, JSONL files, RSS/Atom feeds (files or URLs).

:func:`expand` turns the command-line arguments into a flat list of :class:`Item` (cheap:
nothing is read yet, except that a feed or JSONL file is split into its entries), and
:func:`load_item` turns one item into an :class:`Article` or raises ``InputError``, so a bad
file is recorded as a skip and never stops a batch. Feed XML is checked with defusedxml
(no DTDs, entities or external references) before feedparser sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import ingest
from ..errors import InputError
from ..model import Article

ARTICLE_SUFFIXES = {".txt", ".html", ".htm", ".json"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


@dataclass(frozen=True)
class Item:
    """One article to ingest: a file or URL, or a record already read from a JSONL/feed."""

    source: str
    record: dict[str, Any] | None = None  # JSONL line or feed entry, already parsed
    error: str | None = None  # the input could not even be listed (bad feed, unreadable file)


def expand(inputs: list[str], follow_links: bool = False) -> Iterator[Item]:
    """Every article item behind the given paths and URLs, in a stable order."""
    for raw in inputs:
        if raw.startswith(("http://", "https://")):
            yield from _expand_url(raw, follow_links)
            continue
        path = Path(raw)
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                suffix = f.suffix.lower()
                if suffix in ARTICLE_SUFFIXES | FEED_SUFFIXES | {".jsonl"}:
                    yield from _expand_file(f, follow_links)
        else:
            yield from _expand_file(path, follow_links)


def _expand_file(path: Path, follow_links: bool) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl(path)
    elif suffix in FEED_SUFFIXES:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            yield Item(str(path), error=f"cannot read ({exc.strerror})")
            return
        yield from feed_items(raw, str(path), follow_links)
    else:
        yield Item(str(path))


def _expand_url(url: str, follow_links: bool) -> Iterator[Item]:
    try:
        final, body, ctype = ingest.fetch_url(url)
    except InputError as exc:
        yield Item(url, error=str(exc))
        return
    if "xml" in ctype or "rss" in ctype or "atom" in ctype or _FEED_START.match(body[:4096]):
        yield from feed_items(body, url, follow_links)
    else:
        yield Item(url, record={"_html": body.decode("utf-8", "replace"), "url": final})


def _jsonl(path: Path) -> Iterator[Item]:
    try:
        fh = path.open(encoding="utf-8-sig")
    except OSError as exc:
        yield Item(str(path), error=f"cannot read ({exc.strerror})")
        return
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            src = f"{path}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Item(src, error=f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(rec, dict):
                yield Item(src, error="expected a JSON object per line")
                continue
            rec.setdefault("id", f"{path.stem}-{n}")
            yield Item(src, record=rec)


def feed_items(raw: bytes, source: str, follow_links: bool = False) -> Iterator[Item]:
    """Entries of an RSS/Atom document, after a defusedxml safety check."""
    import feedparser
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        yield Item(source, error=f"unsafe XML refused ({type(exc).__name__})")
        return
    except ParseError:
        pass  # ill-formed but not hostile: feedparser's lenient parser copes
    feed = feedparser.parse(raw)
    if not feed.entries:
        yield Item(source, error="no feed entries found")
        return
    outlet = feed.feed.get("title")
    for n, e in enumerate(feed.entries, 1):
        link = e.get("link")
        src = f"{source}#{n}"
        if follow_links and link:
            yield Item(link, record={"_follow": link, "outlet": outlet})
            continue
        yield Item(src, record=_entry_record(e, outlet, f"{Path(source).stem}-{n}"))


def _entry_record(e: Any, outlet: str | None, fallback_id: str) -> dict[str, Any]:
    content = " ".join(c.get("value", "") for c in e.get("content", []) or []) or e.get("summary", "")
    text = _strip_html(content)
    date = e.get("published_parsed") or e.get("updated_parsed")
    return {
        "id": e.get("id") or e.get("link") or fallback_id,
        "title": e.get("title"),
        "text": text,
        "url": e.get("link"),
        "outlet": outlet,
        "published": f"{date.tm_year:04d}-{date.tm_mon:02d}-{date.tm_mday:02d}" if date else None,
    }


def _strip_html(fragment: str) -> str:
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        return str(lxml.html.fromstring(f"<div>{fragment}</div>").text_content())
    except Exception:  # lxml raises several types on junk markup; plain text is good enough
        return re.sub(r"<[^>]+>", " ", fragment)


def load_item(item: Item) -> Article:
    """The Article behind an item; raises InputError with a one-line reason."""
    if item.error:
        raise InputError(f"{item.source}: {item.error}")
    rec = item.record
    if rec is None:
        return ingest.load(item.source)
    if "_follow" in rec:
        art = ingest.load(rec["_follow"])
        return art if art.outlet or not rec.get("outlet") else _with(art, outlet=rec["outlet"])
    if "_html" in rec:
        return ingest.from_html(rec["_html"], article_id=ingest._id_from_url(rec["url"]), source=item.source, url=rec["url"])
    text = rec.get("text")
    if not isinstance(text, str):
        raise InputError(f"{item.source}: expected a string field 'text'")
    meta = {k: str(rec[k]) for k in ("outlet", "title", "url", "published", "language") if rec.get(k)}
    if "published" in meta:
        meta["published"] = ingest.parse_date(meta["published"])  # type: ignore[assignment]
    # An exported record keeps its original provenance through a re-import.
    source = str(rec.get("source") or item.source)
    return ingest.make_article(text, article_id=str(rec.get("id")), source=source, **meta)


def _with(article: Article, **changes: Any) -> Article:
    from dataclasses import replace

    return replace(article, **changes)
