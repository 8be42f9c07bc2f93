"""OECD: inward FDI positions by partner over SDMX (`marketscout data update oecd`), and the
Country Risk Classification of the Participants to the Arrangement on Officially Supported
Export Credits (`crc`: the official PDF, or the same table as CSV/XLSX)."""

from __future__ import annotations

from marketscout.sources import publishers
from marketscout.sources.oecd.crc import parse_crc
from marketscout.sources.sdmx_fdi import Dataflow, declare_flow

__all__ = ["OECD", "SOURCE", "parse_crc"]

OECD = Dataflow(
    source="oecd", agency="OECD", resource="OECD.DAF.INV,DSD_FDI@DF_FDI_POS_CTRY,1.0",
    dataflow_id="DSD_FDI@DF_FDI_POS_CTRY", agency_id="OECD.DAF.INV", home_dim="REF_AREA",
    partner_dim="COUNTERPART_AREA", basis_dim="LEVEL_COUNTERPART",
    # FDI positions (BMD4), directional principle inward, net, all resident units, total
    # direct investment, all sectors and activities, annual, in US dollars.
    select={"MEASURE": "LE_FA_F", "UNIT_MEASURE": "USD_EXC", "MEASURE_PRINCIPLE": "DI",
            "ACCOUNTING_ENTRY": "NET_FDI", "TYPE_ENTITY": "ALL", "FDI_COMP": "D",
            "SECTOR": "S1", "ACTIVITY": "_T", "FREQ": "A"},
    unit="USD million", home_code="iso3",
    provenance=publishers.provenance("oecd_fdi"),
)
SOURCE = declare_flow(OECD)
