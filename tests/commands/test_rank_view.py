"""The priority list on the terminal (`marketscout rank`'s default output), on a hand-made
list: the headline first, every market with a tier or an override shown, nothing cut at 80
columns, commands on lines of their own."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from marketscout import priority
from marketscout.commands.rank_view import show, shown_rows
from marketscout.criteria.base import Criterion
from marketscout.index.recipe import Recipe
from marketscout.index.spec import UncertaintySpec
from marketscout.priority.options import Override
from marketscout.provenance import Provenance

MARKETS = ["AUT", "BEL", "CAN", "DNK", "EST", "FIN", "GRC", "HUN", "IRL", "ITA"]


def crit(cid: str, values: list[float], how: str = "") -> Criterion:
    source = Provenance(source_id=f"src_{cid}", title=f"{cid} table", publisher="Publisher",
                        url="u", licence="l", edition="2023")
    return Criterion(id=cid, name=f"criterion {cid}", unit="projects", direction=1,
                     year="2023", sources=(source,) if values else (), how_to_get=how,
                     values=pd.Series(values or [np.nan] * len(MARKETS),
                                      index=pd.Index(MARKETS, name="iso3"), dtype=float),
                     label=f"{cid} 2023")


def plist(**kw: object) -> priority.PriorityList:
    found = [crit("innovation", [float(v) for v in range(10, 20)]),
             crit("horizon", [5.0, 1, 9, 3, 8, 2, 7, 4, 6, np.nan]),
             crit("digital", [], how="Import it: `marketscout data import imd FILE` and "
                  "then `marketscout rank --home LTU --edition digital=2024`.")]
    options = priority.Options(top=3, runs=200, seed=3, recipe=Recipe(
        normalise="minmax", normalise_params={"range": (1.0, 100.0)}),
        spec=UncertaintySpec(weight_noise=0.25))
    return priority.build_priority_list("LTU", found, replace(options, **kw))  # type: ignore[arg-type]


def render(p: priority.PriorityList, width: int = 80) -> str:
    out = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    show(p, None, out)
    return out.export_text()


def test_the_headline_comes_first_and_names_every_criterion_used() -> None:
    text = render(plist())
    first = text.splitlines()[0]
    assert first.startswith("2 of 7 criteria: innovation 2023, horizon 2023.")


@pytest.mark.parametrize("width", [80, 120])
def test_nothing_is_cut_at_the_width(width: int) -> None:
    text = render(plist(), width)
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())
    # the command in the hint is printed whole, on its own line (it may run past the width)
    lines = [line.strip() for line in text.splitlines()]
    assert "marketscout data import imd FILE" in lines
    assert "marketscout rank --home LTU --edition digital=2024" in lines


def test_every_market_with_a_tier_or_an_override_is_shown() -> None:
    p = plist(overrides=(Override("AUT", "include", "a strategic partner"),))
    shown = shown_rows(p)
    with_tier = p.markets[(p.markets["tier"] != "") | (p.markets["override"] != "")]
    assert set(with_tier["iso3"]) <= set(shown["iso3"])
    text = render(p)
    assert "included*" in text and "a strategic partner" in text
    assert "Austria" in text


def test_markets_not_ranked_are_listed() -> None:
    # ITA has no horizon value and AUT no innovation value: 1 of 2 criteria, needs 2
    innovation = crit("innovation", [np.nan, *[float(v) for v in range(11, 20)]])
    horizon = crit("horizon", [5.0, 1, 9, 3, 8, 2, 7, 4, 6, np.nan])
    p = priority.build_priority_list("LTU", [innovation, horizon], plist().options)
    text = render(p)
    assert "Not ranked (2;" in text and "Austria" in text and "Italy" in text


def test_a_wide_terminal_gets_one_table_and_a_narrow_one_two() -> None:
    assert "Contribution of each criterion" in render(plist(), 60)
    assert "Contribution of each criterion" not in render(plist(), 160)


def test_a_long_monte_carlo_run_says_it_is_working(
        run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.commands import rank as rank_command

    code, _, err = run("rank", "--home", "LTU", "--runs", "200")
    assert code == 0 and "Monte Carlo runs ..." not in err  # a short run: nothing to say
    monkeypatch.setattr(rank_command, "SLOW_RUNS", 200)  # 200 runs now count as slow
    code, out, err = run("rank", "--home", "LTU", "--runs", "200")
    assert code == 0 and "Ranking with 200 Monte Carlo runs ..." in err
    assert "Monte Carlo runs ..." not in out  # never on standard output


def test_terminal_tables_show_years_without_thousands_separators() -> None:
    from marketscout.commands._common import rich_table

    frame = pd.DataFrame({"year of value": [2025.0, np.nan, "2019-2022"],
                          "value": [2025.0, 12345.0, 1.5]})
    buf = io.StringIO()
    Console(file=buf, width=120).print(rich_table(frame))
    text = buf.getvalue()
    assert "2025 " in text and "2,025 " in text  # the year bare, the value with its separator
    assert "2019-2022" in text and "12,345" in text


def test_wide_table_fits_exactly_when_its_rendered_lines_do() -> None:
    """`_fits` measures instead of rendering; the reference is the rendered text's width."""
    from marketscout.commands.rank_view import _fits, _main_table

    table = _main_table(plist(), with_criteria=True)
    probe = Console(width=1000, file=io.StringIO(), record=True, color_system=None)
    probe.print(table)
    width = max(map(len, probe.export_text().splitlines()))
    assert _fits(Console(width=width, file=io.StringIO()), table)
    assert not _fits(Console(width=width - 1, file=io.StringIO()), table)
