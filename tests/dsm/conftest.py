"""DSM fixtures: one local SparkSession for the whole test session (Spark tests only)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A small local SparkSession, started once. Where pyspark or Java is missing the Spark
    tests skip with the reason, except in CI (CI=true), where they must run: .ci/run installs
    both, so a missing one is a failure there."""
    from marketscout.dsm import spark as spark_module

    why = spark_module.available()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Spark tests, but {why}.")
        pytest.skip(f"Spark tests skipped: {why} (pip install 'marketscout[spark]' and a JRE)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = spark_module.local_session(cores=1, partitions=1, small=True)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
