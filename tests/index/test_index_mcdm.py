"""TOPSIS and PROMETHEE II: published anchors (METHODS.md §5.1, §5.2)."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.mcdm import preference, promethee_ii, topsis

# Hwang & Yoon's fighter-aircraft data; criterion 4 is a cost.
AIRCRAFT = np.array([
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
])
W = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
TYPES = np.array([1, 1, 1, -1, 1, 1])


def test_topsis_aircraft_anchor() -> None:
    assert topsis(AIRCRAFT, W, TYPES) == pytest.approx([0.6433, 0.2684, 0.6135, 0.3123],
                                                       abs=1e-4)


def test_promethee_doc_example_anchor() -> None:
    X = np.array([[4.0, 3, 2], [3, 2, 4], [5, 1, 3]])
    assert promethee_ii(X, [0.5, 0.3, 0.2]) == pytest.approx([0.1, -0.3, 0.2])


def test_promethee_aircraft_usual_anchor() -> None:
    phi = promethee_ii(AIRCRAFT, W, TYPES, kind="usual")
    assert phi == pytest.approx([0.1, -0.3, 0.3333, -0.1333], abs=1e-4)


def test_promethee_aircraft_vshape_range_anchor() -> None:
    p = AIRCRAFT.max(axis=0) - AIRCRAFT.min(axis=0)
    phi = promethee_ii(AIRCRAFT, W, TYPES, kind="vshape", p=p)
    assert phi == pytest.approx([0.1496, -0.2155, 0.1734, -0.1075], abs=1e-4)
    assert phi.sum() == pytest.approx(0)


def test_preference_functions() -> None:
    d = np.array([-1.0, 0.0, 0.5, 1.5, 3.0])
    assert preference(d, "usual").tolist() == [0, 0, 1, 1, 1]
    assert preference(d, "ushape", q=1).tolist() == [0, 0, 0, 1, 1]
    assert preference(d, "vshape", p=2).tolist() == [0, 0, 0.25, 0.75, 1]
    assert preference(d, "level", p=2, q=1).tolist() == [0, 0, 0, 0.5, 1]
    assert preference(d, "linear", p=2, q=1).tolist() == [0, 0, 0, 0.5, 1]
    gauss = preference(d, "gaussian", s=1)
    assert gauss[:2].tolist() == [0, 0]
    assert gauss[3] == pytest.approx(1 - np.exp(-1.5**2 / 2))


def test_missing_values_rejected() -> None:
    with pytest.raises(FrameworkError, match="complete matrix"):
        topsis(np.array([[1.0, np.nan], [2.0, 3.0]]), [1, 1])


def test_against_pymcdm_when_installed() -> None:
    pymcdm = pytest.importorskip("pymcdm")
    ref = pymcdm.methods.TOPSIS(pymcdm.normalizations.vector_normalization)(AIRCRAFT, W, TYPES)
    assert topsis(AIRCRAFT, W, TYPES) == pytest.approx(ref, abs=1e-9)
    ref = pymcdm.methods.PROMETHEE_II("usual")(AIRCRAFT, W, TYPES)
    assert promethee_ii(AIRCRAFT, W, TYPES) == pytest.approx(ref, abs=1e-9)
