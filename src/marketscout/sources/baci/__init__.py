"""CEPII BACI: bilateral trade flows by HS6 product (Gaulier and Zignago 2010), from the bulk
archives (`marketscout data update baci`) or single files: year files (`flows`), the code
tables (`codes`), and one exporter's exports by partner (`exports`)."""

from marketscout.sources.baci.bulk import update
from marketscout.sources.baci.codes import BACI, parse_country_codes, parse_product_codes
from marketscout.sources.baci.exports import parse_exports_by_partner
from marketscout.sources.baci.flows import (
    NON_COUNTRY_CODES,
    Dropped,
    iter_blocks,
    parse_trade,
    transform_flows,
)
from marketscout.sources.registry import declare

__all__ = ["BACI", "NON_COUNTRY_CODES", "SOURCE", "Dropped", "iter_blocks",
           "parse_country_codes", "parse_exports_by_partner", "parse_product_codes",
           "parse_trade", "transform_flows"]

SOURCE = declare("baci", update)
