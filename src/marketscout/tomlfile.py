"""Reading a user's TOML file (call, recipe, DSM config) with errors that say what to do."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from marketscout.errors import InputError


def read_toml(
    path: Path | str,
    *,
    missing: str,
    invalid: str,
    error: type[InputError] = InputError,
    fix_missing: str = "Check the path.",
    fix_syntax: str = "Check the syntax (key = value, strings in quotes).",
) -> dict[str, Any]:
    """The parsed file; `missing` and `invalid` open the two error messages
    ("Call file" -> "Call file not found: ...", "The call file" -> "... is not valid TOML")."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{missing} not found: {path}", where=str(path), fix=fix_missing)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{invalid} is not valid TOML: {exc}", where=str(path),
                    fix=fix_syntax) from exc
