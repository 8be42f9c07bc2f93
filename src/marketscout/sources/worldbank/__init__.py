"""World Bank: WDI indicators from the API (`marketscout data update worldbank`) and the
files the snapshot is built from (the WDI panel and the bulk-download CSV layout)."""

from marketscout.sources.registry import declare
from marketscout.sources.worldbank.api import update
from marketscout.sources.worldbank.files import parse_wb_bulk, parse_wdi_panel

__all__ = ["SOURCE", "parse_wb_bulk", "parse_wdi_panel"]

SOURCE = declare("worldbank", update)
