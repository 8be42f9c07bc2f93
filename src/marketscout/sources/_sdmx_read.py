"""Reading SDMX answers: SDMX-ML 2.1 (generic or structure-specific) through `sdmx1`, and
SDMX-CSV 1.0/2.0 (one observation a row) through pandas, into one table of observations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sdmx

from marketscout.errors import InputError

if TYPE_CHECKING:
    from marketscout.sources.sdmx_fdi import Dataflow

OBSERVATION_COLUMNS = ["home", "partner", "basis", "year", "value"]


def read_structure(path: Path, flow: Dataflow) -> Any:
    """The data structure definition (DSD) in a structure answer."""
    message = _read(path)
    dsds = list(getattr(message, "structure", {}).values())
    flows = list(getattr(message, "dataflow", {}).values())
    for dataflow in flows:  # the DSD the dataflow points to, when the answer holds it
        target = getattr(dataflow.structure, "id", None)
        dsds.sort(key=lambda d: d.id != target)
    if not dsds or not dsds[0].dimensions.components:
        raise InputError(
            f"The structure answer holds no data structure for {flow.dataflow_id}.",
            where=str(path),
            fix="The service may be down or have moved the dataflow; try again later, or "
            f"set MARKETSCOUT_{flow.source.upper()}_URL to a working mirror.")
    return dsds[0]


def read_observations(path: Path, flow: Dataflow, dsd: Any | None) -> tuple[pd.DataFrame, str]:
    """(observations: home, partner, basis, year, value in millions; the date the publisher
    prepared the answer, or "")."""
    path = Path(path)
    if _is_xml(path):
        message = _read(path, structure=dsd)
        if not hasattr(message, "data"):
            raise InputError("The answer is not an SDMX data message.", where=str(path),
                             fix="Check the URL (MARKETSCOUT_<SOURCE>_URL).")
        frames = [sdmx.to_pandas(ds, attributes="os").reset_index() for ds in message.data]
        raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        prepared = message.header.prepared
        stamp = prepared.date().isoformat() if prepared is not None else ""
    else:
        raw, stamp = _read_csv(path), ""
    return _observations(raw, flow, path), stamp


def _is_xml(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _read(path: Path, **options: Any) -> Any:
    """An SDMX-ML message; an SDMX error message or unreadable XML is an InputError."""
    head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    if re.search(r"<(\w+:)?Error[\s>]", head):
        text = re.search(r"<(?:\w+:)?Text[^>]*>(.*?)</", head, re.DOTALL)
        raise InputError(
            f"The service answered with an SDMX error: "
            f"{text.group(1).strip() if text else 'no text'}.",
            where=str(path),
            fix="No data matches the query (check --years), or the service is down; try "
            "again later.")
    try:
        return sdmx.read_sdmx(path, **options)
    except Exception as exc:  # sdmx1 and lxml raise many classes for a broken message
        raise InputError(
            f"The SDMX answer cannot be read ({type(exc).__name__}: {exc}).",
            where=str(path),
            fix="Download it again; if it persists the publisher changed its format: report "
            "it, or import the data as CSV.") from exc


def _read_csv(path: Path) -> pd.DataFrame:
    """SDMX-CSV: 1.0 (DATAFLOW column) or 2.0 (STRUCTURE, STRUCTURE_ID, ACTION columns)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"The answer is neither SDMX-ML nor SDMX-CSV ({exc}).",
                         where=str(path), fix="Check the URL (MARKETSCOUT_<SOURCE>_URL).",
                         ) from exc
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if "OBS_VALUE" not in frame.columns:
        raise InputError("The answer is neither SDMX-ML nor SDMX-CSV (no OBS_VALUE column).",
                         where=f"{path}, row 1",
                         fix="Check the URL (MARKETSCOUT_<SOURCE>_URL).")
    values = frame["OBS_VALUE"].str.strip()
    numbers = pd.to_numeric(values.mask(values.isin(["", "NaN", "nan"])), errors="coerce")
    bad = numbers.isna() & ~values.isin(["", "NaN", "nan"])
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"Not a number: {values.iloc[pos]!r} in column 'OBS_VALUE'.",
                         where=f"{path}, row {pos + 2}, column 'OBS_VALUE'",
                         fix="Use the publisher's answer unchanged.")
    return frame.assign(value=numbers)


def _observations(raw: pd.DataFrame, flow: Dataflow, path: Path) -> pd.DataFrame:
    """The slice of `flow.select`, with publisher codes as text and values in millions."""
    if raw.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    missing = [c for c in (flow.home_dim, flow.partner_dim, "TIME_PERIOD") if c not in raw]
    if missing:
        raise InputError(f"The answer has no column(s) {', '.join(missing)}.",
                         where=f"{path} (columns: {', '.join(map(str, raw.columns))})",
                         fix="The publisher changed the dataflow; report it.")
    for dim, code in flow.select.items():  # a server that ignored part of the key
        if dim in raw:
            raw = raw[raw[dim].astype(str) == code]
    years = raw["TIME_PERIOD"].astype(str).str.strip()
    odd = ~years.str.fullmatch(r"\d{4}")
    if odd.any():
        raise InputError(f"Not an annual period: {years[odd].iloc[0]!r}.",
                         where=f"{path}, column TIME_PERIOD",
                         fix="Ask for annual data (FREQ A); use the answer unchanged.")
    value = pd.to_numeric(raw["value"], errors="coerce")
    if "UNIT_MULT" in raw:  # 10^n units: bring everything to millions
        power = pd.to_numeric(raw["UNIT_MULT"], errors="coerce").fillna(6)
        value = value * 10.0 ** (power - 6)
    basis = raw[flow.basis_dim].astype(str) if flow.basis_dim in raw else ""
    return pd.DataFrame({
        "home": raw[flow.home_dim].astype(str).str.strip(),
        "partner": raw[flow.partner_dim].astype(str).str.strip(),
        "basis": basis,
        "year": years.astype(int),
        "value": value,
    }).reset_index(drop=True)
