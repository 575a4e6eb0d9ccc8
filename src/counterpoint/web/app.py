"""The web app: a page to compare articles, permalinks to stored comparisons, a JSON API.

Security: every page is rendered by autoescaping templates and sent with a strict
Content-Security-Policy (scripts and styles only from our own ``/static`` files); request
bodies are size-capped; URLs are fetched only from public addresses, re-checked after each
redirect (:func:`counterpoint.ingest.fetch_url` with ``allow_private=False``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import CounterpointError
from ..report import html as report
from ..store import Store
from .jobs import ArticleInput, CompareFn, Runner, pipeline_compare

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {  # name -> (file, media type); nothing else is ever served from disk
    "app.js": (STATIC / "app.js", "text/javascript"),
    "app.css": (STATIC / "app.css", "text/css"),
    "report.js": (report.TEMPLATES / "report.js", "text/javascript"),
    "report.css": (report.TEMPLATES / "report.css", "text/css"),
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
MAX_BODY = 4 * 1024 * 1024  # a few long articles fit; a runaway upload does not
MAX_ARTICLES = 8
MAX_TEXT = 400_000  # characters per field before ingest's own, stricter check
ID_RE = re.compile(r"^[0-9a-f]{12}$")
JOB_RE = re.compile(r"^[0-9a-f]{16}$")


class ArticleIn(BaseModel):
    """One article: pasted text (or an uploaded file's content with its name), or a URL."""

    text: str | None = Field(None, max_length=MAX_TEXT, description="Article text; may open with a front-matter block.")
    url: str | None = Field(None, max_length=2000, description="http(s) URL of a public page to fetch instead of text.")
    filename: str | None = Field(None, max_length=255, description="Uploaded file name: .html/.htm is parsed as HTML, .json as a record.")
    id: str | None = Field(None, max_length=60, description="Article id in the output (default: from the file name or URL).")
    outlet: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=40, description="YYYY-MM-DD")


class CompareIn(BaseModel):
    """Two to eight articles about one event."""

    articles: list[ArticleIn] = Field(..., min_length=2, max_length=MAX_ARTICLES)


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _error(413, f"request body over the {self.limit:,}-byte limit")(scope, receive, send)
            return
        # Read the whole (capped) body first, so an oversized stream is refused before any
        # handler runs; then replay it.
        chunks: list[bytes] = []
        seen, more = 0, True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":
                break
            chunks.append(msg.get("body", b""))
            seen += len(chunks[-1])
            more = bool(msg.get("more_body"))
            if seen > self.limit:
                await _error(413, f"request body over the {self.limit:,}-byte limit")(scope, receive, send)
                return
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _error(code: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=code)


