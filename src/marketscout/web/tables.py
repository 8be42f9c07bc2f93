"""Every data table of the web app as CSV or JSON, datasette-style: the page's own address
with `?_format=csv` or `?_format=json` (and `_table=NAME` on pages with several tables)
answers that table, with the same filters the page applied.

CSV goes through the one CSV writer (`reports.csvfile.csv_text`: plain UTF-8 with a
byte-order mark, rounded numbers, formula text neutralised); JSON carries the table's scope
and source beside its rows. Pages link to both with the `table_links` macro
(templates/_tables.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from marketscout.errors import InputError
from marketscout.jsonable import clean

FORMATS = ("csv", "json")


def wanted(request: Request) -> str | None:
    """The format asked for by `_format` (None: the page itself)."""
    found = (request.query_params.get("_format") or "").strip().lower()
    if not found or found == "html":
        return None
    if found not in FORMATS:
        raise InputError(f"Unknown format {found!r}.", where="query parameter _format",
                         fix="Use _format=csv or _format=json (or leave it out for the page).")
    return found


def table_name(request: Request, names: Sequence[str]) -> str:
    """Which of a page's tables `_table` names (the first when it is absent)."""
    found = (request.query_params.get("_table") or names[0]).strip()
    if found not in names:
        raise InputError(f"No table {found!r} on this page.", where="query parameter _table",
                         fix=f"Use one of: {', '.join(names)}.")
    return found


def answer(request: Request, name: str, rows: Any, about: Mapping[str, Any] | None = None
           ) -> Response:
    """The table `rows` (a DataFrame, or a list of dicts) in the format asked for."""
    import pandas as pd

    from marketscout.reports.csvfile import csv_text

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if wanted(request) == "csv":
        text = "\ufeff" + csv_text(frame)
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="marketscout-{name}.csv"'})
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    return JSONResponse(clean({"table": name, **dict(about or {}), "rows": records}))


def page_tables(request: Request, tables: Mapping[str, Any],
                about: Mapping[str, Any] | None = None) -> Response | None:
    """The asked-for table of a page as CSV or JSON; None when the page itself is wanted."""
    if wanted(request) is None:
        return None
    name = table_name(request, list(tables))
    return answer(request, name, tables[name], about)
