"""The command line: thin commands over the library. The only place errors become exit codes.

Commands are registered lazily: `marketscout --help` lists them from the table below without
importing a single command module, and `marketscout rank ...` imports only `rank`'s module,
so start-up never pays for pandas, DuckDB or the web stack it does not use.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from marketscout import clicoerce, clihelp
from marketscout.errors import MarketscoutError

clihelp.install()  # full one-line summaries in --help, wrapped rather than cut
clicoerce.install()  # option values without pydantic (~0.1 s of every command)

# name -> (modules under marketscout.commands that declare it, one-line summary), in the order
# `--help` lists them: the main job first. A test holds each summary equal to the command's
# own first docstring line.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "rank": (("rank",), "Rank candidate markets on the seven criteria and select the "
                        "priority list."),
    "report": (("report",), "Write the priority list, map, rank intervals and sources as one "
                            "offline HTML file."),
    "criteria": (("criteria",), "Print each candidate market's value on each of the seven "
                                "criteria, with sources."),
    "data": (("data", "data_import", "data_update"),
             "Inspect, import and update the data behind the criteria."),
    "dsm": (("dsm", "dsm_synth", "dsm_robust"),
            "Realistic export opportunities in product-level trade data "
            "(Decision Support Model)."),
    "collab": (("collab",), "Horizon collaboration analytics: pairs, country profiles, third "
                            "countries, the country network."),
    "partners": (("collab",), "Find organisations in a market whose Horizon projects match a "
                              "topic."),
    "call": (("call",), "Joint R&D calls: eligibility, ranking and funding under national "
                        "budgets (docs/calls.md)."),
    "plan": (("plan",), "Act on the list: activity register, targets, alignment and a "
                        "proposed plan."),
    "survey": (("survey",), "Run the business association survey (the seventh criterion)."),
    "serve": (("serve",), "Start the web app: priority list, market profiles, data, downloads "
                          "and survey."),
    "users": (("users",), "Manage who may log in to the web app (admins and analysts)."),
    "index": (("index", "index_robust"),
              "Build any COINr-style composite index from CSV tables."),
    "snapshot": (("snapshot",), "Build the embedded data snapshot from raw public files."),
    "store": (("store",), "Check the data store, or rebuild it from the snapshot and your kept "
                          "data."),
}


class LazyGroup(TyperGroup):
    """A Typer group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in COMMANDS:  # listed in --help from the table, not loaded
            summary = COMMANDS[cmd_name][1]
            return TyperCommand(cmd_name, help=summary, short_help=summary)
        return None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in COMMANDS:
            self.commands[args[0]] = load(args[0])
        return super().resolve_command(ctx, args)


def load(name: str) -> Any:
    """The real click command `name`, importing the modules that declare it."""
    for module in COMMANDS[name][0]:
        importlib.import_module(f"marketscout.commands.{module}")
    return typer.main.get_group(app).commands[name]


def load_all() -> dict[str, Any]:
    """Every command, loaded (for the docs tests and the help-summary check)."""
    return {name: load(name) for name in COMMANDS}


app = typer.Typer(
    cls=LazyGroup,
    name="marketscout",
    help="Choose, explain and act on priority partner markets for export and innovation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: normal flag syntax, no markup eaten in texts
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Choose, explain and act on priority partner markets for export and innovation."""


def main() -> Any:
    """Entry point: run the app and turn marketscout errors into a message and exit code 2.

    Usage errors, --help and normal exits are handled by Typer itself (standalone mode); only
    our own errors reach the handler below.
    """
    try:
        app()
    except MarketscoutError as exc:
        from rich.markup import escape  # messages may hold [brackets], e.g. TOML sections

        from marketscout.commands._common import err_console as err

        err.print(f"[bold red]Error:[/] {escape(exc.what)}", highlight=False)
        if exc.where:
            err.print(f"[bold]Where:[/] {escape(exc.where)}", highlight=False)
        if exc.fix:
            err.print(f"[bold]What to do:[/] {escape(exc.fix)}", highlight=False)
        sys.exit(2)
