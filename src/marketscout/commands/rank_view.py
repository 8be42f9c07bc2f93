"""The priority list on the terminal: a Rich table plus sources, omissions and warnings."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from marketscout.commands._common import console
from marketscout.priority import PriorityList

TIER_STYLE = {"core": "bold green", "likely": "green", "watch": "yellow", "": "dim"}


def show(plist: PriorityList, comparison: dict[str, Any] | None = None) -> None:
    """Print the selected markets (and the next few), then sources and caveats."""
    o = plist.options
    table = Table(title=f"Priority markets for {plist.home}: top {o.top} of "
                        f"{len(plist.markets)} ranked ({o.runs} Monte Carlo runs)")
    for col in ("rank", "market", "score", "90% interval", f"P(top {o.top})", "tier",
                *(c.id for c in plist.used)):
        table.add_column(col, justify="left" if col in ("market", "tier") else "right",
                         no_wrap=col == "market", max_width=18 if col == "market" else None,
                         overflow="ellipsis")
    shown = plist.markets[plist.markets["rank"] <= o.top + 5]
    for _, r in shown.iterrows():
        style = TIER_STYLE[r["tier"]] if r["rank"] <= o.top else "dim"
        table.add_row(
            str(int(r["rank"])), str(r["market"]), f"{r['score']:.1f}",
            f"{r['rank_q05']:.0f}-{r['rank_q95']:.0f}", f"{r['p_top']:.2f}", r["tier"] or "-",
            *(_contribution(r, c.id) for c in plist.used), style=style,
        )
    console.print(table)
    console.print("Criterion columns: contribution to the score (n/a: no data). Raw and "
                  "normalised values: --format csv, json or xlsx.")
    for c in plist.used:
        console.print(f"  [bold]{c.id}[/]: {c.name}; {c.source} ({c.year}); "
                      f"{c.n_covered}/{c.n_candidates} markets", highlight=False)
    recipe, spec = o.recipe, o.spec
    console.print(
        f"Method: treatment {recipe.treat}, normalisation {recipe.normalise} "
        f"{tuple(recipe.params_for_normalise().get('range', ()))}, aggregation "
        f"{recipe.aggregate}; {o.runs} runs (seed {o.seed}) with weights "
        f"±{spec.weight_noise:.0%} and aggregation "
        f"{' / '.join(spec.aggregate_alternatives) or recipe.aggregate}. "
        "See docs/methodology.md.",
        highlight=False,
    )
    for w in plist.warnings:
        console.print(f"[yellow]Warning:[/] {w}", highlight=False)
    for c, _why in plist.left_out:
        console.print(f"  [dim]{c.id}: {c.how_to_get}[/]", highlight=False)
    if comparison:
        _show_comparison(comparison)


def _contribution(row: Any, cid: str) -> str:
    if row[f"{cid}_value"] != row[f"{cid}_value"]:
        return "n/a"
    return f"{row[f'{cid}_contribution']:.1f}"


def _show_comparison(comparison: dict[str, Any]) -> None:
    console.print(f"\n[bold]Compared with {comparison['name']}[/]: "
                  f"{len(comparison['overlap'])} markets in both", highlight=False)
    for kind, label in (("entries", "new"), ("exits", "dropped")):
        for r in comparison[kind]:
            why = ", ".join(r["drivers"]) or "-"
            console.print(f"  {label}: {r['market']} (rank {r['rank']}): {why}", highlight=False)
