"""The environment of a timed `marketscout` process, shared by the whole-process benchmarks.

Its own home and cache folder, the source tree on the path, and compiled bytecode as an
installed package has (pip writes .pyc files on install): PYTHONDONTWRITEBYTECODE, which
development shells set, would make every process compile the source tree again (about 0.2 s),
so it is dropped and PYTHONPYCACHEPREFIX points to `pycache` (filled by the first run).
"""

from __future__ import annotations

import os
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def process_env(home: Path | str, pycache: Path | str | None,
                cache: Path | str | None = None) -> dict[str, str]:
    """`pycache=None` keeps the caller's bytecode settings (compile in every process if so)."""
    env = os.environ | {
        "MARKETSCOUT_HOME": str(home), "MARKETSCOUT_CACHE": str(cache or Path(home) / "cache"),
        "PYTHONPATH": os.pathsep.join([SRC, *filter(None, [os.environ.get("PYTHONPATH")])])}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env
