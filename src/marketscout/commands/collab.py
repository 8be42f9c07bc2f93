"""`marketscout collab ...` and `marketscout partners`: Horizon collaboration analytics and the
partner finder (library: marketscout.collab)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from marketscout.cli import app
from marketscout.commands._collab_output import about, footer, records, show, write
from marketscout.commands._common import (
    WITH_XLSX,
    Format,
    console,
    emit,
    format_option,
    rich_table,
    user_store,
)

if TYPE_CHECKING:  # the library (pandas, DuckDB) loads inside each command, not on --help
    import pandas as pd

    from marketscout import collab
    from marketscout.collab.scope import Scope
    from marketscout.collab.status import CountryStatus

collab_app = typer.Typer(help="Horizon collaboration analytics: pairs, country profiles, "
                         "third countries, the country network.", no_args_is_help=True)
app.add_typer(collab_app, name="collab")

PROGRAMME = typer.Option("all", "--programme", help="h2020, horizon-europe or all.")
YEARS = typer.Option(None, "--years", help="Project start years, e.g. 2014-2020 or 2018-.")
OUTPUT = typer.Option(None, "--output", help="Write to this file (needed for xlsx).")
STATUS = typer.Option(None, "--status", help="CSV of country statuses (programme, country, "
                      "status[, since]) replacing the European Commission's lists.")


def _status(path: Path | None) -> CountryStatus | None:
    from marketscout.collab.status import read_status

    return read_status(path) if path else None


@collab_app.command("pairs")
def pairs_command(
    home: str = typer.Option(..., "--home", help="Home country (ISO3 or name)."),
    programme: str = PROGRAMME, years: str | None = YEARS,
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Path | None = OUTPUT,
) -> None:
    """Per partner country: joint projects, participations, EC contribution and coordinator
    roles on each side, joint projects per start year and per programme part."""
    from marketscout import collab

    where = collab.scope(programme, years)
    iso3 = collab.country(home, "--home")
    with user_store(read_only=True) as store:
        found = collab.pairs(store, iso3, where)
    header = about(f"Horizon partners of {collab.name(iso3)} ({iso3}): "
                   f"{found.home_projects:,} projects with a {iso3} participant",
                   where.label, found.sources)
    if fmt is Format.table:
        show(header, _view(found.partners, PAIRS_VIEW))
        return
    payload = {"home": iso3, "home_projects": found.home_projects,
               "partners": [row | {"joint_projects_by_year": _row(found.by_year, row["partner"]),
                                   "programme_parts": _row(found.by_part, row["partner"])}
                            for row in records(found.partners)]}
    write(fmt, header, {"partners": found.wide(),
                        "by_year": found.by_year.reset_index(),
                        "by_part": found.by_part.reset_index()}, output, payload)


# Short headings for the screen; EC contributions in EUR million.
PAIRS_VIEW = {"partner": "partner", "name": "name", "joint_projects": "joint",
              "home_participations": "home part.", "partner_participations": "partner part.",
              "home_ec_contribution": "home EC EURm", "partner_ec_contribution":
              "partner EC EURm", "home_coordinators": "home coord.",
              "partner_coordinators": "partner coord.", "top_parts": "top programme parts"}
THIRDS_VIEW = {"rank_participations": "#", "iso3": "iso3", "country": "country",
               "status": "status", "participations": "participations",
               "share_participations": "share", "projects": "projects",
               "ec_contribution": "EC EURm", "rank_ec_contribution": "EC rank",
               "share_ec_contribution": "EC share", "coordinator_roles": "coord."}
PARTNERS_VIEW = {"rank": "#", "name": "organisation", "city": "city", "org_type": "type",
                 "score": "score", "matching_projects": "matching", "best_project":
                 "best-matching project", "projects": "projects", "coordinator_roles":
                 "coord.", "ec_contribution": "EC EURm", "joint_projects_with_home":
                 "with home", "home_organisations": "home organisations (joint projects)"}


def _view(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns to show, renamed; money in EUR million; shares as percentages."""
    out = frame[list(columns)].copy()
    for column in out.columns:
        if "ec_contribution" in column and not column.startswith(("rank", "share")):
            out[column] = (out[column] / 1e6).round(2)
        elif column.startswith("share"):
            out[column] = (out[column] * 100).round(1).astype(str) + "%"
    return out.rename(columns=columns)