def create_app(db: str | Path = "counterpoint.db", *, compare: CompareFn | None = None, timeout: float = 120.0,
               max_body: int = MAX_BODY, warm: bool = False, fetch_private: bool = False) -> FastAPI:
    """The ASGI app over a comparison store (SQLite path or PostgreSQL URL); ``compare`` replaces the pipeline (tests)."""
    store = Store(db)
    runner = Runner(compare or pipeline_compare, store.save, timeout=timeout, fetch_private=fetch_private)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:  # load the models once, before the first request waits for them
            await asyncio.to_thread(_warm)
        yield
        runner.shutdown()
        store.close()

    app = FastAPI(title="counterpoint", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Compare how news outlets report the same story. Returns the comparison contract JSON.")
    app.state.store, app.state.runner = store, runner
    _handlers(app)
    _pages(app, store)
    _api(app, store, runner, timeout)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.add_middleware(BodyLimit, limit=max_body)
    return app


def _warm() -> None:
    from ..resources import default

    res = default()
    res.nlp  # noqa: B018 - touching the cached property loads the model
    res.embed(["warm up"])


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("counterpoint")
    except PackageNotFoundError:
        return "0"


def _handlers(app: FastAPI) -> None:
    """Every error is JSON with an ``error`` message (pages included: the page script shows it)."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"invalid request: {where + ': ' if where else ''}{first.get('msg', 'malformed body')}"
        detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in errs[:10]]
        return _error(422, message, detail=detail)

    @app.exception_handler(CounterpointError)
    async def bad_input(_: Request, exc: CounterpointError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error ({type(exc).__name__})")


def _stored(store: Store, cid: str) -> dict[str, Any]:
    doc = store.get(cid) if ID_RE.match(cid) else None
    if doc is None:
        raise StarletteHTTPException(404, f"no comparison with id {cid!r}")
    return doc


def _page(doc: dict[str, Any] | None = None, cid: str | None = None, recent: list[dict[str, Any]] | None = None) -> str:
    from markupsafe import Markup

    fragment = Markup(report.render_fragment(doc)) if doc is not None else None  # our own autoescaped template output
    return report.environment(strict=False).get_template("web_index.html.j2").render(
        fragment=fragment, cid=cid, recent=recent or [], max_articles=MAX_ARTICLES)


def _pages(app: FastAPI, store: Store) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(_page(recent=store.list(limit=10)))

    @app.get("/c/{cid}", response_class=HTMLResponse, include_in_schema=False)
    def permalink(cid: str) -> HTMLResponse:
        return HTMLResponse(_page(_stored(store, cid), cid))

    @app.get("/c/{cid}/fragment", response_class=HTMLResponse, include_in_schema=False)
    def fragment(cid: str) -> HTMLResponse:
        return HTMLResponse(report.render_fragment(_stored(store, cid)))

    @app.get("/c/{cid}/report.html", response_class=HTMLResponse, include_in_schema=False)
    def download(cid: str) -> HTMLResponse:
        page = report.render(_stored(store, cid))
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        import html as htmlmod

        headers = {"Content-Disposition": f'attachment; filename="counterpoint-{cid}.html"'}
        if policy:  # the file's own hash-based policy: its inline code, and nothing else, runs
            headers["Content-Security-Policy"] = htmlmod.unescape(policy.group(1))
        return HTMLResponse(page, headers=headers)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in ASSETS:
            raise StarletteHTTPException(404, "no such file")
        path, media = ASSETS[name]
        return Response(path.read_bytes(), media_type=media, headers={"Cache-Control": "no-cache"})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(report.environment(strict=False).get_template("web_docs.html.j2").render(spec=app.openapi()))


def _api_errors() -> dict[int | str, dict[str, Any]]:
    """The error answers of the routes that start a comparison, for the OpenAPI schema (a fresh copy per app)."""
    return {
        400: {"description": "An article could not be read (empty, too long, unreachable, private address...)"},
        413: {"description": "Request body too large"},
        422: {"description": "Malformed request (e.g. fewer than 2 or more than 8 articles)"},
        503: {"description": "Too many comparisons running"},
        504: {"description": "The comparison ran past its time limit"},
    }


def _api(app: FastAPI, store: Store, runner: Runner, timeout: float) -> None:
    """The JSON API: routes that start comparisons here, routes that read results in :func:`_read_api`."""
    errors = _api_errors()

    def submit(items: list[ArticleInput]) -> Any:
        try:
            return runner.submit(items)
        except OverflowError as exc:
            raise StarletteHTTPException(503, str(exc)) from None

    async def finish(items: list[ArticleInput]) -> JSONResponse:
        job = submit(items)
        await asyncio.to_thread(job.done.wait, timeout)
        state = job.state(timeout)
        if state["status"] != "done" or job.result is None:
            return _error(state.get("code", 504), state.get("error", "the comparison did not finish"))
        return JSONResponse(job.result | {"permalink": f"/c/{job.result['id']}"})

    @app.post("/api/compare", tags=["comparisons"], responses=errors, summary="Compare articles and wait")
    async def compare(body: CompareIn) -> JSONResponse:
        """Compare 2-8 articles; returns the contract JSON plus its stored id and permalink."""
        return await finish([ArticleInput(**a.model_dump()) for a in body.articles])

    @app.post("/api/compare/files", tags=["comparisons"], responses=errors, summary="Compare uploaded files")
    async def compare_files(files: Annotated[list[UploadFile], File(description="2-8 .txt, .html or .json files")]) -> JSONResponse:
        """Multipart upload (curl -F files=@a.txt -F files=@b.html); the same answer as /api/compare."""
        if not 2 <= len(files) <= MAX_ARTICLES:
            return _error(422, f"invalid request: files: give 2 to {MAX_ARTICLES} files, not {len(files)}")
        from ..ingest import decode

        items = []
        for f in files:
            name = f.filename or "upload.txt"
            items.append(ArticleInput(text=decode(await f.read(), name), filename=name))
        return await finish(items)

    @app.post("/api/jobs", tags=["comparisons"], status_code=202, responses=errors, summary="Start a comparison")
    def start(body: CompareIn) -> dict[str, Any]:
        """Start a comparison in the background; poll /api/jobs/{job_id} for its stage and result."""
        return submit([ArticleInput(**a.model_dump()) for a in body.articles]).state(timeout)

    _read_api(app, store, runner, timeout)


def _read_api(app: FastAPI, store: Store, runner: Runner, timeout: float) -> None:
    """The API routes that read: job states, stored comparisons, the recent list."""

    @app.get("/api/jobs/{job_id}", tags=["comparisons"], responses={404: {"description": "Unknown job"}},
             summary="Poll a comparison job")
    def poll(job_id: str) -> dict[str, Any]:
        """A job's state: running (with the pipeline stage), done (with the comparison id) or error."""
        job = runner.get(job_id) if JOB_RE.match(job_id) else None
        if job is None:
            raise StarletteHTTPException(404, f"no job with id {job_id!r}")
        return job.state(timeout)

    @app.get("/api/comparisons/{cid}", tags=["comparisons"], responses={404: {"description": "Unknown id"}},
             summary="A stored comparison")
    def get_comparison(cid: str) -> dict[str, Any]:
        """A stored comparison's contract JSON."""
        return {"id": cid, **_stored(store, cid)}

    @app.get("/api/comparisons", tags=["comparisons"], summary="Recent comparisons")
    def list_comparisons(limit: int = 50) -> list[dict[str, Any]]:
        """The most recent stored comparisons (id, created, same-story score, article ids)."""
        return store.list(limit=max(1, min(limit, 500)))
