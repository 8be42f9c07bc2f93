"""`marketscout index uncertainty`: how stable are the ranks when the method's choices vary?"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from marketscout.commands import index_app
from marketscout.commands._common import SLOW_RUNS, working
from marketscout.errors import InputError


def _names(text: str | None) -> tuple[str, ...]:
    """A comma-separated list as a tuple of stripped, non-empty names."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _whole_numbers(text: str | None, option: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in _names(text))
    except ValueError as exc:
        raise InputError(f"{option} needs whole numbers separated by commas, got {text!r}.",
                         where=option, fix=f"For example {option} 3,5,8") from exc


@index_app.command("uncertainty")
def uncertainty(
    data: Path = typer.Option(..., "--data", help="iData CSV: uCode, uName (optional), "
                                                  "indicators."),
    meta: Path = typer.Option(..., "--meta", help="iMeta CSV (the indicator tree)."),
    recipe: Path | None = typer.Option(None, "--recipe", help="Recipe TOML (nominal choices)."),
    runs: int = typer.Option(1000, "--runs", help="Monte Carlo replications (with "
                             "--sensitivity also the base sample N of N(d+2) runs)."),
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed repeats the runs."),
    weight_noise: float = typer.Option(0.25, "--weight-noise",
                                       help="Weight noise f: w' = w(1 + f U(-1,1)); 0 = off."),
    noise_levels: str | None = typer.Option(None, "--noise-levels", help="Levels whose "
                                            "weights get noise, e.g. 2,3 (default: all)."),
    normalise_alternatives: str | None = typer.Option(
        None, "--normalise-alternatives", help="e.g. minmax,zscore,rank"),
    aggregate_alternatives: str | None = typer.Option(
        None, "--aggregate-alternatives", help="e.g. amean,gmean"),
    impute_alternatives: str | None = typer.Option(
        None, "--impute-alternatives", help="e.g. none,mean"),
    winmax_alternatives: str | None = typer.Option(
        None, "--winmax-alternatives", help="e.g. 3,5,8 (needs treat = winsorise)"),
    top: int | None = typer.Option(None, "--top", help="Add each unit's share of runs in "
                                   "the top N."),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="Also estimate Si and STi "
                                     "of each varied input (printed; see --sensitivity-output)."),
    boot: int = typer.Option(100, "--boot", help="Bootstrap draws for the Si/STi intervals."),
    sensitivity_output: Path | None = typer.Option(None, "--sensitivity-output",
                                                   help="Write the Si/STi table to this CSV."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Rank statistics CSV (default: standard output)."),
) -> None:
    """Rank statistics per unit over Monte Carlo replications: nominal, mean, median, 5% and
    95% ranks, and the mean absolute rank shift (see docs/robustness.md)."""
    from marketscout.index.load import load_framework, load_idata  # pandas: only when run
    from marketscout.index.recipe import Recipe, recipe_from_toml
    from marketscout.index.robustness import (
        UncertaintySpec,
        prob_top,
        run_sensitivity,
        run_uncertainty,
    )

    framework = load_framework(meta)
    frame = load_idata(data, framework)
    nominal = recipe_from_toml(recipe) if recipe else Recipe()
    spec = UncertaintySpec(
        weight_noise=weight_noise,
        noise_levels=_whole_numbers(noise_levels, "--noise-levels") or None,
        normalise_alternatives=_names(normalise_alternatives),
        aggregate_alternatives=_names(aggregate_alternatives),
        impute_alternatives=_names(impute_alternatives),
        winmax_alternatives=_whole_numbers(winmax_alternatives, "--winmax-alternatives"))
    with working(f"{runs:,} Monte Carlo runs", slow=runs >= SLOW_RUNS):
        result = run_uncertainty(frame, framework, nominal, spec, runs, seed)
    table = result.summary()
    if top is not None:
        table = table.merge(prob_top(result, top).reset_index(), on="uCode", how="left")
    typer.echo(f"{int(result.failed.sum())} of {runs} runs failed (NA ranks, as COINr).",
               err=True)
    table.to_csv(output if output else sys.stdout, index=False)
    if sensitivity:
        with working(f"Sensitivity indices from {runs:,} base runs", slow=runs >= SLOW_RUNS // 10):
            indices = run_sensitivity(frame, framework, nominal, spec, runs, seed, n_boot=boot)
        typer.echo(indices.to_string(index=False), err=True)
        if sensitivity_output:
            indices.to_csv(sensitivity_output, index=False)
