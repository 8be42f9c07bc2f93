"""IMD World Digital Competitiveness Ranking: proprietary, so import only.

The IMD World Competitiveness Center sells its data; marketscout never downloads it. A user
with a licensed copy imports it (`marketscout data import imd FILE`, or
`marketscout data update imd --file FILE`), read by `user.parse_imd`.
"""

from __future__ import annotations

from collections.abc import Iterator

from marketscout.errors import DataNotAvailableError
from marketscout.sources import Parsed
from marketscout.sources.registry import UpdateContext, declare
from marketscout.sources.user import parse_imd

PROPRIETARY = (
    "The IMD World Digital Competitiveness Ranking is proprietary (IMD World Competitiveness "
    "Center): marketscout cannot download it."
)


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Import a licensed IMD file given with --file; without one, say why nothing is fetched."""
    if ctx.file is None:
        raise DataNotAvailableError(
            PROPRIETARY,
            where=ctx.source.default_url,
            fix="Import your licensed copy: `marketscout data import imd FILE` "
            "(columns: economy, year, score and/or rank).",
        )
    yield parse_imd(ctx.file, year=ctx.years[1] if ctx.years else None)



SOURCE = declare("imd", update)
