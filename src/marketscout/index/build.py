"""Build a composite index from indicator data, a framework and a recipe (COINr pipeline).

screen -> impute -> treat -> normalise (directions first) -> weight -> aggregate level by level
(with dat_thresh) -> rank (descending, ties "min", as COINr `rank_df`). Pure: no I/O.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from marketscout.errors import FrameworkError, InputError
from marketscout.index.aggregate import aggregate_rows
from marketscout.index.framework import Framework
from marketscout.index.impute import impute_frame, impute_panel
from marketscout.index.mcdm import promethee_ii, topsis
from marketscout.index.normalise import normalise_frame
from marketscout.index.recipe import Recipe
from marketscout.index.treat import treat
from marketscout.index.weights import ahp_weights, pca_weights

PANEL = {"panel_latest": "latest", "panel_linear": "linear", "panel_constant": "constant",
         "panel_linear_constant": "linear-constant"}


@dataclass(frozen=True)
class IndexResult:
    """Every stage of one build, indexed by uCode, plus the ranked results table."""

    results: pd.DataFrame          # uCode, [uName], Rank, Index, aggregates top-down, indicators
    raw: pd.DataFrame
    imputed: pd.DataFrame
    treated: pd.DataFrame
    normalised: pd.DataFrame
    aggregated: pd.DataFrame       # normalised indicators and every aggregate (COINr "Aggregated")
    treatment_log: pd.DataFrame    # iCode, Status, Winsorised, Skew, Kurt
    weights: pd.Series             # effective weight of every node as used (after pca/ahp/equal)
    framework: Framework           # the framework with the weights actually used
    recipe: Recipe
    screened_out: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def index(self) -> pd.Series:
        """Index scores by uCode, in the input unit order."""
        return self.aggregated[self.framework.index_code]

    @property
    def ranks(self) -> pd.Series:
        """Ranks by uCode (1 = best; ties share the smallest rank), in the input unit order."""
        return rank_scores(self.index)


def rank_scores(scores: pd.Series) -> pd.Series:
    """COINr `rank_df`: descending ranks with ties "min"; NaN scores get no rank."""
    return scores.rank(ascending=False, method="min")


def build_index(data: pd.DataFrame, framework: Framework,
                recipe: Recipe | None = None) -> IndexResult:
    """Run the whole COINr pipeline on iData (uCode, [uName], [Time], groups, indicators)."""
    recipe = recipe or Recipe()
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = _select_time(_check_data(data, framework), framework, recipe)
        raw = frame.set_index("uCode")[list(framework.indicators)].astype(float)
        kept, dropped = _screen(raw, recipe.screen_thresh)
        frame = frame[frame["uCode"].isin(kept.index)]
        imputed = _impute(kept, frame, recipe)
        treated, log = _treat(imputed, recipe)
        normalised = normalise_frame(treated, framework.directions, recipe.normalise,
                                     recipe.params_for_normalise(), list(treated.index))
        aggregated, used = _aggregate(normalised, framework, recipe)
    notes += [str(w.message) for w in caught]
    if dropped:
        notes.append(f"Screened out (data availability below {recipe.screen_thresh}): "
                     f"{', '.join(dropped)}")
    results = _results_table(frame, aggregated, used)
    return IndexResult(results=results, raw=raw, imputed=imputed, treated=treated,
                       normalised=normalised, aggregated=aggregated, treatment_log=log,
                       weights=used.effective_weights(), framework=used, recipe=recipe,
                       screened_out=tuple(dropped), warnings=tuple(dict.fromkeys(notes)))


def _check_data(data: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    if "uCode" not in data.columns:
        raise InputError("iData has no uCode column.", where="iData, header row",
                         fix="Add a uCode column with one code per unit.")
    missing = [c for c in framework.indicators if c not in data.columns]
    if missing:
        raise InputError(f"iData lacks indicator column(s) {', '.join(missing)} named in iMeta.",
                         where="iData, header row",
                         fix="Add the columns, or remove the indicators from iMeta.")
    keys = ["uCode", "Time"] if "Time" in data.columns else ["uCode"]
    dup = data.duplicated(subset=keys, keep=False)
    if dup.any():
        first = data.loc[dup, keys].iloc[0].tolist()
        raise InputError(f"iData repeats {' + '.join(keys)} {first}.",
                         where=f"iData, row {int(np.flatnonzero(dup.to_numpy())[0]) + 2}",
                         fix="Keep one row per unit (and time).")
    return data.reset_index(drop=True)


def _select_time(data: pd.DataFrame, framework: Framework, recipe: Recipe) -> pd.DataFrame:
    """Panel data: impute along time if asked, then keep one time point (default the latest)."""
    if "Time" not in data.columns:
        if recipe.impute in PANEL:
            raise FrameworkError(f"impute = {recipe.impute!r} needs a Time column in iData.",
                                 where="recipe, key 'impute'", fix="Use mean or median instead.")
        return data
    if recipe.impute in PANEL:
        data = impute_panel(data, list(framework.indicators), imp_type=PANEL[recipe.impute],
                            max_time=recipe.max_time)
    time = recipe.time if recipe.time is not None else data["Time"].max()
    chosen = data[data["Time"] == time]
    if chosen.empty:
        raise FrameworkError(f"No iData rows for Time {time}.", where="recipe, key 'time'",
                             fix=f"Use one of: {sorted(data['Time'].unique().tolist())}.")
    return chosen.reset_index(drop=True)


def _screen(raw: pd.DataFrame, thresh: float | None) -> tuple[pd.DataFrame, list[str]]:
    """COINr `Screen(unit_screen = "byNA")`: drop units whose data availability is below thresh."""
    if thresh is None:
        return raw, []
    avail = raw.notna().mean(axis=1)
    keep = avail >= thresh
    if not keep.any():
        raise FrameworkError(f"Screening with screen_thresh = {thresh} removes every unit.",
                             where="recipe, key 'screen_thresh'", fix="Lower the threshold.")
    return raw[keep], [str(u) for u in raw.index[~keep]]


def _impute(raw: pd.DataFrame, frame: pd.DataFrame, recipe: Recipe) -> pd.DataFrame:
    if recipe.impute == "none" or recipe.impute in PANEL:
        return raw.copy()
    groups = None
    if recipe.impute_group is not None:
        if recipe.impute_group not in frame.columns:
            raise FrameworkError(f"Group column '{recipe.impute_group}' is not in iData.",
                                 where="recipe, key 'impute_group'",
                                 fix=f"Use one of the iData columns: {', '.join(frame.columns)}.")
        groups = frame.set_index("uCode")[recipe.impute_group].reindex(raw.index)
        groups = groups.where(groups.astype(str).str.strip() != "")
    return impute_frame(raw, recipe.impute, groups)


def _treat(imputed: pd.DataFrame, recipe: Recipe) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Winsorise/transform each indicator as COINr `Treat`; NaN are kept in place."""
    rows, out = [], imputed.copy()
    for code in imputed.columns:
        # a copy: to_numpy can return a view of `imputed`, which must keep the imputed values
        x = imputed[code].to_numpy(dtype=float, copy=True)
        if recipe.treat == "none":
            rows.append({"iCode": code, "Status": "none", "Winsorised": 0})
            continue
        ok = ~np.isnan(x)
        t = treat(x[ok], winmax=recipe.winmax, skew_thresh=recipe.skew,
                  kurt_thresh=recipe.kurt, f2=recipe.treat_f2, force_win=recipe.force_win)
        x[ok] = t.x
        out[code] = x
        rows.append({"iCode": code, "Status": t.status, "Winsorised": t.nwin,
                     "Skew": t.skew, "Kurt": t.kurt})
    return out, pd.DataFrame(rows)


