"""CLI commands of the corpus side: ingest, stories, coverage, export."""

from __future__ import annotations

import json
from pathlib import Path

import click

DEFAULT_DB = "counterpoint.db"
_DB_HELP = "SQLite file (default counterpoint.db) or postgresql://user@host/dbname."


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", "database", default=DEFAULT_DB, show_default=True, help=_DB_HELP)
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where loading and analysis run: in-process, or on Ray.")
@click.option("--ray-address", help="Join this Ray cluster (default: RAY_ADDRESS, else start a local one).")
@click.option("--batch", type=click.IntRange(1, 1024), default=32, show_default=True, help="Articles per analysis batch.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Score at which stories merge (default 0.42; an arrival joins a story at 0.60).")
@click.option("--window-days", type=click.IntRange(0, 365), help="Articles further apart are unlikely one story (default 3).")
@click.option("--follow-links", is_flag=True, help="For feed entries, fetch the linked article instead of the summary.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(
    inputs: tuple[str, ...], database: str, engine: str, ray_address: str | None, batch: int,
    threshold: float | None, window_days: int | None, follow_links: bool, quiet: bool,
) -> None:
    """Store articles in a corpus database and group them into stories.

    \b
    INPUTS are folders (.txt/.html/.json/.jsonl/.xml inside), article files, JSONL files
    (one {"text", "title", "outlet", "published", "url"} object per line), RSS/Atom feed
    files or URLs. Re-running is safe: stored articles are recognised and skipped.
    \b
    Examples:
      counterpoint ingest articles/ --db corpus.db
      counterpoint ingest feed.xml https://example.org/rss --db postgresql://me@localhost/news
      counterpoint ingest big.jsonl --engine ray --ray-address auto
    """
    from dataclasses import replace

    from .cluster import ClusterParams
    from .run import ingest as run_ingest

    params = ClusterParams()
    if threshold is not None:
        params = replace(params, threshold=threshold)
    if window_days is not None:
        params = replace(params, window_days=window_days)
    report = run_ingest(list(inputs), database, engine=engine, batch=batch, params=params,
                        progress=not quiet, ray_address=ray_address, follow_links=follow_links)
    click.echo(report.line(), err=True)


@click.command()
@click.option("--db", "database", default=DEFAULT_DB, show_default=True, help=_DB_HELP)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-articles", type=click.IntRange(1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(0), default=0, help="Show at most this many (0: all).")
def stories(database: str, fmt: str, min_articles: int, limit: int) -> None:
    """List stories (biggest first) with their outlets and dates."""
    items = _stories(database, min_articles, limit)
    if fmt == "json":
        click.echo(json.dumps({"stories": items}, indent=2, ensure_ascii=False))
        return
    for s in items:
        dates = s["first_date"] or "undated"
        if s["last_date"] and s["last_date"] != s["first_date"]:
            dates += f"..{s['last_date']}"
        dups = len(s["articles"]) - s["independent"]
        extra = f" (+{dups} near-duplicates)" if dups else ""
        click.echo(f"{s['id']:>6}  {dates:<22} {s['independent']} articles{extra}  {s['label'] or ''}"[:160])
        click.echo(f"        outlets: {', '.join(s['outlets']) or '-'}")


@click.command()
@click.option("--db", "database", default=DEFAULT_DB, show_default=True, help=_DB_HELP)
@click.option("--groups", "groups_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML file of outlet groups (see docs/outlet-groups.example.toml).")
@click.option("--min-outlets", type=click.IntRange(1), default=2, show_default=True,
              help="A blind spot needs at least this many grouped outlets, all in one group.")
@click.option("--svg", type=click.Path(dir_okay=False, path_type=Path), help="Also draw the matrix as SVG.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def coverage(database: str, groups_file: Path | None, min_outlets: int, svg: Path | None, fmt: str) -> None:
    """Outlet x story coverage matrix and blind spots (stories one group of outlets alone covered)."""
    from .coverage import coverage as build
    from .coverage import load_groups, to_svg

    groups = load_groups(groups_file) if groups_file else None
    cov = build(_stories(database, 1, 0), groups, min_outlets)
    if svg:
        svg.parent.mkdir(parents=True, exist_ok=True)
        svg.write_text(to_svg(cov), encoding="utf-8")
        click.echo(f"wrote {svg}", err=True)
    if fmt == "json":
        click.echo(json.dumps(cov.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(cov.outlets)} outlets x {len(cov.stories)} stories")
    for i, o in enumerate(cov.outlets):
        n = sum(1 for x in cov.matrix[i] if x)
        click.echo(f"  {o:<40} {n:>5} stories  {cov.groups.get(o, '')}")
    if groups is None:
        click.echo("blind spots: give --groups FILE to find them")
        return
    click.echo(f"blind spots ({len(cov.blind_spots)}):")
    for b in cov.blind_spots:
        click.echo(f"  {b['story']:>6} only {b['only']} ({', '.join(b['outlets'])}): {(b['label'] or '')[:80]}")


def _stories(database: str, min_articles: int, limit: int) -> list[dict]:
    from ..errors import InputError
    from . import db

    if "://" not in database and not Path(database).exists():
        raise InputError(f"--db {database}: no such corpus database (run `counterpoint ingest` first)")
    eng = db.connect(database)
    try:
        items = [s for s in db.stories(eng) if s["independent"] >= min_articles]
    finally:
        eng.dispose()
    return items[:limit] if limit else items


@click.command("export")
@click.option("--db", "database", default=DEFAULT_DB, show_default=True, help=_DB_HELP)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="JSONL file to write (default: stdout). Written beside and renamed, never left half-done.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def export_cmd(database: str, output: Path | None, quiet: bool) -> None:
    """Write every stored article as JSONL (text, title, outlet, published, url, source, hash).

    \b
    The file ingests back losslessly: `counterpoint ingest FILE.jsonl --db NEW` stores the
    same articles (same content hashes, text and metadata).
    \b
    Examples:
      counterpoint export --db corpus.db -o corpus.jsonl
      counterpoint export --db postgresql://me@localhost/news > news.jsonl
    """
    from ..errors import InputError
    from .export import export

    if "://" not in database and not Path(database).exists():
        raise InputError(f"--db {database}: no such corpus database (run `counterpoint ingest` first)")
    n = export(database, output, progress=not quiet)
    click.echo(f"exported {n} articles" + (f" to {output}" if output else ""), err=True)


COMMANDS: list[click.Command] = [ingest, stories, coverage, export_cmd]
