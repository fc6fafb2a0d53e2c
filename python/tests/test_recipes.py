"""The README's recipes, run as written (paths made absolute), on the TWCS
corpus as Parquet, against per-row `check`."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def recipe(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- recipe: {re.escape(name)} -->\n```python\n(.*?)```", text, re.S)
    assert m, f"README has no recipe {name}"
    return m.group(1)


@pytest.fixture(scope="module")
def replies(corpus_table, tmp_path_factory) -> Path:
    """The corpus plus two NULL replies, as replies.parquet."""
    extra = pa.Table.from_pylist(
        [{"company": "nobody", "text": None}, {"company": "nobody", "text": None}],
        schema=pa.schema([("company", pa.string()), ("text", pa.string())]),
    )
    table = pa.concat_tables([corpus_table, extra], promote_options="default")
    path = tmp_path_factory.mktemp("recipes") / "replies.parquet"
    pq.write_table(table, path, row_group_size=3_000)
    return path


@pytest.fixture(scope="module")
def plain_counts(checker, corpus) -> Counter:
    """(company, rule) counts with each reply checked on its own, as email."""
    c = Counter()
    for row in corpus:
        for f in checker.check(row["text"])["findings"]:
            c[(row["company"], f["rule"])] += 1
    return c


@pytest.fixture(scope="module")
def context_counts(checker, corpus) -> Counter:
    """(company, rule) counts with each reply checked in its conversation."""
    c = Counter()
    for row in corpus:
        report = checker.check(
            row["text"], channel=row.get("channel"), customer=row.get("customer"),
            history=row.get("history"), received_at=row.get("received_at"), sent_at=row.get("sent_at"),
        )
        for f in report["findings"]:
            c[(row["company"], f["rule"])] += 1
    return c


def run(name: str, replies: Path, out: Path) -> dict:
    code = recipe(name)
    code = code.replace('"replies.parquet"', repr(str(replies)))
    code = code.replace("'replies.parquet'", "'" + str(replies) + "'")
    code = code.replace('"rule_counts.parquet"', repr(str(out)))
    namespace: dict = {"__name__": f"recipe_{name}"}
    exec(compile(code, f"README.md:{name}", "exec"), namespace)
    return namespace


def spark_counts(out: Path) -> Counter:
    table = pq.read_table(out)
    return Counter({(r["company"], r["rule"]): r["count"] for r in table.to_pylist()})


def test_spark_recipe_is_ten_lines():
    lines = [l for l in recipe("spark").splitlines() if l.strip()]
    assert len(lines) <= 10, len(lines)


def test_spark_map_in_arrow_recipe(spark, replies, tmp_path, plain_counts):
    out = tmp_path / "rule_counts.parquet"
    run("spark", replies, out)
    assert spark_counts(out) == plain_counts


def test_spark_arrow_udf_recipe(spark, replies, tmp_path, context_counts):
    from pyspark.sql import functions as F

    if not hasattr(F, "arrow_udf"):
        pytest.skip("this Spark has no arrow_udf (Spark < 4.1)")
    out = tmp_path / "rule_counts.parquet"
    run("spark-arrow-udf", replies, out)
    assert spark_counts(out) == context_counts


def test_duckdb_recipe(replies, tmp_path, plain_counts, checker):
    pytest.importorskip("duckdb")
    ns = run("duckdb", replies, tmp_path / "unused")
    assert Counter({(c, r): n for c, r, n in ns["counts"]}) == plain_counts
    con = ns["con"]
    # NULL and empty replies go through and come back as no findings.
    rows = con.sql("select tactful_score(t), tactful_rules(t) from (values (NULL), (''), ('No.')) v(t)").fetchall()
    assert rows[0] == (100, []) and rows[1] == (100, [])
    assert rows[2][1] == [f["rule"] for f in checker.check("No.")["findings"]]


def test_duckdb_whole_struct(replies, checker):
    duckdb = pytest.importorskip("duckdb")
    import tactful

    con = duckdb.connect()
    struct = (
        "STRUCT(findings STRUCT(rule VARCHAR, category VARCHAR, severity VARCHAR, \"start\" BIGINT, "
        "\"end\" BIGINT, line BIGINT, \"column\" BIGINT, utf16_start BIGINT, utf16_end BIGINT, "
        "matched VARCHAR, message VARCHAR, suggestions VARCHAR[], fix VARCHAR, advice VARCHAR[])[], "
        "score INTEGER)"
    )
    con.create_function("tactful_check", lambda t: checker.check_batch(t), ["VARCHAR"],
                        duckdb.sqltype(struct) if hasattr(duckdb, "sqltype") else struct,
                        type="arrow", null_handling="special")
    rows = con.sql(f"select text, tactful_check(text) from '{replies}' limit 300").fetchall()
    assert len(rows) == 300
    for text, result in rows:
        want = checker.check(text) if text is not None else {"findings": [], "score": 100}
        assert result["score"] == want["score"]
        assert [f["rule"] for f in result["findings"]] == [f["rule"] for f in want["findings"]]
    assert tactful.RESULT_TYPE is not None


def test_polars_recipe(replies, tmp_path, plain_counts, checker):
    pytest.importorskip("polars")
    ns = run("polars", replies, tmp_path / "unused")
    counts = ns["counts"]
    got = Counter({(r["company"], r["rule"]): r["len"] for r in counts.to_dicts()})
    assert got == plain_counts
    df = ns["df"]
    assert df["tactful"].null_count() == 0
    first = df.row(0, named=True)
    assert first["tactful"]["score"] == checker.check(first["text"])["score"]


def test_pandas_recipe(replies, tmp_path, plain_counts, checker):
    pytest.importorskip("pandas")
    ns = run("pandas", replies, tmp_path / "unused")
    got = Counter({k: int(v) for k, v in ns["counts"].items()})
    assert got == plain_counts
    df = ns["df"]
    assert list(df["score"][:50]) == [
        checker.check(t)["score"] if t is not None else 100 for t in df["text"][:50]
    ]
    assert (df["score"][df["text"].isna()] == 100).all()
