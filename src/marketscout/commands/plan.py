"""`marketscout plan ...`: the activity register, targets, alignment and a proposed plan
(library: marketscout.plan; docs/plan.md). pandas and the solver load inside the commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from marketscout.cli import app
from marketscout.commands._common import (
    WITH_XLSX,
    console,
    emit,
    err_console,
    format_option,
    rich_table,
    to_json,
    user_store,
    xlsx_file,
)
from marketscout.commands._common import Format as Fmt

if TYPE_CHECKING:
    import pandas as pd

    from marketscout.plan.lists import ListVersion
    from marketscout.store import Store

plan_app = typer.Typer(help="Act on the list: activity register, targets, alignment and a "
                       "proposed plan.", no_args_is_help=True)
register_app = typer.Typer(help="The activity register: import, export, list, add, edit, "
                           "delete.", no_args_is_help=True)
targets_app = typer.Typer(help="Targets and their computed status.", no_args_is_help=True)
instruments_app = typer.Typer(help="The instruments (business support measures) activities "
                              "may name.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
plan_app.add_typer(register_app, name="register")
plan_app.add_typer(targets_app, name="targets")
plan_app.add_typer(instruments_app, name="instruments")


Home = Annotated[str, typer.Option(help="Home country (ISO3 or name).")]
Output = Annotated[Path | None, typer.Option(help="Write to this file (needed for xlsx).")]
Format = Annotated[Fmt, format_option(*WITH_XLSX)]
Sheet = Annotated[str | None, typer.Option(help="Excel sheet to read (default: the first).")]
ListName = Annotated[str, typer.Option("--list", help="'computed' (the priority list of "
                                       "`marketscout rank`) or an imported list's name.")]
Top = Annotated[int | None, typer.Option(help="Size of the computed list (default 32).")]
Period = Annotated[str, typer.Option(help="Start dates counted: 2025, 2024-2025, "
                                     "2025-01-01:2025-06-30 or all.")]
Version = Annotated[int | None, typer.Option(help="The version you saw (from `register "
                                             "list`): refused if it changed since.")]


def _home(home: str) -> str:
    from marketscout import countries

    return countries.to_iso3(home, where="--home")


def _list(store: Store, home: str, name: str, top: int | None) -> ListVersion:
    from marketscout import priority
    from marketscout.plan import lists

    options = priority.Options(top=top) if top else None
    if name == "computed":
        with err_console.status("Computing the priority list (as `marketscout rank`)..."):
            return lists.resolve(store, home, name, options)
    return lists.resolve(store, home, name, options)


def _warn(warnings: Any) -> None:
    """Warnings on the terminal (standard error), also when writing a file."""
    for w in dict.fromkeys(warnings):
        err_console.print(f"[yellow]Warning:[/] {w}", highlight=False)


def _out(frame: pd.DataFrame, columns: list[Any], fmt: Fmt, output: Path | None, title: str,
         payload: dict[str, Any], warnings: Any = (), screen: tuple[str, ...] = ()) -> None:
    """One view as a table, CSV (+ .meta.json), JSON or an Excel sheet; warnings always."""
    from marketscout.reports.csvfile import csv_text, write_csv
    from marketscout.reports.workbook import Sheet as WSheet
    from marketscout.reports.workbook import write_workbook

    if fmt is Fmt.xlsx:
        write_workbook(xlsx_file(output), [WSheet(title[:31], frame, columns)], title=title,
                       warnings=list(warnings))
        console.print(f"Wrote {output}", highlight=False)
    elif fmt is Fmt.json:
        emit(to_json(payload), output, quiet=True)
    elif fmt is Fmt.csv:
        meta = {"title": title, "warnings": list(warnings)}
        if output:
            write_csv(output, frame, columns, meta=meta)
        else:
            emit(csv_text(frame, columns), None)
    else:
        keys = [c.key for c in columns if c.key in frame.columns
                and (not screen or c.key in screen)]
        shown = frame[keys].rename(columns={c.key: c.title for c in columns})
        console.print(rich_table(shown, title))
    _warn(warnings)


@register_app.command("import")
def register_import(file: Annotated[Path, typer.Argument(help="CSV or .xlsx register.")],
                    home: Home = "LTU", sheet: Sheet = None) -> None:
    """Replace the register with a file, checked in full (any error: nothing is loaded)."""
    from marketscout.plan import service

    with user_store() as store:
        count = service.import_register(store, _home(home), file, sheet)
    console.print(f"Imported {count} activities from {file.name} into the register of "
                  f"{_home(home)}.", highlight=False)


@register_app.command("export")
def register_export(file: Annotated[Path, typer.Argument(help="CSV or .xlsx to write.")],
                    home: Home = "LTU") -> None:
    """Write the register as a file that `plan register import` reads back."""
    from marketscout.plan import register, report

    with user_store(read_only=True) as store:
        frame = register.activities(store, _home(home))
    report.write_register_file(frame, file)
    console.print(f"Wrote {len(frame)} activities to {file}", highlight=False)


@register_app.command("list")
def register_list(
    home: Home = "LTU", market: Annotated[str | None, typer.Option(
        help="Only activities in this market.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    period: Period = "all", status: Annotated[str | None, typer.Option(
        help="Only planned, done or cancelled.")] = None,
    fmt: Format = Fmt.table, output: Output = None,
) -> None:
    """The register's activities (filtered by market, type, period, status)."""
    from marketscout.plan import register, report, service

    iso3 = _home(home)
    with user_store(read_only=True) as store:
        frame = service.filter_register(register.activities(store, iso3), market, type_,
                                        period, status)
    warnings = service.register_warnings(frame)
    _out(report.register_view(frame), report.REGISTER, fmt, output,
         f"Activity register of {iso3}", report.register_payload(frame, warnings), warnings,
         screen=("activity_id", "start_date", "type", "markets", "status", "currency", "cost",
                 "version"))


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@register_app.command("add")
def register_add(
    home: Home = "LTU",
    id_: Annotated[str | None, typer.Option("--id", help="Id (default: a new one).")] = None,
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    type_: Annotated[str, typer.Option("--type", help="visit, mission, event, call, project, "
                                       "agreement, programme, promotion, other.")] = "mission",
    markets: Annotated[str, typer.Option("--markets", help="Market(s), e.g. DEU or 'DEU; POL'."
                                         )] = "",
    start: Annotated[str, typer.Option(help="Start date YYYY-MM-DD.")] = "",
    end: Annotated[str | None, typer.Option(help="End date (default: the start).")] = None,
    status: Annotated[str, typer.Option(help="planned, done or cancelled.")] = "planned",
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code of the amounts.")] = None,
    budget: Annotated[str | None, typer.Option(help="Budget.")] = None,
    cost: Annotated[str | None, typer.Option(help="Actual cost.")] = None,
    organiser: Annotated[str | None, typer.Option(help="Organiser.")] = None,
    companies: Annotated[str | None, typer.Option(help="Companies taking part.")] = None,
    sector: Annotated[str | None, typer.Option(help="HS section or a label.")] = None,
    instrument: Annotated[str | None, typer.Option(help="An instrument's name.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    source: Annotated[str | None, typer.Option(help="Where the record comes from.")] = None,
) -> None:
    """Add one activity (checked like a register file's row)."""
    from marketscout.plan import register

    fields = _fields({"id": id_, "title": title, "type": type_, "markets": markets,
                      "start": start, "end": end, "status": status, "currency": currency,
                      "budget": budget, "cost": cost, "organiser": organiser,
                      "companies": companies, "sector": sector, "instrument": instrument,
                      "notes": notes, "source": source})
    with user_store() as store:
        new = register.add_activity(store, _home(home), fields, origin="command line")
    console.print(f"Added activity {new}.", highlight=False)


@register_app.command("edit")
def register_edit(
    activity: Annotated[str, typer.Argument(help="The activity's id.")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE (repeat), e.g. "
                                                   "--set cost=1200 --set status=done.")
                    ] = None,
    home: Home = "LTU", version: Version = None,
) -> None:
    """Change fields of one activity (refused if it changed since --version)."""
    from marketscout.errors import InputError
    from marketscout.plan import register

    changes = {}
    for item in set_ or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"Bad --set {item!r}.", where="--set",
                             fix="Write FIELD=VALUE, e.g. --set cost=1200.")
        changes[key.strip().lower()] = value.strip()
    with user_store() as store:
        new = register.edit_activity(store, _home(home), activity, changes, version,
                                     origin="command line")
    console.print(f"Saved activity {activity} (now version {new}).", highlight=False)


