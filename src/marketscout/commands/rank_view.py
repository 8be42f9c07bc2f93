"""The priority list on the terminal: the headline first, the list (every market with a tier
or an override), sources, method, warnings, overrides and the markets not ranked.

Nothing a user must act on is cut: tables split rather than truncate, and commands are
printed on lines of their own that never wrap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from marketscout.commands._common import console, err_console
from marketscout.priority.build import PriorityList

TIER_STYLE = {"core": "bold green", "likely": "green", "watch": "yellow", "": "dim"}
COMMAND = re.compile(r"`([^`]+)`")


def shown_rows(plist: PriorityList) -> Any:
    """The list, the next five, and every other market with a tier or an override."""
    m = plist.markets
    near = m["rank"] <= plist.options.top + 5
    keep = near | m["selected"] | (m["tier"] != "") | (m["override"] != "")
    return m[keep]


def _main_table(plist: PriorityList, with_criteria: bool) -> Table:
    o = plist.options
    table = Table(title=f"Priority markets for {plist.home}", title_justify="left",
                  box=None, header_style="bold", pad_edge=False)
    heads = ["#", "market", "score", "90% interval", f"P(top {o.top})", "tier", "list"]
    if with_criteria:
        heads += [c.id for c in plist.used]
    for h in heads:
        table.add_column(h, justify="left" if h in ("market", "tier", "list") else "right",
                         min_width=len(h) if h != "market" else 14, overflow="fold")
    for _, r in shown_rows(plist).iterrows():
        ranked = r["rank"] == r["rank"]
        style = TIER_STYLE[r["tier"]] if r["selected"] else "dim"
        cells = [f"{int(r['rank'])}" if ranked else "-", str(r["market"]),
                 f"{r['score']:.1f}" if ranked else "-",
                 f"{r['rank_q05']:.0f}-{r['rank_q95']:.0f}" if ranked else "-",
                 f"{r['p_top']:.1%}" if ranked else "-", r["tier"] or "-", _list_cell(r)]
        if with_criteria:
            cells += [_contribution(r, c.id) for c in plist.used]
        table.add_row(*cells, style=style)
    return table


def _list_cell(row: Any) -> str:
    if row["override"] == "include":
        return "included*"
    if row["override"] == "exclude":
        return "excluded*"
    return f"{int(row['position'])}" if row["selected"] else ""


def _contribution(row: Any, cid: str) -> str:
    if row[f"{cid}_value"] != row[f"{cid}_value"]:
        return "n/a"
    return f"{row[f'{cid}_contribution']:.1f}"


def _contributions_table(plist: PriorityList) -> Table:
    table = Table(title="Contribution of each criterion to the score (points)",
                  title_justify="left", box=None, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("market", min_width=12, overflow="fold")
    for c in plist.used:
        table.add_column(c.id, justify="right", min_width=len(c.id))
    for _, r in shown_rows(plist).iterrows():
        if r["rank"] != r["rank"]:
            continue
        table.add_row(f"{int(r['rank'])}", str(r["market"]),
                      *(_contribution(r, c.id) for c in plist.used))
    return table


def _fits(out: Console, table: Table) -> bool:
    """Whether the table prints within the console's width without folding a cell: its
    natural (widest) width, from the lengths of its cells (our tables have no borders and
    plain-text cells; anything else is measured by Rich, at about four times the cost)."""
    from rich.cells import cell_len

    cells = [[c.header, *c.cells] for c in table.columns]
    if table.box is not None or not all(isinstance(x, str) for col in cells for x in col):
        from rich.measure import Measurement

        probe = Console(width=1000, color_system=None)
        return Measurement.get(probe, probe.options, table).maximum <= out.width
    _, right, _, left = table.padding
    widths = [max(c.min_width or 0, *(cell_len(str(x)) for x in col)) + left + right
              for c, col in zip(table.columns, cells, strict=True)]
    edges = 0 if table.pad_edge else left + right
    return sum(widths) - edges <= out.width


def show(plist: PriorityList, comparison: dict[str, Any] | None = None,
         out: Console = console) -> None:
    """Print the whole list with its explanations."""
    out.print(f"[bold]{plist.headline}[/]", highlight=False)
    wide = _main_table(plist, with_criteria=True)
    if _fits(out, wide):
        out.print(wide)
    else:
        out.print(_main_table(plist, with_criteria=False))
        out.print(_contributions_table(plist))
    out.print("list: position on the final list; * an override (see below). Raw and "
              "normalised values: --format csv, json or xlsx.", highlight=False)
    _sources(plist, out)
    _method(plist, out)
    _notes(plist, out)
    if comparison:
        show_comparison(comparison, out)


def _sources(plist: PriorityList, out: Console) -> None:
    out.print("[bold]Criteria used[/]")
    for c in plist.used:
        out.print(f"  {c.id}: {c.name} ({c.unit}); {c.source}; reference period {c.year}; "
                  f"{c.n_covered}/{c.n_candidates} markets", highlight=False)
        for note in c.notes:
            out.print(f"    {note}", highlight=False, style="dim")


def _method(plist: PriorityList, out: Console) -> None:
    o, recipe = plist.options, plist.options.recipe
    out.print(
        f"[bold]Method[/]: treatment {recipe.treat}, normalisation {recipe.normalise} "
        f"{tuple(recipe.params_for_normalise().get('range', ()))}, aggregation "
        f"{recipe.aggregate}; tiers from {o.runs} runs (seed {o.seed}) with weights "
        f"±{o.spec.weight_noise:.0%}: core ≥ {o.tiers[0]:.0%}, likely ≥ {o.tiers[1]:.0%}, "
        f"watch ≥ {o.tiers[2]:.0%} of runs on the list. See docs/methodology.md.",
        highlight=False)
    for method, (entries, exits) in plist.scenario_changes().items():
        if not entries and not exits:
            out.print(f"  Scenario {method}: the same {plist.options.top} markets.",
                      highlight=False)
            continue
        out.print(f"  Scenario {method} aggregation: {len(entries)} in "
                  f"({', '.join(entries) or '-'}), {len(exits)} out "
                  f"({', '.join(exits) or '-'}).", highlight=False)


def _notes(plist: PriorityList, out: Console) -> None:
    for w in plist.warnings:
        out.print(f"[yellow]Warning:[/] {w}", highlight=False)
    for c, _why in plist.left_out:
        hint = COMMAND.sub(r"\1", c.how_to_get)
        out.print(f"  [dim]{c.id}: {hint.split(':', 1)[0]}:[/]", highlight=False)
        for command in COMMAND.findall(c.how_to_get):
            out.print(f"    {command}", highlight=False, soft_wrap=True)
    if len(plist.not_ranked):
        names = ", ".join(plist.not_ranked["market"])
        out.print(f"[bold]Not ranked[/] ({len(plist.not_ranked)}; reasons in --format csv, "
                  f"json or xlsx): {names}", highlight=False)


def show_comparison(comparison: dict[str, Any], out: Console = console) -> None:
    out.print(f"\n[bold]Compared with {comparison['name']}[/]: "
              f"{len(comparison['overlap'])} markets in both", highlight=False)
    for w in comparison.get("warnings", []):
        out.print(f"[yellow]Warning:[/] {w}", highlight=False)
    for kind, label in (("entries", "new on this list"), ("exits", "not on this list")):
        for r in comparison[kind]:
            out.print(f"  {label}: {r['market']}: {'; '.join(r['drivers'])}", highlight=False)


def to_text(plist: PriorityList, comparison: dict[str, Any] | None = None) -> str:
    """The terminal view as plain text (for `--format table --output FILE`)."""
    import io

    buffer = Console(record=True, width=120, file=io.StringIO(), color_system=None)
    show(plist, comparison, buffer)
    return buffer.export_text()


def show_summary(plist: PriorityList, output: Path | None) -> None:
    """On the terminal (standard error) when the list went to a file or a pipe: headline,
    warnings, and where it went."""
    out = err_console
    out.print(f"[bold]{plist.headline}[/]", highlight=False)
    for w in plist.warnings:
        out.print(f"[yellow]Warning:[/] {w}", highlight=False)
    if output is not None:
        first = plist.markets.set_index("iso3").loc[plist.selected[:3], "market"]
        out.print(f"Wrote {output}: {len(plist.selected)} markets on the list, first "
                  f"{', '.join(first)}.", highlight=False, soft_wrap=True)  # path never cut
        if output.suffix.lower() == ".csv":
            out.print(f"Sources, method and warnings: {output.name}.meta.json", highlight=False)
