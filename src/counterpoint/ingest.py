"""Ingest: turn a path, URL, JSON record or raw text into an :class:`Article`.

Accepted inputs
  * ``.txt`` (or any text file): plain text, optionally opened by a front-matter block::

        ---
        outlet: Harbour Daily
        published: 2025-03-14
        title: Ferry strike ends
        url: https://example.org/ferry
        ---
        Body text ...

  * ``.html`` / ``.htm``: main text, title, date and site name extracted by trafilatura.
  * ``.json``: an object with ``text`` (required), ``title``, ``outlet``, ``published``, ``url``.
  * ``http://`` / ``https://`` URLs: fetched (size-capped), then treated as HTML.

Limits: a file or download over :data:`MAX_BYTES` (2 MiB) is refused, and so is extracted
text over :data:`MAX_CHARS` (60,000 characters, about 10,000 words: longer than nearly
any news article, and alignment cost grows with the product of two articles' lengths).
Every failure raises :class:`~counterpoint.errors.InputError` with a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import socket
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import InputError
from .model import Article

MAX_BYTES = 2 * 1024 * 1024
MAX_CHARS = 60_000
MIN_CHARS = 40  # shorter than a headline and a sentence: nothing to compare
FETCH_TIMEOUT = 10.0
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
# Legacy encodings by share of web pages (W3Techs), used only to break detector ties.
_WEB_ENCODINGS = ["cp1252", "latin_1", "cp1251", "shift_jis", "euc_kr", "gb2312", "cp1250", "koi8_r"]
_TEXTUAL = re.compile(r"\s*(text/|application/(xhtml\+xml|xml|json|rss\+xml|atom\+xml))", re.I)
_KEYS = {"outlet", "published", "title", "url", "language", "id"}


def load(source: str | Path, *, article_id: str | None = None, allow_private: bool = True) -> Article:
    """Load one input (path or URL) as an Article; raises InputError on bad input."""
    s = str(source)
    if s.startswith(("http://", "https://")):
        return from_url(s, article_id=article_id, allow_private=allow_private)
    path = Path(s)
    if not path.exists():
        raise InputError(f"{s}: no such file")
    if path.is_dir():
        raise InputError(f"{s}: is a directory, not an article file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{s}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
    raw = path.read_bytes()
    aid = article_id or path.stem
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return from_html(decode(raw, s), article_id=aid, source=s)
    if suffix == ".json":
        return from_json(decode(raw, s), article_id=aid, source=s)
    return from_text(decode(raw, s), article_id=aid, source=s)


def decode(raw: bytes, name: str = "input") -> str:
    """Bytes to str: UTF-8 (with or without BOM) first, else a detected encoding."""
    if not raw.strip():
        raise InputError(f"{name}: empty input")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        raise InputError(f"{name}: not text in any encoding that could be detected")
    top = (matches[0].chaos, matches[0].coherence)
    # Short texts often tie (cp1250 vs cp1252): prefer the encodings most used on the web.
    tied = [m for m in matches if (m.chaos, m.coherence) == top]
    tied.sort(key=lambda m: _WEB_ENCODINGS.index(m.encoding) if m.encoding in _WEB_ENCODINGS else 99)
    return str(tied[0])


def from_text(text: str, *, article_id: str, source: str | None = None) -> Article:
    """Plain text with an optional front-matter block."""
    meta: dict[str, str] = {}
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in _KEYS:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[m.end() :]
    return make_article(text, article_id=meta.get("id") or article_id, source=source, **_meta(meta))


def from_json(text: str, *, article_id: str, source: str | None = None) -> Article:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source or 'json'}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError(f"{source or 'json'}: expected an object with a string field 'text'")
    meta = {k: str(obj[k]) for k in _KEYS if obj.get(k) is not None}
    return make_article(obj["text"], article_id=meta.get("id") or article_id, source=source, **_meta(meta))


def from_html(html: str, *, article_id: str, source: str | None = None, url: str | None = None) -> Article:
    """Main text and metadata of an HTML page, by trafilatura."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=False, with_metadata=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"{source or 'html'}: could not parse HTML ({type(exc).__name__})") from None
    data: dict[str, Any] = {}
    if doc is not None:
        data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = data.get("text") or ""
    if len(body.strip()) < MIN_CHARS:
        raise InputError(f"{source or 'html'}: no article text found in the HTML")
    meta = {
        "title": data.get("title"),
        "outlet": data.get("sitename") or data.get("hostname"),
        "published": data.get("date"),
        "url": url or data.get("url"),
    }
    return make_article(body, article_id=article_id, source=source, **_meta(meta))


