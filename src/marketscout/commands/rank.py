"""`marketscout rank`: the priority list (the main job)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from marketscout.cli import app
from marketscout.commands import _rank_options as opt
from marketscout.commands._common import (
    SLOW_RUNS,
    WITH_XLSX,
    Format,
    criteria_cache,
    emit,
    format_option,
    need_file,
    store_path,
    working,
)


@app.command("rank")
def rank(
    home: opt.Home = "LTU",
    top: opt.Top = None,
    weights: opt.Weights = None,
    recipe: opt.Recipe = None,
    runs: opt.Runs = None,
    seed: opt.Seed = None,
    year: opt.Year = None,
    min_coverage: opt.MinCoverage = None,
    include: opt.Include = None,
    exclude: opt.Exclude = None,
    overrides: opt.Overrides = None,
    edition: opt.Edition = None,
    horizon_from: opt.HorizonFrom = None,
    exports_mean_years: opt.ExportsMeanYears = 1,
    compare: Annotated[Path | None, typer.Option(
        help="A previous or official list (CSV: market, order) to compare with.")] = None,
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Annotated[Path | None, typer.Option(
        help="Write to this file (needed for xlsx).")] = None,
) -> None:
    """Rank candidate markets on the seven criteria and select the priority list."""
    from marketscout import countries, priority

    options = opt.build_options(
        top=top, weights=weights, recipe=recipe, runs=runs, seed=seed, year=year,
        min_coverage=min_coverage, include=include, exclude=exclude, overrides=overrides,
        edition=edition, horizon_from=horizon_from, exports_mean_years=exports_mean_years)
    home_iso = countries.to_iso3(home, where="--home")
    other = _read_list(compare) if compare else None  # bad files fail before the heavy work
    need_file(fmt, output)
    if output is not None:  # a missing folder fails now, not after the list is computed
        from marketscout.reports.files import check_output

        check_output(output)
    with working(f"Ranking with {options.runs:,} Monte Carlo runs",
                 slow=options.runs >= SLOW_RUNS):
        plist = priority.rank_file(store_path(), home_iso, options, cache=criteria_cache())
    comparison = priority.compare(plist, other, name=compare.name) if compare and other else None
    _present(plist, comparison, fmt, output)


def _present(plist: Any, comparison: dict[str, Any] | None, fmt: Format,
             output: Path | None) -> None:
    from marketscout.commands.rank_view import show, show_summary

    if fmt is Format.table and output is None:
        show(plist, comparison)
        return
    from marketscout.reports import export  # the writers load only when a file is asked for

    if fmt is Format.xlsx:
        assert output is not None
        export.to_xlsx(plist, output, comparison)
    elif fmt is Format.json:
        emit(export.to_json(plist, comparison), output, quiet=True)
    elif fmt is Format.csv and output is not None:
        export.write_csv(plist, output, comparison)  # and FILE.meta.json beside it
    elif fmt is Format.csv:
        emit(export.to_csv(plist, comparison), None)
    else:
        from marketscout.commands.rank_view import to_text

        emit(to_text(plist, comparison), output, quiet=True)
    show_summary(plist, output)


def _read_list(path: Path) -> list[str]:
    from marketscout.sources.user import parse_list

    parsed = parse_list(path)
    return parsed.tables["priority_list"].sort_values("position")["market"].tolist()