def _aggregate(normalised: pd.DataFrame, framework: Framework,
               recipe: Recipe) -> tuple[pd.DataFrame, Framework]:
    """Aggregate level by level; returns all scores and the framework with the weights used."""
    scores = normalised.copy()
    children: tuple[str, ...] = framework.indicators
    top = len(framework.levels) + 1
    for depth, level in enumerate(framework.levels, start=2):
        child_scores = scores[list(children)].to_numpy(dtype=float)
        framework = _weighted(framework, recipe, depth, child_scores)
        membership = framework.levels[depth - 2].membership
        method = recipe.level_aggregator(depth, top)
        for j, parent in enumerate(level.codes):
            members = [i for i, c in enumerate(children) if framework.parents.get(c) == parent]
            scores[parent] = _aggregate_group(child_scores[:, members], membership[members, j],
                                              method, recipe, parent)
        children = level.codes
    return scores, framework


def _aggregate_group(x: np.ndarray, w: np.ndarray, method: str, recipe: Recipe,
                     parent: str) -> np.ndarray:
    where = f"aggregation of '{parent}'"
    if method not in ("topsis", "promethee"):
        return aggregate_rows(x, w, method, recipe.aggregate_params,
                              dat_thresh=recipe.dat_thresh, where=where)
    out = np.full(x.shape[0], np.nan)
    complete = ~np.isnan(x).any(axis=1)
    if not complete.all():
        warnings.warn(f"{method}: {int((~complete).sum())} unit(s) with missing components "
                      f"of '{parent}' get no score.", stacklevel=2)
    p = dict(recipe.aggregate_params)
    if method == "topsis":
        out[complete] = topsis(x[complete], w)
    else:
        out[complete] = promethee_ii(x[complete], w, kind=str(p.get("preference", "usual")),
                                     p=p.get("p"), q=p.get("q"), s=p.get("s"))
    return out


