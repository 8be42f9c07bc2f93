"""Ties in the outranking matrix count half for each unit (COINr `outrankMatrix`: entry (a, b)
is the weight share of indicators where a beats b plus half the share where they tie,
METHODS.md §3.5). Every expected value below is worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.index.aggregate import a_copeland, outrank_matrix

#          i1  i2
# A         1   2
# B         1   3
# C         2   2
TIED = np.array([[1.0, 2.0], [1.0, 3.0], [2.0, 2.0]])


def test_a_tie_counts_half_for_each_unit() -> None:
    # equal weights 1/2: A-B tie on i1 (1/4 each), B wins i2 (1/2) -> A:B 1/4, B:A 3/4;
    # A-C: C wins i1, tie on i2 -> A:C 1/4, C:A 3/4; B-C: C wins i1, B wins i2 -> 1/2 each
    out = outrank_matrix(TIED)
    expected = np.array([[0, 0.25, 0.25], [0.75, 0, 0.5], [0.75, 0.5, 0]])
    assert out.matrix == pytest.approx(expected, abs=1e-15)
    assert out.n_dominant == 0 and out.frac_dominant == 0.0


def test_tie_shares_follow_the_weights() -> None:
    # weights (1, 3) -> (1/4, 3/4): A:B = 1/8 (half the i1 tie), B:A = 1/8 + 3/4 = 7/8;
    # A:C = 3/8 (half the i2 tie), C:A = 1/4 + 3/8 = 5/8; B:C = 3/4, C:B = 1/4
    out = outrank_matrix(TIED, np.array([1.0, 3.0]))
    expected = np.array([[0, 1 / 8, 3 / 8], [7 / 8, 0, 3 / 4], [5 / 8, 1 / 4, 0]])
    assert out.matrix == pytest.approx(expected, abs=1e-15)


def test_complete_ties_and_dominance() -> None:
    # A and B equal on every indicator: 1/2 each way; C beats both on every one: 1
    x = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    out = outrank_matrix(x)
    expected = np.array([[0, 0.5, 0], [0.5, 0, 0], [1, 1, 0]])
    assert out.matrix == pytest.approx(expected, abs=1e-15)
    assert out.n_dominant == 2 and out.frac_dominant == pytest.approx(2 / 3)
    # off the diagonal a pair's two entries always sum to one when nothing is missing
    pairs = out.matrix + out.matrix.T
    assert pairs[~np.eye(3, dtype=bool)] == pytest.approx(np.ones(6))


def test_copeland_scores_ties_as_neither_win_nor_loss() -> None:
    # TIED: A loses to B (1/4) and C (1/4): -2; B beats A, ties C (1/2): +1; C likewise +1
    assert a_copeland(TIED).tolist() == [-2.0, 1.0, 1.0]
    # complete tie of A and B: 0 between them; both lose to C
    x = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    assert a_copeland(x).tolist() == [-1.0, -1.0, 2.0]
