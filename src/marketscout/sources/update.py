"""Update the store from the publishers: fetch, parse and load each source on its own.

Each result of a source's update function is loaded in one store transaction, so a source
that fails (download, parse or load) leaves the store's previous data for it in place, and
the other sources still update. The outcome of each source feeds the summary table.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.errors import MarketscoutError
from marketscout.settings import Settings
from marketscout.sources.registry import Source, UpdateContext, Years
from marketscout.store import Store

if TYPE_CHECKING:
    from rich.progress import Progress

log = logging.getLogger("marketscout.sources.update")


@dataclass
class Outcome:
    """What happened to one source: loaded rows, years, countries covered, time, error."""

    source: str
    name: str
    ok: bool = False
    rows: int = 0
    years: str = ""
    countries: int = 0
    seconds: float = 0.0
    error: str = ""
    loaded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.ok:
            return "ok"
        return "failed after loading " + ", ".join(self.loaded) if self.loaded else "failed"


def update_sources(
    store: Store,
    chosen: Sequence[Source],
    *,
    settings: Settings,
    offline: bool = False,
    years: Years | None = None,
    file: Path | None = None,
    progress: Progress | None = None,
    **download_options: Any,
) -> list[Outcome]:
    """Update each chosen source in turn; one source's failure never stops the others."""
    outcomes = []
    for source in chosen:
        ctx = UpdateContext(settings=settings, source=source, offline=offline, years=years,
                            file=file, progress=progress if progress is not None else False,
                            **download_options)
        outcomes.append(update_one(store, ctx, progress))
    return outcomes


def update_one(store: Store, ctx: UpdateContext, progress: Progress | None = None) -> Outcome:
    """Fetch, parse and load one source; errors end up in the outcome, not raised."""
    source = ctx.source
    outcome = Outcome(source.id, source.name)
    task = progress.add_task(f"{source.id}: fetching", total=None) if progress else None
    started = time.monotonic()
    spans: list[str] = []
    try:
        for parsed in source.update(ctx):
            if progress is not None and task is not None:
                progress.update(task, description=f"{source.id}: loading "
                                f"{parsed.provenance.rows:,} rows")
            store.load(parsed.tables, parsed.provenance)
            prov = parsed.provenance
            outcome.loaded.append(prov.source_id)
            outcome.warnings.extend(parsed.warnings)
            outcome.rows += prov.rows
            outcome.countries = max(outcome.countries, prov.countries)
            spans.append(prov.years)
        outcome.ok = True
    except MarketscoutError as exc:
        outcome.error = str(exc)
    except Exception as exc:  # a bug in one connector must not hide the others' results
        log.exception("update of %s failed", source.id)
        outcome.error = (f"{type(exc).__name__}: {exc}. This looks like a bug in the "
                         f"'{source.id}' connector; please report it.")
    finally:
        outcome.seconds = time.monotonic() - started
        if progress is not None and task is not None:
            progress.remove_task(task)
    outcome.years = _span(spans)
    return outcome


def _span(spans: Sequence[str]) -> str:
    """'2016-2019' and '2020' -> '2016-2020'; empty when no years are known."""
    years = [int(p) for s in spans for p in s.split("-") if p.strip().isdigit()]
    if not years:
        return ""
    return f"{min(years)}-{max(years)}" if min(years) != max(years) else str(years[0])