def _row(table: pd.DataFrame, key: str) -> dict[str, int]:
    """One partner's non-zero counts from a partner x (year or part) table."""
    if key not in table.index:
        return {}
    return {str(k): int(v) for k, v in table.loc[key].items() if v}


@collab_app.command("profile")
def profile_command(
    country: str = typer.Option(..., "--country", help="The country to profile (ISO3 or name)."),
    home: str | None = typer.Option(None, "--home", help="Also show collaboration with this "
                                    "home country."),
    programme: str = PROGRAMME, years: str | None = YEARS, status: Path | None = STATUS,
    top: int = typer.Option(10, "--top", help="How many top partner countries to list."),
    fmt: Annotated[Format, format_option(*WITH_XLSX, help="table, json or xlsx (csv: the "
                                         "participation per start year).")] = Format.table,
    output: Path | None = OUTPUT,
) -> None:
    """A country's fact sheet: participations, projects, EC contribution, organisation types,
    top partners, programme parts and their trend; with --home, the pair's joint projects."""
    from marketscout import collab

    where = collab.scope(programme, years)
    iso3 = collab.country(country, "--country")
    home_iso = collab.country(home, "--home") if home else None
    with user_store(read_only=True) as store:
        found = collab.profile(store, iso3, home_iso, where, _status(status), top)
    header = about(f"Horizon profile of {collab.name(iso3)} ({iso3})", where.label,
                   found.sources, ("Third-country comparison: `marketscout collab thirds`.",))
    frames = {"by_year": found.by_year, "org_types": found.org_types,
              "partners": found.partners, "programme_parts": found.parts,
              "status": found.status}
    if home_iso and found.with_home_by_year is not None:
        frames["with_home_by_year"] = found.with_home_by_year
    if fmt is not Format.table:
        payload = {"country": iso3, "summary": found.summary, "with_home": found.with_home}
        write(fmt, header, frames, output,
              payload | {k: records(v) for k, v in frames.items()})
        return
    _show_profile(found, header)


def _show_profile(found: collab.Profile, header: dict[str, Any]) -> None:
    console.print(f"[bold]{header['title']}[/]", highlight=False)
    s = found.summary
    console.print(f"{s['participations']:,} participations in {s['projects']:,} projects by "
                  f"{s['organisations']:,} organisations; EC contribution "
                  f"EUR {s['ec_contribution']:,.0f}; {s['coordinator_roles']:,} coordinator "
                  f"roles; {s['partner_countries']} partner countries.", highlight=False)
    if "third_rank_participations" in s:
        console.print(f"Among {s['third_countries']} third countries: rank "
                      f"{s['third_rank_participations']} by participations, "
                      f"{s['third_rank_ec_contribution']} by EC contribution.", highlight=False)
    console.print(rich_table(found.status, title="Status (per programme)"))
    console.print(rich_table(found.by_year, title="Per project start year"))
    console.print(rich_table(found.org_types, title="Organisation types"))
    view = {k.replace("home_", "country_"): v.replace("home", found.country)
            for k, v in PAIRS_VIEW.items()}
    console.print(rich_table(_view(found.partners, view),
                             title="Top partner countries (joint projects)"))
    console.print(rich_table(found.parts, title="Programme parts (projects per start year)"))
    if found.with_home:
        w = found.with_home
        console.print(f"[bold]With {w['home']}:[/] {w['joint_projects']} joint projects "
                      f"({w['share_of_home_projects']:.1%} of {w['home']}'s "
                      f"{w['home_projects']:,}); parts: {w['top_parts'] or '-'}",
                      highlight=False)
        if found.with_home_by_year is not None and not found.with_home_by_year.empty:
            console.print(rich_table(found.with_home_by_year, title="Joint projects per year"))
    footer(header)


@collab_app.command("thirds")
def thirds_command(
    programme: str = PROGRAMME, years: str | None = YEARS, status: Path | None = STATUS,
    include: str = typer.Option("third", "--include", help="Statuses to compare, e.g. "
                                "third or third,associated."),
    top: int = typer.Option(30, "--top", help="Rows to show in the table."),
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Path | None = OUTPUT,
) -> None:
    """Third-country comparison: which non-associated countries take part most in Horizon,
    by participations and by EC contribution."""
    from marketscout import collab

    where = collab.scope(programme, years)
    statuses = [s.strip().lower() for s in include.split(",") if s.strip()]
    with user_store(read_only=True) as store:
        found = collab.thirds(store, where, _status(status), statuses)
    lists = "; ".join(f"{k}: {v}" for k, v in found.status.source.items())
    header = about(f"Horizon participation of {', '.join(statuses)} countries", where.label,
                   found.sources, (f"Country status from {lists}.",))
    if fmt is Format.table:
        show(header, _view(found.countries, THIRDS_VIEW), limit=top)
        return
    write(fmt, header, {"countries": found.countries, "status_list": found.status.table()},
          output)


