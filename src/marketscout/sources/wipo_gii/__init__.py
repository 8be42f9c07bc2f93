"""WIPO Global Innovation Index: one edition's full-data workbook from a URL or a file
(`marketscout data update gii`), and the files the snapshot is built from (the 2019
full-data export, `full_data`; the 2011-2022 panel, `panel`).

WIPO publishes each edition's data at a new address (no stable pattern), so the default URL
is the GII home page and the workbook's own URL must be given once: with
`MARKETSCOUT_GII_URL`, the `[urls] gii` key of config.toml, or `--file` for a local copy.
The workbook is read by `full_data.parse_gii_wide` (WIPO's full-data export layout).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from marketscout.errors import DownloadError, InputError
from marketscout.sources import Parsed
from marketscout.sources._download import retrieved_on
from marketscout.sources.registry import UpdateContext, declare
from marketscout.sources.wipo_gii.full_data import parse_gii_wide
from marketscout.sources.wipo_gii.panel import parse_gii_panel

__all__ = ["SOURCE", "parse_gii_panel", "parse_gii_wide"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".zip")


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Parse the edition's workbook (downloaded, or `--file`) as table `gii`."""
    if ctx.file is not None:
        edition = edition_of(ctx, ctx.file.name)
        parsed = parse_gii_wide(ctx.file, edition)
        yield _with(parsed, url=ctx.file.resolve().as_uri(), retrieved=retrieved_on(ctx.file))
        return
    url = ctx.base_url
    name = PurePosixPath(urlsplit(url).path).name
    if not ctx.url_overridden or not name.lower().endswith(WORKBOOK_SUFFIXES):
        raise DownloadError(
            "WIPO publishes each GII edition's data workbook at a new address, so marketscout "
            "has no default download for it.",
            where=f"{url} (GII home page)",
            fix="Download the edition's full-data workbook from the GII site, then run "
            "`marketscout data update gii --file WORKBOOK.xlsx --years 2024`, or set "
            f"{ctx.source.env_var} to the workbook's URL.",
        )
    edition = edition_of(ctx, name)
    path = ctx.download(url, f"gii/{name}")
    parsed = parse_gii_wide(path, edition)
    retrieved = retrieved_on(path) if ctx.offline else date.today().isoformat()
    yield _with(parsed, url=url, retrieved=retrieved)


def edition_of(ctx: UpdateContext, name: str) -> int:
    """The GII edition: the last year of --years, else a year in the file name."""
    if ctx.years:
        return ctx.years[1]
    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", name)
    if len(set(found)) == 1:
        return int(found[0])
    raise InputError(
        f"Which GII edition is {name!r}? The name holds {len(set(found))} years.",
        where=name,
        fix="Give the edition with --years, e.g. --years 2024.",
    )


def _with(parsed: Parsed, *, url: str, retrieved: str) -> Parsed:
    return Parsed(parsed.tables, replace(parsed.provenance, url=url, retrieved=retrieved))



SOURCE = declare("gii", update)
