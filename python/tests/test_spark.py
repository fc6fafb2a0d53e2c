"""Acceptance: a Spark job over the TWCS conversations (as Parquet) counts
findings per rule exactly as per-row `check` does, and as the command-line
tool's `--jsonl` output over the same replies does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import tactful
from conftest import CORPUS, REPO

cloudpickle = pytest.importorskip("pyspark.cloudpickle")
# Spark's workers cannot import this test module: send its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def cli_binary() -> Path | None:
    named = os.environ.get("TACTFUL_CLI")
    if named:
        return Path(named)
    for candidate in (REPO / "target/release/tactful", REPO / "target/release/examples/check"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def checked_rows(batches, checker=tactful.Checker()):
    for b in batches:
        result = checker.check_batch(
            b.column("text"), channel=b.column("channel"), customer=b.column("customer"),
            history=b.column("history"), received_at=b.column("received_at"), sent_at=b.column("sent_at"),
        )
        found = result.field("findings")
        rows = pc.list_parent_indices(found)
        yield pa.RecordBatch.from_arrays(
            [b.column("company").take(rows), pc.list_flatten(found).field("rule")], names=["company", "rule"]
        )


@pytest.fixture(scope="module")
def spark_rule_counts(spark, corpus_parquet) -> Counter:
    df = spark.read.parquet(corpus_parquet)
    assert df.rdd.getNumPartitions() >= 1
    counts = df.mapInArrow(checked_rows, "company string, rule string").groupBy("rule").count().collect()
    return Counter({r["rule"]: r["count"] for r in counts})


@pytest.fixture(scope="module")
def check_rule_counts(checker, corpus) -> Counter:
    c = Counter()
    for row in corpus:
        report = checker.check(
            row["text"], channel=row.get("channel"), customer=row.get("customer"),
            history=row.get("history"), received_at=row.get("received_at"), sent_at=row.get("sent_at"),
        )
        c.update(f["rule"] for f in report["findings"])
    return c


def test_spark_counts_equal_per_row_check(spark_rule_counts, check_rule_counts):
    assert sum(check_rule_counts.values()) > 0
    assert spark_rule_counts == check_rule_counts


def test_spark_counts_equal_the_command_line_tool(spark_rule_counts):
    binary = cli_binary()
    if binary is None:
        pytest.skip("no built command-line tool (target/release/tactful or target/release/examples/check)")
    run = subprocess.run([str(binary), "--jsonl", str(CORPUS)], capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr
    c = Counter()
    lines = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
    assert lines and all("error" not in l for l in lines)
    for line in lines:
        c.update(f["rule"] for f in line["findings"])
    assert spark_rule_counts == c


def test_spark_group_counts_sum_to_rule_counts(spark, corpus_parquet, spark_rule_counts):
    df = spark.read.parquet(corpus_parquet).mapInArrow(checked_rows, "company string, rule string")
    by_company = df.groupBy("company", "rule").count().collect()
    total = Counter()
    for r in by_company:
        total[r["rule"]] += r["count"]
    assert total == spark_rule_counts
    assert len({r["company"] for r in by_company}) > 1
