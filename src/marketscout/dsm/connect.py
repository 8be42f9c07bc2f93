"""The DSM's connection: the store's DuckDB cursor, or a Spark session answering the same
statements. Light to import: the `dsm` criterion asks whether complete trade data exists
through it on every `rank` without loading the engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from marketscout.errors import InputError
from marketscout.store import Store

if TYPE_CHECKING:
    import duckdb

# Store tables whose loads feed the filters (for the provenance of every result).
INPUT_TABLES = ("wb_indicator", "risk_rating", "distance", "lpi", "tariff", "ntm")


ENGINES = ("duckdb", "spark")


def check_engine(engine: object) -> None:
    """'duckdb', 'spark' or a SparkSession; anything else is refused before any work."""
    if isinstance(engine, str) and engine not in ENGINES:
        raise InputError(f"Unknown DSM engine {engine!r}.", where="--engine",
                         fix=f"Use one of: {', '.join(ENGINES)}.")


@contextmanager
def connection(store: Store | None, engine: object = "duckdb",
                ) -> Iterator[tuple[Store, duckdb.DuckDBPyConnection]]:
    """The store's engine cursor (an in-memory store when none is given), or for Spark a
    SparkConnection over it that runs the same statements on the session."""
    check_engine(engine)
    own = store is None
    active = Store() if store is None else store
    try:
        with active.engine() as con:
            if engine == "duckdb":
                yield active, con
            else:
                yield active, _spark(engine, con)
    finally:
        if own:
            active.close()


def _spark(engine: object, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    from marketscout.dsm.spark import SparkConnection, session

    spark = session() if isinstance(engine, str) else engine
    wrapped = SparkConnection(spark, con)  # type: ignore[arg-type]
    wrapped.register_store_tables(INPUT_TABLES)
    # The engine's code calls the connection API that SparkConnection answers.
    return wrapped  # type: ignore[return-value]
