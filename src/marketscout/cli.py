"""The command line: thin commands over the library. The only place errors become exit codes."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from marketscout.errors import MarketscoutError

app = typer.Typer(
    name="marketscout",
    help="Choose, explain and act on priority partner markets for export and innovation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True)


def _register() -> None:
    """Attach every command module in `marketscout.commands` (each adds its commands to `app`)."""
    import importlib
    import pkgutil

    import marketscout.commands as commands

    for module in pkgutil.iter_modules(commands.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"marketscout.commands.{module.name}")


def main() -> None:
    """Entry point: run the app and turn marketscout errors into a message and exit code 2.

    Usage errors, --help and normal exits are handled by Typer itself (standalone mode); only
    our own errors reach the handler below.
    """
    _register()
    try:
        app()
    except MarketscoutError as exc:
        from rich.markup import escape  # messages may hold [brackets], e.g. TOML sections

        err.print(f"[bold red]Error:[/] {escape(exc.what)}", highlight=False)
        if exc.where:
            err.print(f"[bold]Where:[/] {escape(exc.where)}", highlight=False)
        if exc.fix:
            err.print(f"[bold]What to do:[/] {escape(exc.fix)}", highlight=False)
        sys.exit(2)
