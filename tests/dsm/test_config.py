"""The DSM configuration: METHODS.md §1 defaults, TOML loading, errors naming the key, docs."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from marketscout.dsm.config import SECTIONS, DSMConfig, describe, load_config
from marketscout.errors import InputError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "dsm.md"


def test_defaults_are_the_methods_values() -> None:
    """METHODS.md §1.4-1.6: 1% of world imports, CAGR over 5 years, HHI 0.4, terciles,
    top-6 suppliers; §1.3: the Credendo scale's worst class excluded."""
    c = DSMConfig()
    assert (c.large_market_share, c.long_term_years, c.hhi_max) == (0.01, 5, 0.4)
    assert c.access_bins == pytest.approx((1 / 3, 2 / 3))
    assert (c.top_suppliers, c.risk_exclude_worst, c.criterion_measure) == (
        6, True, "log_potential")
    labels = {row["key"]: row["label"] for row in describe()}
    assert {labels[k] for k in ("large_market_share", "hhi_max", "top_suppliers",
                                "position_cutoffs", "dominant_share")} == {"L"}
    assert set(labels.values()) <= {"L", "D", "V"}


def test_every_parameter_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for row in describe():
        assert f"`{row['key']}`" in text, f"{row['key']} is missing from docs/dsm.md"
        assert row["doc"] and row["section"] in SECTIONS


def test_toml_overrides(tmp_path: Path) -> None:
    path = tmp_path / "dsm.toml"
    path.write_text('[filter2]\nlarge_market_share = 0.02\nmin_import_value = 500\n'
                    '[filter3]\naccess_bins = [0.25, 0.75]\nred_keep_rows = [5]\n'
                    '[filter1]\nrisk_whitelist = ["TWN"]\n', encoding="utf-8")
    config = load_config(path)
    assert config == replace(DSMConfig(), large_market_share=0.02, min_import_value=500.0,
                             access_bins=(0.25, 0.75), red_keep_rows=(5,),
                             risk_whitelist=("TWN",))
    nested = tmp_path / "nested.toml"
    nested.write_text("[dsm.filter3]\nhhi_max = 0.3\n", encoding="utf-8")
    assert load_config(nested).hhi_max == 0.3
    assert load_config(None) == DSMConfig()


@pytest.mark.parametrize(("text", "message"), [
    ("[filter9]\nx = 1\n", r"Unknown section \[filter9\]"),
    ("[filter2]\nhhi_max = 0.3\n", r"'filter2.hhi_max'.*belongs in \[filter3\]"),
    ("[filter3]\nhhi_max = 'high'\n", "'filter3.hhi_max' must be a number"),
    ("[filter3]\nhhi_max = 1.5\n", r"'filter3.hhi_max' must lie in \[0.0, 1.0\]"),
    ("[filter4]\nposition_cutoffs = [0.5, 0.1, 1.0]\n", "3 increasing positive numbers"),
    ("[filter1]\nmacro_rule = 'all'\n", "Use one of: any, size_and_growth, off"),
    ("[filter2]\nlong_term_years = 2.5\n", "must be a whole number"),
    ("[filter3]\ndrop_red = 1\n", "must be true or false"),
    ("[filter3]\nred_keep_rows = [6]\n", "whole numbers from 1 to 5"),
    ("filter2 = ", "not valid TOML"),
])
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "dsm.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_config(path)
    assert caught.value.where == str(path) and caught.value.fix


def test_missing_file() -> None:
    with pytest.raises(InputError, match="Config file not found"):
        load_config(Path("/nonexistent/dsm.toml"))


def test_as_dict_round_trips() -> None:
    import tomllib

    def toml(value: object) -> str:
        if isinstance(value, str):
            return f'"{value}"'
        return str(value).lower() if isinstance(value, bool) else repr(value)

    text = "".join(f"[{s}]\n" + "".join(f"{k} = {toml(v)}\n" for k, v in table.items())
                   for s, table in DSMConfig().as_dict().items())
    from marketscout.dsm.config import config_from_mapping

    assert config_from_mapping(tomllib.loads(text)) == DSMConfig()
    assert len(fields(DSMConfig)) == sum(len(t) for t in DSMConfig().as_dict().values())
