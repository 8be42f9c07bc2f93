"""`marketscout store check` / `store rebuild`: is the store sound, and rebuild it safely."""

from __future__ import annotations

import typer

from marketscout.cli import app
from marketscout.commands._common import console, err_console

store_app = typer.Typer(help="Check the data store, or rebuild it from the snapshot and your "
                        "kept data.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("check")
def check() -> None:
    """Check the store: it opens, every table reads, provenance and kept user data match.

    Prints OK, or each problem and what to do (exit code 1).
    """
    from marketscout.settings import load_settings
    from marketscout.store_recovery import check_store

    result = check_store(load_settings().db_path)
    for note in result.notes:
        console.print(note, highlight=False, soft_wrap=True)
    if result.ok:
        console.print(f"OK: {result.path}", highlight=False, soft_wrap=True)
        return
    for problem in result.problems:
        err_console.print(f"[bold red]Problem:[/] {_escape(problem)}", highlight=False,
                          soft_wrap=True)
    err_console.print(f"Where: {_escape(str(result.path))}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@store_app.command("rebuild")
def rebuild() -> None:
    """Rebuild the store from the snapshot, your kept imports and your kept tables.

    The current file is kept beside it as <name>.broken-<timestamp>.
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from marketscout.settings import load_settings
    from marketscout.store_recovery import rebuild_store

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bars:
        task = bars.add_task("rebuilding the store", total=None)
        result = rebuild_store(load_settings().db_path,
                               lambda text: bars.update(task, description=text))
    for path in result.moved_aside:
        console.print(f"Kept the previous file as {path}", highlight=False, soft_wrap=True)
    for warning in result.warnings:
        err_console.print(f"[bold yellow]Warning:[/] {_escape(warning)}", highlight=False,
                          soft_wrap=True)
    rows = sum(result.tables.values())
    console.print(
        f"Rebuilt {result.path}: {result.snapshot_sources} snapshot sources, "
        f"{len(result.imports)} of your imports ({', '.join(result.imports) or 'none'}), "
        f"{rows} rows in {len(result.tables)} of your tables.", highlight=False, soft_wrap=True)
    console.print("Sources loaded by `marketscout data update` come from the snapshot now; run "
                  "it again for newer editions.", highlight=False, soft_wrap=True)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