@collab_app.command("network")
def network_command(
    min_projects: int = typer.Option(1, "--min-projects", help="Keep links with at least this "
                                     "many joint projects."),
    programme: str = PROGRAMME, years: str | None = YEARS,
    fmt: Annotated[Format, format_option(Format.table, Format.csv, Format.graphml, Format.json,
                                         help="table, csv (nodes), graphml or json.")
                   ] = Format.table,
    output: Path | None = OUTPUT,
    top: int = typer.Option(25, "--top", help="Rows to show in the table."),
) -> None:
    """The country collaboration network (weights = joint projects) with degree and
    eigenvector centrality; GraphML or JSON for Gephi, Cytoscape or d3."""
    from marketscout import collab

    where = collab.scope(programme, years)
    with user_store(read_only=True) as store:
        found = collab.network(store, min_projects, where)
    header = about(f"Country network: {found.graph.number_of_nodes()} countries, "
                   f"{found.graph.number_of_edges()} links of >= {min_projects} joint projects",
                   where.label, found.sources)
    if fmt == "graphml":
        emit(found.to_graphml(), output)
    elif fmt == "json":
        emit(found.to_json(), output)
    elif fmt == "csv":
        write(Format.csv, header, {"nodes": found.nodes}, output)
    else:
        show(header, found.nodes, limit=top)


@collab_app.command("index")
def index_command(
    method: str = typer.Option("auto", "--method", help="auto (both when the model is "
                               "installed), lexical or semantic."),
) -> None:
    """Build the partner finder's search index: BM25 tables, and the embeddings of every
    project text when the model is installed (cached in the store)."""
    from rich.progress import Progress

    from marketscout import collab

    with user_store() as store, Progress(console=console, transient=True) as bar:
        task = bar.add_task("Embedding project texts", total=None)
        built = collab.build_search_index(
            store, method, lambda done, total: bar.update(task, completed=done, total=total))
    for line in built:
        console.print(line, highlight=False)


@app.command("partners")
def partners_command(
    home: str = typer.Option(..., "--home", help="Home country (ISO3 or name)."),
    market: str = typer.Option(..., "--market", help="Market where partners are sought."),
    topic: str = typer.Option(..., "--topic", help='What to work on, e.g. "hydrogen storage".'),
    top: int = typer.Option(20, "--top", help="How many organisations to list."),
    method: str = typer.Option("auto", "--method", help="auto, semantic or lexical (BM25)."),
    min_score: float | None = typer.Option(None, "--min-score", help="Lowest score that counts "
                                           "as a match (default: 0.35 semantic, >0 lexical)."),
    programme: str = PROGRAMME, years: str | None = YEARS,
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Path | None = OUTPUT,
) -> None:
    """Find organisations in a market whose Horizon projects match a topic.

    Ranked by their best-matching project, with their experience and their history with
    home-country organisations."""
    from rich.progress import Progress

    from marketscout import collab

    where: Scope = collab.scope(programme, years)
    with user_store() as store, Progress(console=console, transient=True) as bar:
        task = bar.add_task("Embedding project texts (once)", total=None)
        found = collab.find_partners(
            store, home, market, topic, top, where=where, method=method, min_score=min_score,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    how = ("semantic similarity, " + found.model if found.method == "semantic"
           else "lexical BM25 (embedding model not installed)" if method == "auto"
           else "lexical BM25")
    header = about(f"Partners in {collab.name(found.market)} for {found.topic!r} "
                   f"(home {found.home}), by {how}", where.label, found.corpus.sources,
                   found.notes) | {"method": found.method, "model": found.model,
                                   "min_score": found.min_score}
    if fmt is Format.table:
        show(header, _view(found.partners, PARTNERS_VIEW))
        return
    write(fmt, header, {"partners": found.partners}, output)
