"""CLI commands of the corpus side: ingest, stories (first version pending)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