def from_url(
    url: str,
    *,
    article_id: str | None = None,
    allow_private: bool = True,
    fetch: Callable[[str, bool], tuple[str, bytes, str]] | None = None,
) -> Article:
    """Fetch a URL (size and time capped) and extract its article."""
    final, body, ctype = (fetch or fetch_url)(url, allow_private)
    aid = article_id or _id_from_url(final)
    text = decode(body, url)
    if "html" in ctype or text.lstrip().startswith("<"):
        return from_html(text, article_id=aid, source=url, url=final)
    return from_text(text, article_id=aid, source=url)


def fetch_url(url: str, allow_private: bool = True) -> tuple[str, bytes, str]:
    """GET a URL; refuses private/loopback/link-local hosts unless allowed, after every redirect."""
    import httpx

    current = url
    try:
        with httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=False) as client:
            for _ in range(6):
                if not allow_private:
                    check_public(current)
                with client.stream("GET", current, headers={"User-Agent": "counterpoint/0.1"}) as resp:
                    if resp.is_redirect and resp.headers.get("location"):
                        current = str(resp.url.join(resp.headers["location"]))
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{url}: HTTP {resp.status_code}")
                    ctype = resp.headers.get("content-type", "")
                    if ctype and not _TEXTUAL.match(ctype):
                        raise InputError(f"{url}: content type {ctype.split(';')[0]!r} is not an article")
                    chunks, total = [], 0
                    for chunk in resp.iter_bytes():
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise InputError(f"{url}: response over the {MAX_BYTES:,}-byte limit")
                        chunks.append(chunk)
                    return str(resp.url), b"".join(chunks), ctype
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: could not fetch ({type(exc).__name__}: {exc})") from None
    raise InputError(f"{url}: too many redirects")


def check_public(url: str) -> None:
    """Raise InputError unless every address the URL's host resolves to is public."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url}: only http(s) URLs with a host are allowed")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise InputError(f"{url}: host {parts.hostname!r} does not resolve") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            raise InputError(f"{url}: refusing to fetch a private, loopback or link-local address ({ip})")


def make_article(text: str, *, article_id: str, source: str | None = None, **meta: Any) -> Article:
    """Validate and normalise text, then build the Article."""
    text = normalise(text)
    name = source or article_id
    if not text.strip():
        raise InputError(f"{name}: empty input (no text after front matter)")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: {len(text):,} characters is over the {MAX_CHARS:,}-character limit")
    if _control_share(text) > 0.05:
        raise InputError(f"{name}: looks like a binary file, not text")
    if not re.search(r"\w{2,}", text):
        raise InputError(f"{name}: no words in the input")
    return Article(id=article_id, text=text, source=source, language=meta.pop("language", None) or guess_language(text), **meta)


def normalise(text: str) -> str:
    """NFC, unix newlines, no trailing spaces; offsets refer to this text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def guess_language(text: str) -> str:
    """'en', 'ru' or 'uk' from the script (Ukrainian has і ї є ґ); Latin text counts as English."""
    letters = [c for c in text[:5000] if c.isalpha()]
    if not letters:
        return "en"
    cyr = sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)
    if cyr < 0.3:
        return "en"
    return "uk" if re.search(r"[іїєґІЇЄҐ]", text[:5000]) else "ru"


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"published: {value!r} is not a date (use YYYY-MM-DD)") from None


def _meta(meta: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in meta.items() if k in ("outlet", "title", "url", "language") and v}
    if meta.get("published"):
        out["published"] = parse_date(meta["published"])
    return out


def _control_share(text: str) -> float:
    sample = text[:10000]
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\t")
    return bad / max(1, len(sample))


def _id_from_url(url: str) -> str:
    parts = urlparse(url)
    slug = [p for p in parts.path.split("/") if p]
    base = (slug[-1] if slug else parts.hostname) or "article"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", base.rsplit(".", 1)[0])[:60] or "article"
