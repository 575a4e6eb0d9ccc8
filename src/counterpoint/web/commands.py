"""CLI commands of the web side: ``serve``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("counterpoint.db"),
              show_default=True, help="SQLite file where comparisons are stored.")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Seconds one comparison may take.")
def serve(host: str, port: int, db: Path, timeout: float) -> None:
    """Run the web app: paste, upload or link articles and compare them in the browser.

    \b
    Examples:
      counterpoint serve
      counterpoint serve --port 8080 --db comparisons.db
    """
    import uvicorn

    from .app import create_app

    app = create_app(db, timeout=timeout, warm=True)
    click.echo(f"counterpoint on http://{host}:{port}/  (API docs at /docs, comparisons stored in {db})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


COMMANDS: list[click.Command] = [serve]
