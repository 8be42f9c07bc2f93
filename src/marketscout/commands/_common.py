"""Helpers shared by the commands: settings, the store, and output formats."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # command modules load at start-up: keep pandas, DuckDB and Rich out of it
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from marketscout.store import Store

_CONSOLES: dict[bool, Console] = {}


def _console(stderr: bool) -> Console:
    """The Rich console on standard error or output, made on first use: an argument error or
    `--help` never loads Rich."""
    if stderr not in _CONSOLES:
        from rich.console import Console

        _CONSOLES[stderr] = Console(stderr=stderr, emoji=False)
    return _CONSOLES[stderr]


def __getattr__(name: str) -> Console:
    """`console` (standard output) and `err_console` (standard error), as module names."""
    if name in ("console", "err_console"):
        return _console(stderr=name == "err_console")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

SLOW_RUNS = 5000  # Monte Carlo runs above which a run takes seconds: show that it is working


@contextmanager
def working(message: str, *, slow: bool = True) -> Iterator[None]:
    """Say on standard error that a step of several seconds is running: a spinner on a
    terminal, one line in a pipe or a log; nothing when `slow` is False."""
    if not slow:
        yield
        return
    err = _console(stderr=True)
    if not err.is_terminal:
        err.print(f"{message} ...", soft_wrap=True)
        yield
        return
    with err.status(message):
        yield


class Format(StrEnum):
    """The one list of output formats; each command takes a subset (`format_option`)."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    parquet = "parquet"
    graphml = "graphml"


BASIC = (Format.table, Format.csv, Format.json)
WITH_XLSX = (*BASIC, Format.xlsx)


def format_option(*allowed: Format, help: str = "") -> Any:
    """The `--format` option accepting only `allowed` (default: table, csv, json), refusing
    the others with a message naming the option and the formats this command writes."""
    import typer

    allowed = allowed or BASIC
    names = ", ".join(f.value for f in allowed)

    def parse(value: str | Format) -> Format:
        if isinstance(value, Format) and value in allowed:
            return value
        found = next((f for f in allowed if f.value == str(value).strip().lower()), None)
        if found is None:
            raise typer.BadParameter(f"Unknown format {str(value)!r}: this command writes "
                                     f"{names}.")
        return found

    return typer.Option("--format", help=help or f"{names}.", parser=parse,
                        metavar="[" + "|".join(f.value for f in allowed) + "]")


def store_path() -> Path:
    """The user's store file (settings: MARKETSCOUT_HOME)."""
    from marketscout.settings import load_settings

    return load_settings().db_path


@contextmanager
def user_store(read_only: bool = False) -> Iterator[Store]:
    """The user's store (created from the embedded snapshot on first use)."""
    from marketscout.store import open_store

    with open_store(store_path(), read_only=read_only) as store:
        yield store


def criteria_cache() -> Path:
    """Where the commands keep the criteria between runs (`priority.memo`)."""
    from marketscout.settings import load_settings

    return load_settings().cache_dir / "criteria"


def emit(text: str, output: Path | None, *, quiet: bool = False) -> None:
    """Write text to a file (saying so unless `quiet`), or to standard output."""
    if output:
        from marketscout.reports.files import check_output

        check_output(output)
        output.write_text(text, encoding="utf-8")
        if not quiet:
            _console(stderr=False).print(f"Wrote {output}", highlight=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def xlsx_file(output: Path | None) -> Path:
    """The file an Excel workbook goes to: it cannot go to standard output."""
    if output is None:
        import typer

        raise typer.BadParameter("--format xlsx needs --output FILE.xlsx", param_hint="--output")
    return output


def need_file(fmt: Format, output: Path | None) -> None:
    """Refuse `--format xlsx` without `--output` (before any heavy work)."""
    if fmt is Format.xlsx:
        xlsx_file(output)


def write_table(fmt: Format, out: Any, output: Path | None) -> None:
    """A `reports.tables.Output` as CSV (stdout, or a file with its FILE.meta.json) or
    Excel (needs --output); the warnings and what was written on standard error."""

    from marketscout.reports import tables

    need_file(fmt, output)
    if output is None:
        emit(tables.csv_text(out), None)
    elif fmt is Format.xlsx:
        tables.write_xlsx(out, output)
    else:
        tables.write_csv(out, output)
    for w in out.warnings:
        _console(stderr=True).print(f"[yellow]Warning:[/] {w}", highlight=False)
    if output is not None:
        rows = len(out.tables[0][1])
        side = f" (sources in {output.name}.meta.json)" if fmt is Format.csv else ""
        _console(stderr=True).print(f"Wrote {output}: {out.title}, {rows:,} rows{side}.",
                          highlight=False)


def to_json(data: Any) -> str:
    from marketscout.jsonable import dumps

    return dumps(data)


def rich_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    """A Rich table of a frame, numbers right-aligned, missing values shown as '-'."""
    import pandas as pd
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    years = ["year" in str(col).lower() for col in frame.columns]  # 2025, never "2,025"
    for row in frame.itertuples(index=False):
        table.add_row(*("-" if _missing(v) else str(int(v)) if year and _whole(v)
                        else _fmt(v) for v, year in zip(row, years, strict=True)))
    return table


def _whole(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and float(value).is_integer()


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, list | tuple | dict) and bool(pd.isna(value)))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)
