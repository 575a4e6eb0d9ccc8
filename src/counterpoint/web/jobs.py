"""Comparison jobs: request articles turned into Articles and compared in worker threads.

A comparison can take seconds (models, URL fetches), so it runs in a small thread pool, never
on the event loop. Each job records the pipeline stage it is in, so the page can show real
progress; a job past its time limit is reported as failed (Python cannot kill a thread, but
the pool is small, so runaway work cannot pile up beyond it).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from ..errors import CounterpointError, InputError
from ..model import Article

CompareFn = Callable[[Sequence[Article], Callable[[str], None]], dict[str, Any]]
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JOB_TTL = 15 * 60  # seconds a finished job stays pollable


@dataclass(frozen=True)
class ArticleInput:
    """One article as a request gives it: text (pasted or an uploaded file's content) or a URL."""

    text: str | None = None
    url: str | None = None
    filename: str | None = None
    id: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass
class Job:
    """One comparison in flight or finished; ``error`` is (HTTP status, message)."""

    id: str
    count: int
    started: float = field(default_factory=time.monotonic)
    stage: str = "queued"
    result: dict[str, Any] | None = None
    error: tuple[int, str] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    future: Future[None] | None = None

    def state(self, timeout: float) -> dict[str, Any]:
        """What a poll sees: running with its stage, done with the comparison id, or an error."""
        if not self.done.is_set() and time.monotonic() - self.started > timeout:
            self.fail(504, f"the comparison took longer than {timeout:.0f} s and was abandoned")
        out: dict[str, Any] = {"job": self.id, "elapsed": round(time.monotonic() - self.started, 1)}
        if self.error:
            return out | {"status": "error", "code": self.error[0], "error": self.error[1]}
        if self.result is not None:
            return out | {"status": "done", "id": self.result.get("id")}
        return out | {"status": "running", "stage": self.stage}

    def fail(self, code: int, message: str) -> None:
        if not self.done.is_set():
            self.error = (code, message)
            self.done.set()


def to_article(item: ArticleInput, position: int, *, fetch_private: bool = False) -> Article:
    """Turn one request item into an Article with ingest's checks (URLs: public hosts only)."""
    from .. import ingest

    aid = _clean_id(item.id) or (_clean_id(PurePath(item.filename).stem) if item.filename else None)
    if item.url and item.text:
        raise InputError(f"article {position}: give either text or a URL, not both")
    if item.url:
        art = ingest.load(item.url.strip(), article_id=aid, allow_private=fetch_private)
    elif item.text and item.text.strip():
        aid = aid or f"article-{position}"
        name = (item.filename or "").lower()
        if name.endswith(HTML_SUFFIXES):
            art = ingest.from_html(item.text, article_id=aid, source=item.filename)
        elif name.endswith(".json"):
            art = ingest.from_json(item.text, article_id=aid, source=item.filename)
        else:
            art = ingest.from_text(item.text, article_id=aid, source=item.filename)
    else:
        raise InputError(f"article {position}: empty (paste text, choose a file or give a URL)")
    meta: dict[str, Any] = {k: v.strip() for k, v in (("outlet", item.outlet), ("title", item.title)) if v and v.strip()}
    if item.published and item.published.strip():
        meta["published"] = ingest.parse_date(item.published)
    return replace(art, **meta) if meta else art


def _clean_id(raw: str | None) -> str | None:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", raw or "").strip("-.")[:60]
    return cleaned or None


class Runner:
    """Runs comparisons in a small pool; stores each finished one and keeps job states."""

    def __init__(self, compare: CompareFn, save: Callable[[dict[str, Any]], str], *,
                 workers: int = 2, queue: int = 8, timeout: float = 120.0, fetch_private: bool = False) -> None:
        self.compare, self.save, self.timeout = compare, save, timeout
        self.fetch_private = fetch_private
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="compare")
        self.queue = queue
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, items: Sequence[ArticleInput]) -> Job:
        """Queue a comparison; raises OverflowError when too many are already waiting."""
        with self._lock:
            self._expire()
            if sum(not j.done.is_set() for j in self.jobs.values()) >= self.queue:
                raise OverflowError("too many comparisons are running; try again in a minute")
            job = Job(uuid.uuid4().hex[:16], len(items))
            self.jobs[job.id] = job
        job.future = self.pool.submit(self._run, job, list(items))
        return job

    def _run(self, job: Job, items: list[ArticleInput]) -> None:
        try:
            job.stage = "reading articles"
            articles = [to_article(it, k, fetch_private=self.fetch_private) for k, it in enumerate(items, 1)]

            def on_stage(name: str) -> None:
                job.stage = name
                if job.done.is_set():  # abandoned after its time limit: stop at the next stage
                    raise TimeoutError(job.id)

            doc = self.compare(articles, on_stage)
            if job.done.is_set():
                return
            job.stage = "saving"
            cid = self.save(doc)
            job.result = {"id": cid, **doc}
            job.done.set()
        except CounterpointError as exc:
            job.fail(400, str(exc))
        except TimeoutError:
            job.fail(504, f"the comparison took longer than {self.timeout:.0f} s and was abandoned")
        except Exception as exc:  # a bug, not the user's fault: keep the message generic
            job.fail(500, f"internal error while comparing ({type(exc).__name__})")

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _expire(self) -> None:
        now = time.monotonic()
        for jid in [j.id for j in self.jobs.values() if j.done.is_set() and now - j.started > JOB_TTL]:
            del self.jobs[jid]

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def pipeline_compare(articles: Sequence[Article], on_stage: Callable[[str], None]) -> dict[str, Any]:
    """The real comparison: the default pipeline with the process-wide models."""
    from ..api import compare
    from ..resources import default

    return compare(list(articles), resources=default(), on_stage=on_stage).to_dict()
