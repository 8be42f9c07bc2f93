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
    """Attach the command groups (each module adds its commands to `app`)."""
    from marketscout.commands import data, index, rank, snapshot  # noqa: F401


def main() -> None:
    """Entry point: run the app and turn marketscout errors into a message and exit code 2."""
    _register()
    try:
        app(standalone_mode=False)
    except MarketscoutError as exc:
        err.print(f"[bold red]Error:[/] {exc.what}", highlight=False)
        if exc.where:
            err.print(f"[bold]Where:[/] {exc.where}", highlight=False)
        if exc.fix:
            err.print(f"[bold]What to do:[/] {exc.fix}", highlight=False)
        sys.exit(2)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        raise
