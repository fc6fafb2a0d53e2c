"""Shared fixtures: one checker, one Spark session, the TWCS corpus."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import tactful

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpora" / "twcs_conversations" / "conversations.jsonl"


@pytest.fixture(scope="session")
def checker() -> tactful.Checker:
    return tactful.Checker()


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    """The TWCS conversations, one dict per reply, as the file has them."""
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not there")
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def corpus_table(corpus):
    """The corpus as an Arrow table with the conversation columns typed."""
    import pyarrow as pa

    schema = pa.schema(
        [
            ("id", pa.string()),
            ("company", pa.string()),
            ("text", pa.string()),
            ("channel", pa.string()),
            ("customer", pa.string()),
            ("received_at", pa.string()),
            ("sent_at", pa.string()),
            (
                "history",
                pa.list_(pa.struct([("role", pa.string()), ("text", pa.string())])),
            ),
        ]
    )
    rows = [{k: r.get(k) for k in schema.names} for r in corpus]
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture(scope="session")
def corpus_parquet(corpus_table, tmp_path_factory) -> str:
    import pyarrow.parquet as pq

    path = tmp_path_factory.mktemp("twcs") / "replies.parquet"
    # Several row groups, so that Spark reads it in more than one task.
    pq.write_table(corpus_table, path, row_group_size=2_000)
    return str(path)


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One `local[2]` session for every test that needs Spark."""
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java for Spark")
    from pyspark.sql import SparkSession

    # Spark's Python workers run `python3` from PATH unless told otherwise;
    # they must be this interpreter, which has the wheel installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tactful-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert pyspark.__version__
    yield session
    session.stop()
