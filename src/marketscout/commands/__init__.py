"""CLI command groups. Each module attaches its commands to the Typer apps defined here."""

from __future__ import annotations

import typer

from marketscout.cli import app

data_app = typer.Typer(help="Inspect, import and update the data behind the criteria.",
                       no_args_is_help=True)
index_app = typer.Typer(help="Build any COINr-style composite index from CSV tables.",
                        no_args_is_help=True)
snapshot_app = typer.Typer(help="Build the embedded data snapshot from raw public files.",
                           no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(index_app, name="index")
app.add_typer(snapshot_app, name="snapshot")
