"""Measurements for python/README.md (not part of CI).

1. `check_batch` over the TWCS conversations corpus against the command-line
   tool's `--jsonl` over the same replies (one run each, wall clock).
2. A Spark `local[2]` job (the README's mapInArrow recipe: per-rule counts
   by company, written as Parquet) over a Parquet file of N replies made by
   repeating the corpus: replies/s and the peak resident memory of the whole
   process tree (driver JVM and Python workers), sampled every 0.1 s.

Run from the repository root, in a venv with the wheel, pyarrow and pyspark:

    cargo build --release --example check      # or the cli/ crate's binary
    python python/bench.py --cli target/release/examples/check --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Import the installed package, not the source folder beside this script
# (an editable install, `maturin develop`, puts that folder back itself).
_here = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != _here]

import tactful  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "twcs_conversations" / "conversations.jsonl"


def load_corpus() -> pa.Table:
    schema = pa.schema(
        [
            ("company", pa.string()),
            ("text", pa.string()),
            ("channel", pa.string()),
            ("customer", pa.string()),
            ("received_at", pa.string()),
            ("sent_at", pa.string()),
            ("history", pa.list_(pa.struct([("role", pa.string()), ("text", pa.string())]))),
        ]
    )
    with CORPUS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema)


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class PeakMemory:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(os.getpid()))
            time.sleep(0.1)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bench_batch(table: pa.Table, cli: str | None) -> None:
    checker = tactful.Checker()
    n = table.num_rows
    checker.check_batch(table["text"][:1000])  # warm the per-thread buffers
    t0 = time.perf_counter()
    result = checker.check_batch(
        table["text"], channel=table["channel"], customer=table["customer"], history=table["history"],
        received_at=table["received_at"], sent_at=table["sent_at"],
    )
    batch_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    checker.check_batch(table["text"], channel=table["channel"])
    text_only_s = time.perf_counter() - t0
    findings = sum(len(f) for f in result.field("findings").to_pylist())
    print(f"corpus: {n} replies, {findings} findings, {os.cpu_count()} cores")
    print(f"check_batch (with conversation columns): {batch_s:.3f} s, {n / batch_s:,.0f} replies/s")
    print(f"check_batch (text and channel only):     {text_only_s:.3f} s, {n / text_only_s:,.0f} replies/s")
    if cli:
        with open(os.devnull, "wb") as devnull:
            subprocess.run([cli, "--jsonl", str(CORPUS)], stdout=devnull, check=False)  # warm the cache
            t0 = time.perf_counter()
            subprocess.run([cli, "--jsonl", str(CORPUS)], stdout=devnull, check=False)
            cli_s = time.perf_counter() - t0
        print(f"{cli} --jsonl (to /dev/null): {cli_s:.3f} s, {n / cli_s:,.0f} replies/s")
        print(f"ratio check_batch / command-line tool (time): {batch_s / cli_s:.2f}")


def rule_rows(batches, checker=tactful.Checker()):
    import pyarrow.compute as pc

    for b in batches:
        found = checker.check_batch(b.column("text")).field("findings")
        rows = pc.list_parent_indices(found)
        yield pa.RecordBatch.from_arrays(
            [b.column("company").take(rows), pc.list_flatten(found).field("rule")], names=["company", "rule"]
        )


def bench_spark(table: pa.Table, rows: int, workdir: Path) -> None:
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    small = table.select(["company", "text"])
    reps = -(-rows // small.num_rows)
    big = pa.concat_tables([small] * reps).slice(0, rows)
    path = workdir / "replies-1m.parquet"
    pq.write_table(big, path, row_group_size=50_000)
    print(f"spark input: {path} ({rows:,} replies, {path.stat().st_size / 1e6:.0f} MB)")
    out = workdir / "rule_counts.parquet"
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]").appName("tactful-bench")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        startup_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        (spark.read.parquet(str(path)).mapInArrow(rule_rows, "company string, rule string")
         .groupBy("company", "rule").count().write.mode("overwrite").parquet(str(out)))
        job_s = time.perf_counter() - t1
        spark.stop()
    counted = sum(r["count"] for r in pq.read_table(out).to_pylist())
    print(f"spark local[2]: session start {startup_s:.1f} s; job {job_s:.1f} s, {rows / job_s:,.0f} replies/s, "
          f"{counted:,} findings counted")
    print(f"peak resident memory (driver JVM + Python workers + this process): {mem.peak / 2**20:,.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", help="the command-line tool, for the comparison")
    ap.add_argument("--rows", type=int, default=1_000_000, help="replies in the Spark input")
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    table = load_corpus()
    bench_batch(table, args.cli)
    if not args.no_spark:
        workdir = Path(tempfile.mkdtemp(prefix="tactful-bench-"))
        try:
            bench_spark(table, args.rows, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
