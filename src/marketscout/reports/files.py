"""Checks every writer makes before it opens an output file."""

from __future__ import annotations

from pathlib import Path

from marketscout.errors import InputError


def check_output(path: Path, where: str = "--output") -> Path:
    """The path, or a clear error when its folder is missing or it names a folder."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file.", where=where,
                         fix=f"Give a file name, e.g. {path / 'output'}.")
    if not path.parent.exists():
        raise InputError(f"The folder {path.parent} does not exist.", where=where,
                         fix="Create the folder first or choose another path.")
    return path
