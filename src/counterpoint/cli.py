"""The command line: a thin face over :mod:`counterpoint.api`.

Every failure the user can cause prints one line on stderr and exits with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import CounterpointError

FORMATS = ("json", "markdown", "html")
DEFAULT_DB = "counterpoint.db"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="counterpoint")
def cli() -> None:
    """Show how different news outlets report the same story."""


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout.")
@click.option("--db", help="Store the comparison in this database (SQLite file or postgresql:// URL); with "
              "--story, the corpus database to read the story from, which then keeps the comparison too.")
@click.option("--story", help="Compare the articles of this stored story (from `counterpoint stories`).")
@click.option("--time-limit", type=click.FloatRange(1), default=600, show_default=True,
              help="Seconds a comparison may take (checked between stages).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def compare(
    inputs: tuple[str, ...], fmt: str, output: Path | None, db: str | None, story: str | None,
    time_limit: float, quiet: bool,
) -> None:
    """Compare two or more articles (.txt, .html, .json files or http(s) URLs).

    \b
    Examples:
      counterpoint compare a.txt b.html
      counterpoint compare a.txt b.txt --format html --output report.html
      counterpoint compare https://example.org/a https://example.org/b -f markdown
      counterpoint compare --story S12 --db corpus.db -f html -o story.html
    """
    from .api import compare as run_compare

    progress = None if quiet else _progress
    sources: list = list(inputs)
    if story:
        from .corpus import story_articles

        sources += story_articles(db or DEFAULT_DB, story)
        db = None  # the story's database is read, not written to
    result = run_compare(sources, on_stage=progress, time_limit=time_limit)
    if progress and sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    for w in result.analysis.warnings:
        click.echo(f"warning: {w}", err=True)
    text = {"json": result.to_json, "markdown": result.to_markdown, "html": result.to_html}[fmt]()
    if db is not None:
        from . import store

        cid = store.Store(db).save(result)
        click.echo(f"stored as comparison {cid} in {db}", err=True)
    if output is None:
        click.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _progress(stage: str) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r\033[K… {stage}", err=True, nl=False)


def _register() -> None:
    """Attach the commands the web and corpus sides define."""
    from .corpus.commands import COMMANDS as corpus_commands
    from .web.commands import COMMANDS as web_commands

    for command in (*corpus_commands, *web_commands):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning our own errors into one stderr line and exit 2."""
    try:
        cli.main(args=argv, prog_name="counterpoint", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except CounterpointError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
