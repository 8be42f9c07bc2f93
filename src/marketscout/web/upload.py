"""A file uploaded on the Data page, imported with the same checks as `marketscout data import`.

The upload is written under its own (cleaned) name in a temporary folder, so every error names
the user's file, row and column; the temporary path never reaches the page. It is parsed in a
worker process with its own time and memory bounds (web/worker.py), then loaded in one
transaction by the request's thread, so other requests are answered meanwhile.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed
from marketscout.store import Store
from marketscout.web.worker import Bounds, run_bounded

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
__all__ = ["SUFFIXES", "Bounds", "clean_name", "import_upload", "parse_upload"]


def clean_name(filename: str | None) -> str:
    """The file's own name without folders, in safe characters, e.g. 'gii 2024.csv'."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base)[-100:].lstrip(".")
    if not base or Path(base).suffix.lower() not in SUFFIXES:
        raise InputError(
            f"The file {clean_text(filename or '(none)')!r} is not a CSV or Excel file.",
            where="upload form, field 'file'",
            fix=f"Choose a file ending in {', '.join(SUFFIXES)}.",
        )
    return base


def clean_text(text: str) -> str:
    """`text` with characters that are not valid text replaced (e.g. a lone surrogate)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _named(exc: InputError, folder: Path, name: str) -> InputError:
    """The same error with the temporary path replaced by the file's own name."""
    prefix = str(folder / name)

    def fix(text: str | None) -> str | None:
        return text.replace(prefix, name).replace(str(folder), "") if text else text

    return type(exc)(fix(exc.what) or exc.what, where=fix(exc.where), fix=fix(exc.fix))


def _parse(kind: str, path: str, home: str | None, year: int | None, name: str | None,
           sheet: str | None) -> Parsed:
    """The parse itself (in the worker process): the CLI's own parser."""
    from marketscout.sources import user

    return user.parse(kind, Path(path), home=home, year=year, name=name, sheet=sheet)


def parse_upload(kind: str, filename: str | None, content: bytes, *, home: str | None = None,
                 year: int | None = None, name: str | None = None, sheet: str | None = None,
                 bounds: Bounds | None = None) -> Parsed:
    """Parse an uploaded file of `kind` fully, within `bounds` (any error: nothing returned)."""
    safe = clean_name(filename)
    if not content:
        raise InputError("The file is empty.", where=safe, fix="Choose the file again.")
    with tempfile.TemporaryDirectory(prefix="marketscout-upload-") as tmp:
        folder = Path(tmp)
        (folder / safe).write_bytes(content)
        args = (kind, str(folder / safe), home or None, year, name or None, sheet or None)
        try:
            parsed: Parsed = run_bounded(_parse, args, bounds or Bounds(),
                                         what=f"Reading {safe}")
        except InputError as exc:
            raise _named(exc, folder, safe) from exc
    prov: Provenance = replace(parsed.provenance, url=f"web upload: {safe}")
    return Parsed(parsed.tables, prov)


def import_upload(store: Store, kind: str, filename: str | None, content: bytes, *,
                  home: str | None = None, year: int | None = None, name: str | None = None,
                  sheet: str | None = None, bounds: Bounds | None = None) -> Provenance:
    """Parse and load an upload in one transaction; the store keeps its data on any error."""
    parsed = parse_upload(kind, filename, content, home=home, year=year, name=name,
                          sheet=sheet, bounds=bounds)
    store.load(parsed.tables, parsed.provenance, original=(clean_name(filename), content),
               options={"parser": "user", "kind": kind, "home": home or None, "year": year,
                        "name": name or None, "sheet": sheet or None, "complete": False})
    return parsed.provenance
