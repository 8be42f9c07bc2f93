"""The call's two tables: proposals (one row per partner) and reviewers' scores.

Both are CSV or Excel (.xlsx), checked in full before anything is computed; every error names
the file, the spreadsheet row (header = row 1) and the column. Columns are matched without
regard to case; the accepted headers are listed in docs/calls.md ('Files').
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from marketscout.calls.model import ORG_NAMES, ORG_TYPES, Call
from marketscout.sources.table import UserTable

# Accepted headers per column, the documented name first.
PROPOSAL = ("proposal", "proposal id", "acronym")
TITLE = ("title", "proposal title")
PARTNER = ("partner", "organisation", "organization")
COUNTRY = ("country", "iso3")
ORG_TYPE = ("type", "organisation type", "organization type")
REQUESTED = ("requested", "requested amount", "eligible costs", "costs")
REVIEWER = ("reviewer", "evaluator", "expert")
CRITERION = ("criterion",)
SCORE = ("score",)
CONFLICT = ("conflict", "conflict of interest", "coi")

# Spellings of organisation types seen in call forms, mapped to the four the model knows.
ORG_ALIASES = {
    **{t: t for t in ORG_TYPES},
    "small or medium-sized enterprise": "sme", "small and medium-sized enterprise": "sme",
    "small and medium enterprise": "sme", "small or medium enterprise": "sme",
    "large company": "large", "large enterprise": "large", "le": "large",
    "research organisation": "research", "research organization": "research",
    "research institute": "research", "rto": "research", "ro": "research",
    "higher education": "university", "higher education institution": "university",
    "hei": "university", "uni": "university",
}
YES = {"yes", "y", "true", "1", "x", "coi", "conflict"}
NO = {"", "no", "n", "false", "0", "-"}


@dataclass(frozen=True)
class Partner:
    """One consortium partner as written in the proposals file."""

    name: str
    country: str
    org_type: str
    requested: float
    row: int


@dataclass(frozen=True)
class Proposal:
    """A proposal and its consortium, in file order."""

    id: str
    title: str
    partners: tuple[Partner, ...]
    row: int


def read_proposals(path: Path | str, sheet: str | None = None) -> tuple[Proposal, ...]:
    """Proposals with their partners; negative amounts, unknown countries or types raise."""
    table = UserTable.read(path, sheet)
    cols = {"proposal": table.column(*PROPOSAL), "partner": table.column(*PARTNER),
            "country": table.column(*COUNTRY), "type": table.column(*ORG_TYPE),
            "requested": table.column(*REQUESTED)}
    title_col = table.find(*TITLE)
    frame = pd.DataFrame({
        "proposal": table.text(cols["proposal"]),
        "partner": table.text(cols["partner"]),
        "country": table.countries(cols["country"]),
        "type": _org_types(table, cols["type"]),
        "requested": _amounts(table, cols["requested"]),
        "title": table.text(title_col, required=False) if title_col else None,
    })
    table.reject_duplicates(frame.rename(columns={"proposal": cols["proposal"],
                                                  "partner": cols["partner"]}),
                            [cols["proposal"], cols["partner"]])
    return _group(frame, table, title_col)


def _org_types(table: UserTable, column: str) -> pd.Series:
    cells = table.text(column)
    keys = cells.map(lambda c: " ".join(str(c).lower().replace("_", " ").split()))
    for row, cell, key in zip(keys.index.tolist(), cells.tolist(), keys.tolist(), strict=True):
        if key not in ORG_ALIASES:
            close = difflib.get_close_matches(key, list(ORG_ALIASES), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            table.fail(f"Unknown organisation type {cell!r}.{hint}", int(row), column,
                       "Use one of: " + ", ".join(f"{t} ({ORG_NAMES[t]})" for t in ORG_TYPES)
                       + ".")
    return keys.map(ORG_ALIASES)


def _amounts(table: UserTable, column: str) -> pd.Series:
    values = table.numbers(column)
    negative = values[values < 0]
    if not negative.empty:
        row = int(negative.index[0])
        table.fail(f"Negative requested amount {table.frame.loc[row, column]!r}.", row, column,
                   "Write the partner's requested amount (its eligible costs) as zero or more.")
    return values


def _group(frame: pd.DataFrame, table: UserTable, title_col: str | None
           ) -> tuple[Proposal, ...]:
    """Partners gathered per proposal in file order; one title per proposal."""
    partners: dict[str, list[Partner]] = {}
    titles: dict[str, str] = {}
    titles_col = frame["title"].tolist() if title_col else [None] * len(frame)
    for row, pid, name, country, org, amount, title in zip(
            frame.index.tolist(), frame["proposal"].tolist(), frame["partner"].tolist(),
            frame["country"].tolist(), frame["type"].tolist(), frame["requested"].tolist(),
            titles_col, strict=True):
        partners.setdefault(pid, []).append(Partner(name, country, org, float(amount), row))
        if isinstance(title, str) and title:
            first = titles.setdefault(pid, title)
            if first != title:
                table.fail(f"Proposal {pid!r} has two titles: {first!r} and {title!r}.", row,
                           title_col, "Write the same title on every row of a proposal (or "
                           "only on its first).")
    return tuple(Proposal(pid, titles.get(pid, ""), tuple(found), found[0].row)
                 for pid, found in partners.items())


def read_scores(path: Path | str, call: Call, proposals: tuple[Proposal, ...],
                sheet: str | None = None) -> pd.DataFrame:
    """Scores as a frame (reviewer, proposal, criterion, score, conflict) indexed by row.

    Conflicted scores raise here when the call's rule is `conflict = "error"`; a conflict
    declared on any row of a (reviewer, proposal) pair covers all that pair's rows.
    """
    table = UserTable.read(path, sheet)
    cols = {"reviewer": table.column(*REVIEWER), "proposal": table.column(*PROPOSAL),
            "criterion": table.column(*CRITERION), "score": table.column(*SCORE)}
    conflict_col = table.find(*CONFLICT)
    frame = pd.DataFrame({
        "reviewer": table.text(cols["reviewer"]),
        "proposal": table.text(cols["proposal"]),
        "criterion": table.text(cols["criterion"]),
        "conflict": _flags(table, conflict_col) if conflict_col else False,
    })
    _known(table, frame["proposal"], [p.id for p in proposals], cols["proposal"], "proposal")
    _known(table, frame["criterion"], [c.id for c in call.evaluation.criteria],
           cols["criterion"], "criterion")
    pair = frame.groupby(["reviewer", "proposal"])["conflict"].transform("any")
    frame["conflict"] = pair.astype(bool)
    frame["score"] = _scores(table, cols["score"], call, frame["conflict"])
    if call.evaluation.conflict == "error":
        _reject_conflicted(table, frame, cols["score"])
    table.reject_duplicates(
        frame.rename(columns={k: cols[k] for k in ("reviewer", "proposal", "criterion")}),
        [cols["reviewer"], cols["proposal"], cols["criterion"]])
    return frame


def _flags(table: UserTable, column: str) -> pd.Series:
    raw = table.frame[column]
    cells = raw.str.strip().str.lower()
    for row, cell, written in zip(cells.index.tolist(), cells.tolist(), raw.tolist(),
                                  strict=True):
        if cell not in YES | NO:
            table.fail(f"Unexpected conflict-of-interest flag {written!r}.", int(row), column,
                       "Write yes or no (blank means no).")
    return cells.isin(YES)


def _known(table: UserTable, cells: pd.Series, known: list[str], column: str, what: str) -> None:
    unknown = cells[~cells.isin(known)]
    if not unknown.empty:
        row, value = int(unknown.index[0]), str(unknown.iloc[0])
        close = difflib.get_close_matches(value, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        source = "the proposals file" if what == "proposal" else "the call's [[criterion]] ids"
        table.fail(f"Unknown {what} {value!r}: it is not in {source}.{hint}", row, column,
                   f"Use a {what} id from {source}.")


def _scores(table: UserTable, column: str, call: Call, conflict: pd.Series) -> pd.Series:
    """Scores on the call's scale; blank only where the reviewer declared a conflict."""
    values = table.numbers(column, required=False)
    low, high = call.evaluation.scale
    blank = values.isna() & ~conflict
    if blank.any():
        table.fail(f"Empty score in column '{table.headers[column]}'.", int(blank.idxmax()),
                   column, "Score every criterion, or flag the conflict of interest.")
    outside = values[(values < low) | (values > high)]
    if not outside.empty:
        row = int(outside.index[0])
        table.fail(f"Score {table.frame.loc[row, column]!r} is outside the call's scale "
                   f"{low:g}-{high:g}.", row, column,
                   "Check the scale in [evaluation] scale and the reviewer's score sheet.")
    return values


def _reject_conflicted(table: UserTable, frame: pd.DataFrame, column: str) -> None:
    scored = frame["score"].notna() & frame["conflict"]
    if scored.any():
        row = int(scored.idxmax())
        table.fail(f"Reviewer {frame.loc[row, 'reviewer']!r} declared a conflict of interest "
                   f"for proposal {frame.loc[row, 'proposal']!r} but scored it.", row, column,
                   "Remove the score (keep the conflict flag), or set [evaluation] conflict = "
                   "\"exclude\" to leave conflicted scores out of the aggregation.")
