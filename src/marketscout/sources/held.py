"""What the store holds for each importable kind, with the sources it came from, so that a
user can check an import (`marketscout data show KIND`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store


@dataclass(frozen=True)
class View:
    """One kind's table, the columns shown (in order), how rows sort, and whether the rows
    belong to a home country."""

    table: str
    columns: tuple[str, ...]
    order: tuple[str, ...]
    home: bool = False
    where: str = ""
    brief: tuple[str, ...] = ()  # the columns of the terminal table (default: all)
    headers: tuple[tuple[str, str], ...] = ()  # column -> header in the users' words

    def table_columns(self) -> list[str]:
        return list(self.brief or self.columns)


VIEWS: dict[str, View] = {
    # GII: the overall score only (sub-indices and pillars are in the same table)
    "gii": View("gii", ("source_id", "iso3", "edition", "score", "rank"),
                ("source_id", "edition", "rank", "iso3"), where="code = 'GII'"),
    "imd": View("imd", ("source_id", "iso3", "year", "score", "rank", "n_economies"),
                ("source_id", "year", "rank", "iso3")),
    "fdi": View("fdi_inward", ("source_id", "home", "partner", "year", "value", "unit",
                               "basis"), ("source_id", "home", "year", "partner"), home=True,
                brief=("source_id", "home", "partner", "year", "value", "unit")),
    "exports": View("exports", ("source_id", "home", "partner", "year", "value", "unit"),
                    ("source_id", "home", "year", "partner"), home=True),
    "survey": View("survey", ("source_id", "association", "market", "position"),
                   ("source_id", "association", "position")),
    "list": View("priority_list", ("source_id", "list_name", "market", "tier", "position"),
                 ("source_id", "position", "market")),
    # risk: market, classification (0-7, blank = not classified), status, edition
    "risk": View("risk_rating", ("source_id", "iso3", "kind", "rating", "scale_min",
                                 "scale_max", "status", "edition", "year"),
                 ("source_id", "kind", "iso3"),
                 brief=("source_id", "iso3", "kind", "rating", "status", "edition"),
                 headers=(("iso3", "market"), ("rating", "classification"))),
    "tariff": View("tariff", ("source_id", "importer", "exporter", "product", "year", "rate"),
                   ("source_id", "importer", "product")),
    "ntm": View("ntm", ("source_id", "importer", "product", "year", "frequency"),
                ("source_id", "importer", "product")),
}


@dataclass(frozen=True)
class Held:
    """The rows of one kind, and the provenance of every source they come from."""

    kind: str
    rows: pd.DataFrame
    sources: tuple[Provenance, ...]

    def brief(self) -> pd.DataFrame:
        """The rows as the terminal shows them: fewer columns, headers in plain words."""
        view = VIEWS[self.kind]
        return self.rows[view.table_columns()].rename(columns=dict(view.headers))


def held(store: Store, kind: str, *, home: str | None = None,
         source: Sequence[str] = ()) -> Held:
    """The store's rows of `kind` (for one home country, where the kind has one; for some
    sources only), with their sources."""
    view = VIEWS.get(kind)
    if view is None:
        raise InputError(f"Unknown kind {kind!r}.", where="marketscout data show KIND",
                         fix=f"Use one of: {', '.join(VIEWS)}.")
    filters, params = ([view.where] if view.where else []), []
    if home and view.home:
        from marketscout.countries import to_iso3

        filters.append("home = ?")
        params.append(to_iso3(home, where="--home"))
    if source:
        filters.append(f"source_id IN ({', '.join('?' * len(source))})")
        params.extend(source)
    sql = (f"SELECT {', '.join(view.columns)} FROM {view.table}"
           + (f" WHERE {' AND '.join(filters)}" if filters else "")
           + f" ORDER BY {', '.join(view.order)}")
    rows = store.query(sql, params)
    ids = list(dict.fromkeys(rows["source_id"].astype(str)))
    return Held(kind, rows.reset_index(drop=True), store.provenance_of(ids))
