"""Output of the collaboration commands through the shared writers: a plain CSV (title,
scope, source and notes in FILE.meta.json, or on standard error without a file), JSON, an
Excel workbook (About sheet, one sheet per table, sources), and tables on the screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout import __version__
from marketscout.commands._common import (
    Format,
    console,
    emit,
    err_console,
    rich_table,
    to_json,
    xlsx_file,
)
from marketscout.reports.columns import Column

if TYPE_CHECKING:
    import pandas as pd

    from marketscout.provenance import Provenance

# known column names -> (header with unit, format); the rest: words of the name
HEADERS: dict[str, tuple[str, str]] = {
    "partner": ("Partner (ISO3)", "text"), "iso3": ("Country (ISO3)", "text"),
    "market": ("Market (ISO3)", "text"), "name": ("Name", "text"),
    "country": ("Country", "text"), "status": ("Status in the programme", "text"),
    "joint_projects": ("Joint projects", "int"),
    "home_participations": ("Home participations", "int"),
    "partner_participations": ("Partner participations", "int"),
    "home_coordinators": ("Home coordinator roles", "int"),
    "partner_coordinators": ("Partner coordinator roles", "int"),
    "coordinator_roles": ("Coordinator roles", "int"),
    "participations": ("Participations", "int"), "projects": ("Projects", "int"),
    "top_parts": ("Top programme parts (joint projects)", "text"),
    "score": ("Match score (0-1)", "ratio"),
}


def columns(frame: pd.DataFrame) -> list[Column]:
    """Human headers with units: EC contributions in EUR (#,##0), shares as percentages,
    ranks and counts as integers; the machine name stays in each header's note."""
    import pandas as pd

    out = []
    for key in map(str, frame.columns):
        header, fmt = HEADERS.get(key, ("", ""))
        if not header:
            words = key.replace("_", " ")
            numeric = pd.api.types.is_numeric_dtype(frame[key])
            integer = pd.api.types.is_integer_dtype(frame[key])
            if "ec_contribution" in key and key.startswith("share"):
                header, fmt = f"Share of the {words[6:].replace('ec ', 'EC ')}", "percent"
            elif "ec_contribution" in key and key.startswith("rank"):
                header, fmt = f"Rank by {words[5:].replace('ec ', 'EC ')}", "int"
            elif "ec_contribution" in key:
                header, fmt = f"{words.replace('ec ', 'EC ')} (EUR)", "money"
            elif key.startswith("share"):
                header, fmt = f"Share of {words[6:]}", "percent"
            elif key.startswith("joint_") and key[6:].isdigit():
                header, fmt = f"Joint projects starting {key[6:]}", "int"
            elif key.startswith("part_"):
                header, fmt = f"Joint projects in {key[5:]}", "int"
            else:
                header = words
                fmt = "int" if integer else "decimal" if numeric else "auto"
        out.append(Column(key, header[:1].upper() + header[1:], fmt))
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from marketscout.collab.export import records as rows

    return rows(frame)


def about(title: str, scope: str, sources: tuple[Provenance, ...],
          notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """What every output says first: what it is, the scope, the sources, caveats."""
    return {"title": title, "scope": scope, "marketscout": __version__,
            "source": "; ".join(p.cite() for p in sources) or "no data",
            "provenance": [p.to_dict() for p in sources], "notes": list(notes)}


def write(fmt: Format, header: dict[str, Any], frames: dict[str, pd.DataFrame],
          output: Path | None, payload: dict[str, Any] | None = None) -> None:
    """CSV (the first frame; title, scope, source and notes in FILE.meta.json), JSON
    (`payload`, or every frame as records), or an Excel workbook (one sheet per frame)."""

    if fmt is Format.xlsx:
        _xlsx(header, frames, xlsx_file(output))
        err_console.print(f"Wrote {output}: {header['title']}.", highlight=False)
    elif fmt is Format.json:
        body = payload if payload is not None else {k: records(v) for k, v in frames.items()}
        emit(to_json({k: v for k, v in header.items()} | body), output)
    else:
        from marketscout.reports.csvfile import csv_text, write_csv

        frame = next(iter(frames.values()))
        if output is None:
            emit(csv_text(frame, columns(frame)), None)
            footer(header, err_console)
        else:
            write_csv(output, frame, columns(frame), meta=header)
            err_console.print(f"Wrote {output}: {header['title']} ({len(frame):,} rows; "
                              f"scope, source and notes in {output.name}.meta.json).",
                              highlight=False)


def _xlsx(header: dict[str, Any], frames: dict[str, pd.DataFrame], output: Path) -> None:
    import pandas as pd

    from marketscout.reports.workbook import Sheet, write_workbook

    facts = [("Scope", header["scope"]), ("Source", header["source"]),
             ("marketscout", header["marketscout"])]
    facts += [(k, v) for k, v in header.items() if k not in (
        "title", "scope", "source", "marketscout", "provenance", "notes")]
    facts += [("Note", n) for n in header["notes"]]
    sheets = [Sheet(name, frame, columns(frame)) for name, frame in frames.items()]
    sheets.append(Sheet("sources", pd.DataFrame(header["provenance"])))
    write_workbook(output, sheets, title=header["title"], about=facts, progress=False)


def show(header: dict[str, Any], frame: pd.DataFrame, columns: list[str] | None = None,
         limit: int | None = None) -> None:
    """A Rich table with its title, followed by scope, source and notes."""
    shown = frame[columns] if columns else frame
    console.print(rich_table(shown.head(limit) if limit else shown, title=header["title"]))
    footer(header)


def footer(header: dict[str, Any], out: Any = console) -> None:
    out.print(f"[bold]Scope:[/] {header['scope']}", highlight=False)
    out.print(f"[bold]Source:[/] {header['source']}", highlight=False)
    for note in header["notes"]:
        out.print(f"[yellow]Note:[/] {note}", highlight=False)
