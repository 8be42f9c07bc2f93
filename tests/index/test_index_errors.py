"""Bad arguments to the index engine's imputers and normalisers raise the project's error
type (a FrameworkError, so an InputError: the CLI shows it without a traceback), saying
where and what to do."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.impute import fill_series, impute_frame, impute_panel
from marketscout.index.normalise import n_dist2targ

PANEL = pd.DataFrame({"uCode": ["A", "A"], "Time": [2020, 2021], "x": [1.0, np.nan]})


@pytest.mark.parametrize(("call", "what", "where"), [
    (lambda: impute_frame(pd.DataFrame({"x": [1.0, np.nan]}), "mean_group"),
     "mean_group imputation needs a group column", "impute_frame, groups"),
    (lambda: impute_frame(pd.DataFrame({"x": [1.0, np.nan]}), "knn"),
     "Unknown imputation method 'knn'", "impute_frame, method"),
    (lambda: impute_panel(PANEL, ["x"], imp_type="spline"),
     "Unknown panel imputation type 'spline'", "impute_panel, imp_type"),
    (lambda: fill_series(np.array([1.0, 2.0]), np.array([1.0, np.nan]), "spline"),
     "Unknown panel imputation type 'spline'", "impute_panel, imp_type"),
    (lambda: n_dist2targ(np.array([1.0, 2.0]), 3.0, direction=0),
     "The dist2targ direction must be 1 or -1, got 0", "n_dist2targ, direction"),
])
def test_bad_arguments_raise_framework_errors(call: Callable[[], object], what: str,
                                              where: str) -> None:
    with pytest.raises(FrameworkError) as err:
        call()
    assert err.value.what.startswith(what), err.value.what
    assert err.value.where == where and err.value.fix
