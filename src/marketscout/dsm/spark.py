"""Running the DSM's SQL on Apache Spark (`--engine spark`; the extra `marketscout[spark]`).

`SparkConnection` answers the few calls the engine makes of a DuckDB connection (`execute`,
`fetchone`, `fetchall`, `df`, `sql(...).to_arrow_table()`) by transpiling each statement
(`dsm.dialect`) and running it on a SparkSession. A `CREATE TEMP TABLE ... AS` becomes a
checkpointed temp view (computed once, as DuckDB computes the table); the store's small input
tables (World Bank, LPI, distances, risk, tariffs, NTMs) are copied to Spark from the store,
and the trade files are read by Spark itself (Parquet, flat or partitioned by year).

The session is the user's: the active one (spark-submit, a notebook on a cluster, a managed
Spark service), else one from `SparkSession.builder` (which reads `spark-defaults.conf` and
`SPARK_*` settings), else a local session on every core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from marketscout.dsm.dialect import Params, Statement, to_spark
from marketscout.errors import InputError, MarketscoutError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

TRADE_VIEW = "trade_input"
HOW = ("Install the Spark extra (`pip install 'marketscout[spark]'`) and a Java runtime "
       "(Debian: `apt-get install default-jre-headless`), or use --engine duckdb.")


class SparkUnavailableError(MarketscoutError):
    """pyspark or Java is missing."""


def available() -> str | None:
    """None when Spark can run here, else why not (for tests and messages)."""
    import shutil
    from importlib.util import find_spec

    if find_spec("pyspark") is None or find_spec("sqlglot") is None:
        return "pyspark and sqlglot are not installed (the extra marketscout[spark])"
    if shutil.which("java") is None and not _java_home():
        return "no Java runtime (java) found"
    return None


def _java_home() -> bool:
    import os

    return bool(os.environ.get("JAVA_HOME"))


def session(master: str | None = None) -> SparkSession:
    """The active SparkSession, or a new one (local on every core unless configured)."""
    why = available()
    if why:
        raise SparkUnavailableError(f"--engine spark cannot run: {why}.", fix=HOW)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("marketscout-dsm")
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    if not spark.conf.get("spark.master", None):  # pragma: no cover - a builder sets it
        raise SparkUnavailableError("The Spark session has no master.", fix=HOW)
    return spark


def local_session(cores: int = 2, partitions: int = 2, *, small: bool = False) -> SparkSession:
    """A local session (tests, benchmarks): few shuffle partitions, no web UI. `small` (tiny
    test worlds): interpreted expressions, since compiling code costs more than the rows."""
    why = available()
    if why:
        raise SparkUnavailableError(f"--engine spark cannot run: {why}.", fix=HOW)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(f"local[{cores}]").appName("marketscout-dsm")
    if small:
        builder = (builder.config("spark.sql.codegen.wholeStage", "false")
                   .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                   .config("spark.sql.adaptive.enabled", "false"))
    return (builder.config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


class _Result:
    """A query's answer, fetched on demand."""

    def __init__(self, conn: SparkConnection, frame: DataFrame | None) -> None:
        self._conn, self._frame = conn, frame

    def to_arrow_table(self) -> pa.Table:
        assert self._frame is not None
        return self._frame.toArrow()

    def df(self) -> pd.DataFrame:
        """As DuckDB would convert the same Arrow columns (the same pandas dtypes)."""
        return self._conn.duck.from_arrow(self.to_arrow_table()).df()

    def fetchall(self) -> list[tuple[Any, ...]]:
        assert self._frame is not None
        return [tuple(row) for row in self._frame.collect()]

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self.fetchall()
        return rows[0] if rows else None


class SparkConnection:
    """The DuckDB-connection calls of the engine, answered by Spark (see the module doc).

    `duck` is the store's DuckDB cursor: the input tables are read from it, and results are
    turned into pandas by it so that both engines hand back the same dtypes.
    """

    dialect = "spark"

    def __init__(self, spark: SparkSession, duck: duckdb.DuckDBPyConnection) -> None:
        self.spark, self.duck = spark, duck
        self._last = _Result(self, None)
        self._tables: dict[str, DataFrame] = {}
        # DuckDB's arithmetic: null on a bad cast or an index out of range, never an error.
        spark.conf.set("spark.sql.ansi.enabled", "false")

    def execute(self, sql: str, params: Params = None) -> SparkConnection:
        self._last = self.sql(sql, params)
        return self

    def sql(self, sql: str, params: Params = None) -> _Result:
        statement = to_spark(sql, params)
        frame = self.spark.sql(statement.sql)
        if statement.create:
            self._register(statement, frame)
            return _Result(self, None)
        return _Result(self, frame)

    def _register(self, statement: Statement, frame: DataFrame) -> None:
        assert statement.name is not None
        if statement.create == "table":  # computed now and kept, as DuckDB keeps a table
            frame = frame.localCheckpoint(eager=True)
            old = self._tables.pop(statement.name, None)
            if old is not None:
                old.unpersist()
            self._tables[statement.name] = frame
        frame.createOrReplaceTempView(statement.name)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._last.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._last.fetchall()

    def df(self) -> pd.DataFrame:
        return self._last.df()

    def write_parquet(self, sql: str, params: Params, path: object) -> None:
        """The query's rows as a Parquet dataset folder at `path`, then the view
        `detail_output` over it."""
        _write(self, sql, params, path)

    def register_store_tables(self, tables: Sequence[str]) -> None:
        """Copy the store's (small) input tables to Spark temp views of the same names."""
        for name in tables:
            arrow = self.duck.sql(f"SELECT * FROM main.{name}").to_arrow_table()
            self.spark.createDataFrame(arrow).createOrReplaceTempView(name)

    def read_trade(self, files: Sequence[str], partitioned: str | None) -> list[str]:
        """The trade Parquet files as the view `trade_input` (with a `filename` column);
        returns its column names. `partitioned`: the dataset folder (hive layout t=YYYY)."""
        reader = self.spark.read
        if partitioned is not None:
            frame = reader.option("basePath", partitioned).parquet(*files)
        else:
            frame = reader.option("mergeSchema", "true").parquet(*files)
        from pyspark.sql import functions as F  # noqa: N812 (pyspark's convention)

        frame = frame.withColumn("filename", F.col("_metadata.file_path"))
        frame.createOrReplaceTempView(TRADE_VIEW)
        return [c.lower() for c in frame.columns]


def _write(conn: SparkConnection, sql: str, params: Params, path: object) -> None:
    frame = conn.spark.sql(to_spark(sql, params).sql)
    frame.write.mode("overwrite").option("compression", "zstd").parquet(str(path))
    conn.spark.read.parquet(str(path)).createOrReplaceTempView("detail_output")


def is_spark(con: object) -> bool:
    """Whether the engine runs on Spark (a SparkConnection) rather than DuckDB."""
    return getattr(con, "dialect", None) == "spark"


def refuse_csv(files: Sequence[str]) -> None:
    """Spark reads the trade data as Parquet only (what `dsm import trade` writes)."""
    raise InputError(f"--engine spark reads trade data as Parquet; got {', '.join(files)}.",
                     where=", ".join(files), fix="Convert the CSV files first: `marketscout "
                     "dsm import trade FILE.csv` writes Parquet.")