def _weighted(framework: Framework, recipe: Recipe, depth: int,
              child_scores: np.ndarray) -> Framework:
    """The framework with this level's weights replaced as the recipe's weighting asks."""
    if recipe.weighting == "given":
        return framework
    new: dict[str, float] = {}
    children = framework.level_codes(depth - 1)
    for parent in framework.level_codes(depth):
        members = [i for i, c in enumerate(children) if framework.parents.get(c) == parent]
        w = _group_weights(recipe, parent, child_scores[:, members], len(members))
        if np.isnan(w).all():  # AHP without a matrix for this group: keep the given weights
            continue
        new.update({children[i]: float(v) for i, v in zip(members, w, strict=True)})
    return framework.with_weights(new)


def _group_weights(recipe: Recipe, parent: str, x: np.ndarray, n: int) -> np.ndarray:
    if recipe.weighting == "equal":
        return np.ones(n)
    if recipe.weighting == "pca":
        w = pca_weights(x)
        if np.any(w < 0):
            warnings.warn(f"PCA weights for '{parent}' include negative loadings.", stacklevel=2)
        return w
    matrices = recipe.weighting_params
    if parent not in matrices:  # AHP: groups without a matrix keep their given weights
        return np.full(n, np.nan)
    result = ahp_weights(np.asarray(matrices[parent], dtype=float))
    if len(result.weights) != n:
        raise FrameworkError(f"The AHP matrix for '{parent}' is {len(result.weights)}x"
                             f"{len(result.weights)} but '{parent}' has {n} children.",
                             where=f"recipe, key 'weighting_params.{parent}'",
                             fix="Order rows and columns as the children appear in iMeta.")
    if result.cr > 0.1:
        warnings.warn(f"AHP matrix for '{parent}' has CR = {result.cr:.3f} > 0.10.",
                      stacklevel=2)
    return result.weights


def _results_table(frame: pd.DataFrame, aggregated: pd.DataFrame,
                   framework: Framework) -> pd.DataFrame:
    """COINr's full results table: one row per unit, best first."""
    index_code = framework.index_code
    aggregates = [c for level in reversed(framework.levels) for c in level.codes
                  if c != index_code]
    table = pd.DataFrame({"uCode": aggregated.index.astype(str)})
    if "uName" in frame.columns:
        table["uName"] = frame.set_index("uCode")["uName"].reindex(aggregated.index).to_numpy()
    table["Rank"] = rank_scores(aggregated[index_code]).to_numpy()
    table["Index"] = aggregated[index_code].to_numpy()
    for code in (*aggregates, *framework.indicators):
        table[code] = aggregated[code].to_numpy()
    order = np.argsort(table["Rank"].fillna(np.inf).to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)
