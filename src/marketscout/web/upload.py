"""A file uploaded on the Data page, imported with the same checks as `marketscout data import`.

The upload is written under its own (cleaned) name in a temporary folder, so every error names
the user's file, row and column; the temporary path never reaches the page.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, user
from marketscout.store import Store

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


def clean_name(filename: str | None) -> str:
    """The file's own name without folders, in safe characters, e.g. 'gii 2024.csv'."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base)[-100:].lstrip(".")
    if not base or Path(base).suffix.lower() not in SUFFIXES:
        raise InputError(
            f"The file {filename or '(none)'!r} is not a CSV or Excel file.",
            where="upload form, field 'file'",
            fix=f"Choose a file ending in {', '.join(SUFFIXES)}.",
        )
    return base


def _named(exc: InputError, folder: Path, name: str) -> InputError:
    """The same error with the temporary path replaced by the file's own name."""
    prefix = str(folder / name)

    def fix(text: str | None) -> str | None:
        return text.replace(prefix, name).replace(str(folder), "") if text else text

    return type(exc)(fix(exc.what) or exc.what, where=fix(exc.where), fix=fix(exc.fix))


def parse_upload(kind: str, filename: str | None, content: bytes, *, home: str | None = None,
                 year: int | None = None, name: str | None = None, sheet: str | None = None
                 ) -> Parsed:
    """Parse an uploaded file of `kind` fully (any error: nothing is returned)."""
    safe = clean_name(filename)
    if not content:
        raise InputError("The file is empty.", where=safe, fix="Choose the file again.")
    with tempfile.TemporaryDirectory(prefix="marketscout-upload-") as tmp:
        folder = Path(tmp)
        (folder / safe).write_bytes(content)
        try:
            parsed = user.parse(kind, folder / safe, home=home or None, year=year,
                                name=name or None, sheet=sheet or None)
        except InputError as exc:
            raise _named(exc, folder, safe) from exc
    prov: Provenance = replace(parsed.provenance, url=f"web upload: {safe}")
    return Parsed(parsed.tables, prov)


def import_upload(store: Store, kind: str, filename: str | None, content: bytes, *,
                  home: str | None = None, year: int | None = None, name: str | None = None,
                  sheet: str | None = None) -> Provenance:
    """Parse and load an upload in one transaction; the store keeps its data on any error."""
    parsed = parse_upload(kind, filename, content, home=home, year=year, name=name, sheet=sheet)
    store.load(parsed.tables, parsed.provenance)
    return parsed.provenance