@register_app.command("delete")
def register_delete(activity: Annotated[str, typer.Argument(help="The activity's id.")],
                    home: Home = "LTU", version: Version = None) -> None:
    """Delete one activity (refused if it changed since --version)."""
    from marketscout.plan import register

    with user_store() as store:
        register.delete_activity(store, _home(home), activity, version)
    console.print(f"Deleted activity {activity}.", highlight=False)


@instruments_app.command("list")
def instruments_list() -> None:
    """The instruments activities may name (the defaults until you import your own)."""
    from marketscout.plan import register

    with user_store(read_only=True) as store:
        console.print(rich_table(register.instrument_table(store), "Instruments"))


@instruments_app.command("import")
def instruments_import(file: Annotated[Path, typer.Argument(help="CSV or .xlsx: instrument, "
                                                            "description.")],
                       sheet: Sheet = None) -> None:
    """Replace the instrument list with a file."""
    from marketscout.plan import service

    with user_store() as store:
        count = service.import_instruments(store, file, sheet)
    console.print(f"Imported {count} instruments.", highlight=False)


@targets_app.command("import")
def targets_import(file: Annotated[Path, typer.Argument(help="CSV or .xlsx targets.")],
                   home: Home = "LTU", sheet: Sheet = None) -> None:
    """Replace the targets with a file, checked in full (any error: nothing is loaded)."""
    from marketscout.plan import service

    with user_store() as store:
        count = service.import_targets(store, _home(home), file, sheet)
    console.print(f"Imported {count} targets from {file.name} for {_home(home)}.",
                  highlight=False)


