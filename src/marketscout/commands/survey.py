"""`marketscout survey ...`: run a business association survey round from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marketscout.cli import app
from marketscout.commands._common import (
    WITH_XLSX,
    Format,
    console,
    emit,
    format_option,
    rich_table,
    to_json,
    user_store,
    write_table,
)

survey_app = typer.Typer(help="Run the business association survey (the seventh criterion).",
                         no_args_is_help=True)
app.add_typer(survey_app, name="survey")
BASE_URL = typer.Option(None, help="Address of `marketscout serve` as associations will reach "
                              "it (default: the admin's setting, else http://127.0.0.1:8000).")


@survey_app.command("create-round")
def create_round(
    title: str = typer.Option(..., help="Title shown to respondents, e.g. 'Survey 2025'."),
    closes: str = typer.Option(..., help="Last day answers are accepted (YYYY-MM-DD, UTC)."),
    max_markets: int = typer.Option(5, help="Maximum markets per answer (K)."),
    home: str | None = typer.Option(None, help="Home country (left out of the country list)."),
) -> None:
    """Open a survey round; then add associations and invite them."""
    from marketscout import survey

    with user_store() as store:
        found = survey.create_round(store, title, closes, max_markets, home)
    console.print(f"Created round [bold]{found.round_id}[/] '{found.title}': up to "
                  f"{found.max_markets} markets per answer, open through {found.closes_on}.",
                  highlight=False)


@survey_app.command("add-association")
def add_association(
    name: str = typer.Argument(..., help="The association's name."),
    sector: str | None = typer.Option(None, help="Its sector."),
    weight: float = typer.Option(1.0, help="Its weight in the Borda mean (above 0)."),
) -> None:
    """Register a business association (names are unique)."""
    from marketscout import survey

    with user_store() as store:
        found = survey.add_association(store, name, sector, weight)
    console.print(f"Added association {found.association_id}: {found.name} "
                  f"(weight {found.weight:g}).", highlight=False)


@survey_app.command("invite")
def invite(
    round_id: int = typer.Argument(..., help="The round's number."),
    associations: list[str] | None = typer.Argument(None, metavar="ASSOCIATION",
                                                    help="Names or numbers of "
                                                    "associations (default: every one not "
                                                    "invited yet)."),
    base_url: str | None = BASE_URL,
) -> None:
    """Print a new invitation link per association (only a hash is stored: keep the links)."""
    from marketscout import survey
    from marketscout.survey.settings import DEFAULT_BASE_URL, invitation_link

    with user_store() as store:
        settings = survey.survey_settings(store)
        invited = set(survey.invitations(store, round_id)["association_id"])
        chosen = ([survey.get_association(store, a) for a in associations] if associations
                  else [a for a in survey.list_associations(store)
                        if a.association_id not in invited])
        links = [(a.name, survey.invite(store, round_id, a.association_id)) for a in chosen]
    if not links:
        console.print("Every registered association is invited already; name one to give it "
                      "a new link.", highlight=False)
    address = base_url or settings.base_url or DEFAULT_BASE_URL
    for name, token in links:
        print(f"{name}\t{invitation_link(address, token)}")


@survey_app.command("rounds")
def rounds() -> None:
    """List survey rounds with their response rates."""
    import pandas as pd

    from marketscout import survey

    with user_store() as store:
        rows = [(r, survey.results(store, r.round_id)) for r in survey.list_rounds(store)]
    frame = pd.DataFrame([{"round": r.round_id, "title": r.title, "closes": str(r.closes_on),
                           "k": r.max_markets, "open": r.is_open(), "answered": res.answered,
                           "asked": res.asked, "response rate": f"{res.response_rate:.0%}"}
                          for r, res in rows])
    console.print(rich_table(frame, "Survey rounds") if rows else "No survey round yet.")


@survey_app.command("results")
def results(
    round_id: int = typer.Argument(..., help="The round's number."),
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
) -> None:
    """Response rate and weighted Borda scores per market for one round."""
    from marketscout import survey

    with user_store() as store:
        res = survey.results(store, round_id)
    head = (f"Round {res.round.round_id} '{res.round.title}': {res.answered} of {res.asked} "
            f"associations answered ({res.response_rate:.0%}); k = {res.round.max_markets}.")
    if fmt is Format.json:
        emit(to_json({"round": res.round.round_id, "title": res.round.title,
                      "answered": res.answered, "asked": res.asked,
                      "response_rate": res.response_rate, "k": res.round.max_markets,
                      "markets": res.table.to_dict("records")}), output)
    elif fmt in (Format.csv, Format.xlsx):
        from marketscout.reports import tables

        write_table(fmt, tables.survey_output(res), output)
    else:
        console.print(head, highlight=False)
        console.print(rich_table(res.table, "Weighted Borda count"))


@survey_app.command("import")
def import_answers(
    round_id: int = typer.Argument(..., help="The round's number."),
    file: Path = typer.Argument(..., help="CSV or .xlsx: association, market, order."),
    sheet: str | None = typer.Option(None, help="Excel sheet to read (default: the first)."),
) -> None:
    """Import offline answers into an open round (a file with any error loads nothing)."""
    from marketscout import survey

    with user_store() as store:
        count = survey.import_answers(store, round_id, file, sheet)
    console.print(f"Imported the answers of {count} association(s) from {file.name} into "
                  f"round {round_id}.", highlight=False)


@survey_app.command("close")
def close(round_id: int = typer.Argument(..., help="The round's number.")) -> None:
    """Close a round now: no more answers or edits."""
    from marketscout import survey

    with user_store() as store:
        found = survey.close_round(store, round_id)
    console.print(f"Round {found.round_id} '{found.title}' is closed.", highlight=False)
