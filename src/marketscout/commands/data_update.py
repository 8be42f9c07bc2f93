"""`marketscout data update [SOURCE ...|--all]`: fetch, parse and load the publishers' data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from marketscout.commands import data_app
from marketscout.commands._common import console, user_store
from marketscout.errors import InputError
from marketscout.settings import Settings, load_settings

if TYPE_CHECKING:  # the sources (pandas, DuckDB) load inside the command, not on --help
    from marketscout.sources import registry
    from marketscout.sources.update import Outcome


@data_app.command("update")
def update(
    names: list[str] = typer.Argument(None, metavar="SOURCE",
                                      help="Sources to update: worldbank, cordis, baci, "
                                      "gii, lpi, cepii, eurostat, oecd (see --list)."),
    all_sources: bool = typer.Option(False, "--all", help="Update every downloadable source."),
    offline: bool = typer.Option(False, "--offline", help="Use only files already in the "
                                 "cache; no network."),
    years: str | None = typer.Option(None, "--years", help="Years to fetch, e.g. 2016-2021 "
                                     "(default: all the publisher has; BACI: the latest six)."),
    file: Path | None = typer.Option(None, "--file", help="Parse this local copy instead of "
                                     "downloading (one source that accepts files; see --list)."),
    retries: int = typer.Option(3, "--retries", min=0, max=10, help="Attempts after the "
                                "first on 5xx answers, timeouts and dropped connections."),
    timeout: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds to wait for a "
                                  "connection and between two chunks of an answer."),
    show_list: bool = typer.Option(False, "--list", help="List the sources, their URLs and "
                                   "environment variables, and exit."),
) -> None:
    """Download, parse and load each source in its own transaction; end with a summary.

    A source that fails keeps its previous data in the store; the exit code is 1 if any failed.
    """
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from marketscout.sources import registry
    from marketscout.sources.update import update_sources

    known = registry.sources()
    if show_list:
        _show_sources(known)
        return
    settings = load_settings()
    chosen, skipped = _choose(known, names or [], all_sources, file, settings)
    span = registry.parse_years(years)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                        TransferSpeedColumn(), console=Console(stderr=True), transient=True)
    limits = registry.Timeouts(connect=min(timeout, 10.0), read=timeout)
    with user_store() as store, progress:
        outcomes = update_sources(store, chosen, settings=settings, offline=offline,
                                  years=span, file=file,
                                  progress=progress, retries=retries, timeout=limits)
    _summary(outcomes)
    for source, reason in skipped:
        console.print(f"{source.id}: skipped. {reason}", highlight=False, soft_wrap=True)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


def _choose(known: dict[str, registry.Source], names: list[str], all_sources: bool,
            file: Path | None, settings: Settings,
            ) -> tuple[list[registry.Source], list[tuple[registry.Source, str]]]:
    """The sources to update, and (with --all) those left out with the reason."""
    from marketscout.sources import registry

    if all_sources and names:
        raise InputError("Give source names or --all, not both.", where="marketscout data update",
                         fix="For example: marketscout data update worldbank lpi")
    if not all_sources and not names:
        raise InputError("Which sources? None given.", where="marketscout data update",
                         fix=f"Name some ({', '.join(known)}) or use --all.")
    skipped = [(s, s.skip_reason(settings)) for s in known.values()] if all_sources else []
    chosen = ([s for s, reason in skipped if not reason] if all_sources
              else [registry.get(n) for n in dict.fromkeys(names)])
    skipped = [(s, reason) for s, reason in skipped if reason]
    if file is not None and (len(chosen) != 1 or not chosen[0].accepts_file):
        raise InputError("--file needs exactly one source that reads local files.",
                         where="--file",
                         fix="Sources that accept --file: "
                         + ", ".join(s.id for s in known.values() if s.accepts_file) + ".")
    return chosen, skipped


def _summary(outcomes: list[Outcome]) -> None:
    table = Table(title="Data update")
    for column in ("source", "rows", "years", "coverage", "time", "status"):
        table.add_column(column, justify="right" if column in ("rows", "time") else "left")
    for o in outcomes:
        table.add_row(o.source, f"{o.rows:,}", o.years or "-",
                      f"{o.countries} countries" if o.countries else "-", f"{o.seconds:.1f} s",
                      "[green]ok[/]" if o.ok else f"[red]{o.status}[/]: {o.error}")
    console.print(table)
    for o in outcomes:
        for warning in o.warnings:
            console.print(f"Warning ({o.source}): {warning}", highlight=False, soft_wrap=True)
    if not all(o.ok for o in outcomes):
        console.print("Failed sources keep their previous data in the store.")


def _show_sources(known: dict[str, registry.Source]) -> None:
    settings = load_settings()
    table = Table(title="Sources for `marketscout data update`")
    for column in ("source", "publisher", "URL", "variable", "--file", "licence", "note"):
        table.add_column(column)
    for s in known.values():
        table.add_row(s.id, s.publisher, settings.url(s.id, s.default_url),
                      s.env_var if s.downloadable else "-",
                      "yes" if s.accepts_file else "no", s.licence, s.note)
    console.print(table)
