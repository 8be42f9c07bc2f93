"""CORDIS (European Commission): who took part in which Horizon 2020 / Horizon Europe
project, from the official bulk archives (`marketscout data update cordis`) or the files
the snapshot is built from."""

from marketscout.sources.cordis.bulk import (
    PROGRAMMES,
    archive_url,
    parse_archive,
    parse_sample,
    update,
)
from marketscout.sources.cordis.participations import (
    parse_h2020,
    parse_horizon_europe_organizations,
    participations,
)
from marketscout.sources.registry import declare

__all__ = ["PROGRAMMES", "SOURCE", "archive_url", "parse_archive", "parse_h2020",
           "parse_horizon_europe_organizations", "parse_sample", "participations"]

SOURCE = declare("cordis", update)