@targets_app.command("export")
def targets_export(file: Annotated[Path, typer.Argument(help="CSV or .xlsx to write.")],
                   home: Home = "LTU") -> None:
    """Write the targets as a file that `plan targets import` reads back."""
    from marketscout.plan import report, targets

    with user_store(read_only=True) as store:
        frame = report.targets_file_frame(targets.targets(store, _home(home)))
    report.write_register_file(frame, file, sheet="targets")
    console.print(f"Wrote {len(frame)} targets to {file}", highlight=False)


@targets_app.command("status")
def targets_status(
    home: Home = "LTU", list_name: ListName = "computed", top: Top = None,
    as_of: Annotated[str | None, typer.Option(help="Date of the assessment (default today).")
                     ] = None, fmt: Format = Fmt.table, output: Output = None,
) -> None:
    """Each target's computed value, progress and status (on track, at risk, off track)."""
    from marketscout.plan import report, service

    iso3 = _home(home)
    day = _date(as_of)
    with user_store(read_only=True) as store:
        board = service.dashboard(store, iso3, _list(store, iso3, list_name, top), day)
    _out(board.targets, report.TARGETS, fmt, output, f"Targets of {iso3} as of {board.as_of}",
         report.dashboard_payload(board), board.warnings,
         screen=("target_id", "indicator", "scope", "scope_value", "baseline", "target",
                 "target_year", "value", "value_year", "status"))


def _date(text: str | None) -> date | None:
    from marketscout.errors import InputError

    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"Not a date: {text!r}.", where="--as-of",
                         fix="Write YYYY-MM-DD.") from exc


@plan_app.command("alignment")
def alignment_command(
    home: Home = "LTU", period: Period = "all", list_name: ListName = "computed",
    top: Top = None,
    compare_period: Annotated[str | None, typer.Option(help="A second period to compare "
                                                       "with.")] = None,
    compare_list: Annotated[str | None, typer.Option(help="A second list version to compare "
                                                     "with.")] = None,
    done_only: Annotated[bool, typer.Option(help="Count only activities done (default: "
                                            "planned and done).")] = False,
    currency: Annotated[str | None, typer.Option(help="Currency of cost figures (default: "
                                                 "the most used).")] = None,
    fmt: Format = Fmt.table, output: Output = None,
) -> None:
    """Does effort follow the list? Shares, rank correlation, gaps and drift."""
    from marketscout.plan import effort, report, service

    iso3 = _home(home)
    when = effort.parse_period(period)
    statuses = ("done",) if done_only else effort.COUNTED
    with user_store(read_only=True) as store:
        lv = _list(store, iso3, list_name, top)
        found = service.alignment(store, iso3, lv, when, statuses, currency)
        other = None
        if compare_period or compare_list:
            lv2 = _list(store, iso3, compare_list, top) if compare_list else lv
            when2 = effort.parse_period(compare_period, "--compare-period") if (
                compare_period) else when
            other = service.alignment(store, iso3, lv2, when2, statuses, found.currency)
    if fmt is Fmt.table and output is None:
        _show_alignment(found, other, compare_list or compare_period or "")
        _warn(found.warnings)
        return
    if fmt is Fmt.xlsx:
        with user_store(read_only=True) as store:
            from marketscout.plan import register

            acts = register.activities(store, iso3)
        xlsx_file(output)
        report.workbook(output, iso3, acts, None, found, None)  # type: ignore[arg-type]
        console.print(f"Wrote {output}", highlight=False)
        _warn(found.warnings)
        return
    _out(found.markets, report.MARKETS, fmt, output, f"Effort by market, {iso3}, "
         f"{found.period.label}", report.alignment_payload(found), found.warnings)




