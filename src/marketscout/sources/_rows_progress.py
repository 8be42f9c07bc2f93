"""A progress line for rows parsed (after the downloader's bar for bytes received)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextmanager
def rows_progress(progress: bool | Progress, label: str) -> Iterator[Callable[[int], None]]:
    """Yield `tick(rows)`; the task's description shows the running count.

    `progress` is False (silent), True (an own transient bar on stderr) or the caller's
    Progress (whose columns may be for bytes, so the count goes in the description).
    """
    if progress is False:
        yield lambda rows: None
        return
    own = None
    if not isinstance(progress, Progress):
        own = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                       console=Console(stderr=True), transient=True)
        own.start()
    bars = own or progress
    assert isinstance(bars, Progress)
    task = bars.add_task(f"{label}: 0 rows parsed", total=None)
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        bars.update(task, description=f"{label}: {done:,} rows parsed")

    try:
        yield tick
    finally:
        bars.remove_task(task)
        if own is not None:
            own.stop()
