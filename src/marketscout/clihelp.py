"""Help text as users expect it: each command's full one-line summary in the lists of
`--help` (click cuts them at about 45 characters with '...'; here they wrap instead)."""

from __future__ import annotations

import inspect
from typing import Any


def summary(command: Any, limit: int = 45) -> str:
    """The command's first paragraph in full, on one logical line (the formatter wraps it)."""
    text = command.short_help or command.help or ""
    first = inspect.cleandoc(text.split("\f", 1)[0]).split("\n\n", 1)[0]
    return " ".join(first.replace("\b", "").split())


def install() -> None:
    """Use `summary` for every command's entry in a group's help (Typer's own copy of click,
    and click itself where Typer uses it)."""
    try:
        from typer._click import core
    except ImportError:  # Typer releases that depend on click
        import click.core as core  # type: ignore[no-redef]
    core.Command.get_short_help_str = summary  # type: ignore[method-assign,assignment]
