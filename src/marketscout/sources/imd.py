"""IMD World Digital Competitiveness Ranking: proprietary, so import only.

The IMD World Competitiveness Center sells its data; marketscout never downloads it. A user
with a licensed copy imports it (`marketscout data import imd FILE`, or
`marketscout data update imd --file FILE`), read by `user.parse_imd`.
"""

from __future__ import annotations

from collections.abc import Iterator

from marketscout.errors import DataNotAvailableError
from marketscout.sources import Parsed
from marketscout.sources.registry import Source, UpdateContext
from marketscout.sources.user import parse_imd

DEFAULT_URL = "https://www.imd.org/centers/wcc/world-competitiveness-center/rankings/"
PROPRIETARY = (
    "The IMD World Digital Competitiveness Ranking is proprietary (IMD World Competitiveness "
    "Center): marketscout cannot download it."
)


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Import a licensed IMD file given with --file; without one, say why nothing is fetched."""
    if ctx.file is None:
        raise DataNotAvailableError(
            PROPRIETARY,
            where=DEFAULT_URL,
            fix="Import your licensed copy: `marketscout data import imd FILE` "
            "(columns: economy, year, score and/or rank).",
        )
    yield parse_imd(ctx.file, year=ctx.years[1] if ctx.years else None)


SOURCE = Source(
    id="imd",
    name="IMD World Digital Competitiveness Ranking",
    publisher="IMD World Competitiveness Center",
    default_url=DEFAULT_URL,
    licence="proprietary (licensed copies only)",
    update=update,
    note=PROPRIETARY + " Import it with `marketscout data import imd FILE`.",
    downloadable=False,
    accepts_file=True,
)
