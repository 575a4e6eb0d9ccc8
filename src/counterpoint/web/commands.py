"""CLI commands of the web side: serve (first version pending)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
