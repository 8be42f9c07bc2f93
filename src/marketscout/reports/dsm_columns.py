"""Headers (with units), formats and notes of the DSM's output tables (workbook and CSV)."""

from __future__ import annotations

from marketscout.reports.columns import Column

_K = "thousand USD"
_NAMES = (
    Column("home", "Home (ISO3)", "text"),
    Column("year", "Year", "auto"),
    Column("market", "Market (ISO3)", "text"),
    Column("market_name", "Market", "text", width=22),
    Column("product", "HS6 product", "text"),
    Column("product_name", "Product (HS6 description, BACI)", "text", width=45),
    Column("hs_section", "HS section", "text"),
    Column("sector", "Sector (your mapping)", "text", width=22),
)
PAIR_COLUMNS = (
    *_NAMES,
    Column("filter", "Filter", "text"),
    Column("reason", "Why left out", "text", width=22),
    Column("cell", "REO map cell (1-20)", "int"),
    Column("row_class", "Row (market class, 1-5)", "int"),
    Column("col_class", "Column (position, 1-4)", "int"),
    Column("import_value", f"Imports ({_K})", "money"),
    Column("home_exports", f"Home exports ({_K})", "money"),
    Column("home_share", "Home share", "percent"),
    Column("relative_share", "Relative share (x top suppliers' mean)", "ratio"),
    Column("benchmark_share", "Benchmark share", "percent"),
    Column("untapped_potential", f"Untapped potential ({_K})", "money"),
    Column("world_share", "Share of world imports", "percent"),
    Column("st_growth", "Growth t-1 to t", "percent"),
    Column("world_st_growth", "World growth t-1 to t", "percent"),
    Column("lt_growth", "Long-term growth (CAGR)", "percent"),
    Column("world_lt_growth", "World long-term growth (CAGR)", "percent"),
    Column("lt_span", "CAGR span (years)", "int"),
    Column("hhi", "Supplier HHI (0-1)", "ratio"),
    Column("suppliers", "Suppliers", "int"),
    Column("access_class", "Accessibility class", "text"),
    Column("access_index", "Accessibility index", "ratio"),
    Column("source", "Trade data", "text", width=30),
)
MARKET_COLUMNS = (
    Column("market", "Market (ISO3)", "text"),
    Column("market_name", "Market", "text", width=22),
    Column("passed_filter1", "Passed the country screen", "auto"),
    Column("filter1_reason", "Country screen: why left out", "text"),
    Column("filter1_note", "Country screen: note", "text"),
    Column("gdp", "GDP (PPP, current int. $)", "money"),
    Column("gdp_per_capita", "GDP per capita (PPP, int. $)", "money"),
    Column("growth", "Real GDP growth (%, mean)", "decimal"),
    Column("growth_per_capita", "Real GDP per capita growth (%, mean)", "decimal"),
    Column("risk_score", "Risk score (0-1, 1 = lowest risk)", "ratio"),
    Column("risk_ratings", "Risk ratings", "text"),
    Column("access_class", "Accessibility class", "text"),
    Column("access_index", "Accessibility index", "ratio"),
    Column("access_variables", "Accessibility variables used", "text"),
    Column("distance", "Distance (km)", "money"),
    Column("lpi", "LPI score", "decimal"),
    Column("lpi_year", "LPI edition", "auto"),
    Column("tariff", "Mean applied tariff (%)", "decimal"),
    Column("ntm", "NTM frequency ratio", "ratio"),
    Column("opportunities", "Opportunities", "int"),
    Column("opportunity_imports", f"Imports of the opportunities ({_K})", "money"),
    Column("home_exports", f"Home exports ({_K})", "money"),
    Column("untapped_potential", f"Untapped potential ({_K})", "money"),
    *(Column(f"cell_{c}", f"Cell {c}", "int") for c in range(1, 21)),
)
ROLLUP_COLUMNS = (
    Column("market", "Market (ISO3; ALL = every market)", "text"),
    Column("market_name", "Market", "text", width=22),
    Column("hs_section", "HS section", "text"),
    Column("title", "Section", "text", width=50),
    Column("hs_chapter", "HS chapter", "text"),
    Column("section", "HS section", "text"),
    Column("sector", "Sector", "text", width=22),
    Column("opportunities", "Opportunities", "int"),
    Column("import_value", f"Imports ({_K})", "money"),
    Column("home_exports", f"Home exports ({_K})", "money"),
    Column("untapped_potential", f"Untapped potential ({_K})", "money"),
)
FUNNEL_COLUMNS = (
    Column("stage", "Stage", "text", width=34),
    Column("markets", "Markets", "int"),
    Column("product_markets", "Product-markets", "int"),
)