@plan_app.command("propose")
def propose_command(
    home: Home = "LTU",
    year: Annotated[int, typer.Option(help="The year planned.")] = date.today().year + 1,
    activities: Annotated[int, typer.Option(help="Activities to spread.")] = 0,
    type_: Annotated[str, typer.Option("--type", help="Their type.")] = "mission",
    amount: Annotated[float | None, typer.Option(help="Money to spread instead (in "
                                                 "--step units).")] = None,
    step: Annotated[float | None, typer.Option(help="Money per unit, with --amount.")] = None,
    currency: Annotated[str, typer.Option(help="Currency of --amount.")] = "EUR",
    basis: Annotated[str, typer.Option(help="score, p_top or position.")] = "score",
    method: Annotated[str, typer.Option(help="sainte-lague or dhondt.")] = "sainte-lague",
    min_core: Annotated[int, typer.Option(help="At least this many per core market.")] = 0,
    max_per_market: Annotated[int | None, typer.Option(help="At most this many per market."
                                                       )] = None,
    covered: Annotated[str, typer.Option(help="Activities of the type already this year: "
                                         "count, skip or ignore.")] = "count",
    fixed: Annotated[str | None, typer.Option(help="Fixed commitments, e.g. USA=1,DEU=2.")
                     ] = None,
    list_name: ListName = "computed", top: Top = None,
    accept: Annotated[bool, typer.Option(help="Add the proposal to the register as planned "
                                         "activities.")] = False,
    fmt: Format = Fmt.table, output: Output = None,
) -> None:
    """Propose how to spread N activities (or money) over the list, market by market."""
    from marketscout.plan import report, service
    from marketscout.plan.propose import ProposalOptions

    iso3 = _home(home)
    options = ProposalOptions(year=year, units=activities, activity_type=type_, amount=amount,
                              step=step, currency=currency, basis=basis, method=method,
                              min_core=min_core, max_per_market=max_per_market,
                              covered=covered, fixed=_fixed(fixed))
    with user_store(read_only=not accept) as store:
        lv = _list(store, iso3, list_name, top)
        found = service.proposal(store, iso3, lv, options)
        added = service.accept(store, iso3, found) if accept else []
    title = (f"Proposal for {iso3}: {found.total_units} {found.unit_label} in {year} "
             f"({method} on {basis})")
    _out(found.markets[found.markets["total"] > 0] if fmt is Fmt.table else found.markets,
         report.PROPOSAL, fmt, output, title, report.proposal_payload(found), found.warnings,
         screen=("position", "iso3", "market", "tier", "quota", "existing", "total", "new",
                 "amount"))
    if accept:
        console.print(f"Added {len(added)} planned activities to the register: "
                      f"{', '.join(added)}.", highlight=False)


def _fixed(text: str | None) -> dict[str, int]:
    from marketscout import countries
    from marketscout.errors import InputError
    from marketscout.priority.options import parse_pairs

    out = {}
    for market, value in parse_pairs(text, "--fixed").items():
        if not value.isdigit():
            raise InputError(f"Bad fixed commitment {market}={value!r}.", where="--fixed",
                             fix="Write MARKET=count, e.g. USA=1,DEU=2.")
        out[countries.to_iso3(market, where="--fixed")] = int(value)
    return out


@plan_app.command("report")
def report_command(
    output: Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")],
    home: Home = "LTU", period: Period = "all", list_name: ListName = "computed",
    top: Top = None, as_of: Annotated[str | None, typer.Option(
        help="Date of the targets' assessment (default today).")] = None,
) -> None:
    """Write the plan report: register, targets, alignment, gaps and drift, one sheet each."""
    from marketscout.plan import effort, register, report, service

    iso3 = _home(home)
    with user_store(read_only=True) as store:
        lv = _list(store, iso3, list_name, top)
        acts = register.activities(store, iso3)
        board = service.dashboard(store, iso3, lv, _date(as_of))
        found = service.alignment(store, iso3, lv, effort.parse_period(period))
    report.workbook(output, iso3, acts, board, found, None)
    console.print(f"Wrote {output}", highlight=False)
    _warn((*board.warnings, *found.warnings))


def _show_alignment(found: Any, other: Any, label: str) -> None:
    """The alignment on the terminal: headline figures, tiers, gaps, drift (and a comparison)."""
    from marketscout.plan import alignment, report

    console.print(f"[bold]Alignment of {found.home}'s activities ({found.period.label}) with "
                  f"the list[/]: {found.list_description}", highlight=False)
    console.print(rich_table(report.alignment_summary(found), "Headline figures"))
    console.print(rich_table(found.tiers, "Effort by tier"))
    console.print(rich_table(found.gaps[["iso3", "market", "position", "tier"]],
                             "Gaps: core markets with no activity"))
    console.print(rich_table(found.drift, "Drift: activity off the list"))
    if other is not None:
        mine = f"{found.list_name} {found.period.label}"
        theirs = f"{other.list_name} {other.period.label}"
        if mine == theirs:
            mine, theirs = "first", f"second ({label})"
        head, _ = alignment.compare(found, other, (mine, theirs))
        console.print(rich_table(head, f"Comparison: {mine} vs {theirs}"))
