"""Output of the collaboration commands: CSV with '#' source lines, JSON, Excel, tables."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from marketscout import __version__
from marketscout.collab.export import records
from marketscout.commands._common import console, emit, rich_table, to_json
from marketscout.provenance import Provenance


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def about(title: str, scope: str, sources: tuple[Provenance, ...],
          notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """What every output says first: what it is, the scope, the sources, caveats."""
    return {"title": title, "scope": scope, "marketscout": __version__,
            "source": "; ".join(p.cite() for p in sources) or "no data",
            "provenance": [p.to_dict() for p in sources], "notes": list(notes)}


def write(fmt: Format, header: dict[str, Any], frames: dict[str, pd.DataFrame],
          output: Path | None, payload: dict[str, Any] | None = None) -> None:
    """CSV (first frame, '#' lines naming title, scope, source and notes), JSON (`payload`,
    or every frame as records), or an Excel workbook (one sheet per frame, plus 'about')."""
    if fmt is Format.xlsx:
        if output is None:
            raise typer.BadParameter("--format xlsx needs --output FILE.xlsx")
        _xlsx(header, frames, output)
        console.print(f"Wrote {output}", highlight=False)
    elif fmt is Format.json:
        body = payload if payload is not None else {k: records(v) for k, v in frames.items()}
        emit(to_json({k: v for k, v in header.items()} | body), output)
    else:
        lines = [f"# {header['title']}", f"# scope: {header['scope']}",
                 f"# source: {header['source']}"] + [f"# note: {n}" for n in header["notes"]]
        buffer = io.StringIO()
        next(iter(frames.values())).to_csv(buffer, index=False)
        emit("\n".join(lines) + "\n" + buffer.getvalue(), output)


def _xlsx(header: dict[str, Any], frames: dict[str, pd.DataFrame], output: Path) -> None:
    info = [{"item": k, "value": v} for k, v in header.items() if k not in ("provenance",
                                                                           "notes")]
    info += [{"item": "note", "value": n} for n in header["notes"]]
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        pd.DataFrame(info).to_excel(writer, sheet_name="about", index=False)
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        pd.DataFrame(header["provenance"]).to_excel(writer, sheet_name="sources", index=False)


def show(header: dict[str, Any], frame: pd.DataFrame, columns: list[str] | None = None,
         limit: int | None = None) -> None:
    """A Rich table with its title, followed by scope, source and notes."""
    shown = frame[columns] if columns else frame
    console.print(rich_table(shown.head(limit) if limit else shown, title=header["title"]))
    footer(header)


def footer(header: dict[str, Any]) -> None:
    console.print(f"[bold]Scope:[/] {header['scope']}", highlight=False)
    console.print(f"[bold]Source:[/] {header['source']}", highlight=False)
    for note in header["notes"]:
        console.print(f"[yellow]Note:[/] {note}", highlight=False)
