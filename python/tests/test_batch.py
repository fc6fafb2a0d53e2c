"""check_batch: every input container, NULLs, odd strings, per-row context,
and agreement with check on every row."""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pytest

import tactful

TEXTS = ["Calm down, that's not my job.", None, "", "Thanks! 😀 Happy to help.", "No. We don't do refunds."]


def as_reports(result: pa.StructArray) -> list[dict]:
    return result.to_pylist()


def expected(checker, texts, **kw) -> list[dict]:
    out = []
    for i, t in enumerate(texts):
        if t is None:
            out.append({"findings": [], "score": 100})
            continue
        row = {k: (v[i] if isinstance(v, list) else v) for k, v in kw.items()}
        out.append(checker.check(t, **row))
    return out


def test_result_type_is_documented(checker):
    result = checker.check_batch(TEXTS)
    assert isinstance(result, pa.StructArray)
    assert result.type == tactful.result_type() == tactful.RESULT_TYPE
    assert [result.type.field(i).name for i in range(result.type.num_fields)] == ["findings", "score"]
    finding = result.type.field("findings").type.value_type
    assert [finding.field(i).name for i in range(finding.num_fields)] == [
        "rule", "category", "severity", "start", "end", "line", "column",
        "utf16_start", "utf16_end", "matched", "message", "suggestions", "fix", "advice",
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t,
        lambda t: tuple(t),
        lambda t: pa.array(t),
        lambda t: pa.array(t, pa.large_string()),
        lambda t: pa.array(t, pa.string_view()),
        lambda t: pa.chunked_array([t[:2], t[2:]]),
        lambda t: pa.chunked_array([], pa.string()) if not t else pa.chunked_array([t]),
        lambda t: pa.table({"text": t}),
        lambda t: pa.RecordBatch.from_pydict({"text": t}),
    ],
    ids=["list", "tuple", "string", "large_string", "string_view", "chunked", "one-chunk", "table", "batch"],
)
def test_every_container_gives_the_same(checker, make):
    result = checker.check_batch(make(TEXTS))
    assert len(result) == len(TEXTS)
    assert result.null_count == 0
    assert result.field("findings").null_count == 0
    assert as_reports(result) == expected(checker, TEXTS)


def test_null_in_gives_empty_list_out(checker):
    result = checker.check_batch(pa.array([None, None], pa.string()))
    assert result.to_pylist() == [{"findings": [], "score": 100}] * 2
    assert checker.check_batch(pa.nulls(3)).to_pylist() == [{"findings": [], "score": 100}] * 3


def test_empty_batches(checker):
    for empty in ([], pa.array([], pa.string()), pa.chunked_array([], pa.string())):
        result = checker.check_batch(empty)
        assert len(result) == 0 and result.type == tactful.RESULT_TYPE


def test_odd_strings_do_not_crash(checker):
    big = ("That's not my job. " * 60_000)[:1_000_000]
    texts = [None, "", "\ud800", "a\udfffb", big, "x" * 1_000_000, "😀" * 1000]
    result = checker.check_batch(texts)
    assert len(result) == len(texts)
    reports = result.to_pylist()
    assert reports[4]["findings"], "the 1 MB reply has findings"
    assert reports == expected(checker, texts)
    # The same through Arrow (pyarrow refuses lone surrogates, so those stay out).
    arrow_texts = [t for t in texts if t is None or "\ud800" not in t and "\udfff" not in t]
    assert checker.check_batch(pa.array(arrow_texts)).to_pylist() == expected(checker, arrow_texts)


def test_many_threads_keep_row_order(checker):
    texts = [t for _ in range(400) for t in TEXTS]
    one = checker.check_batch(texts, threads=1)
    many = checker.check_batch(texts, threads=7)
    assert one.equals(many)
    assert one.to_pylist() == expected(checker, texts)


def test_per_row_context(checker):
    texts = ["No. Please DM us.", "Hi John,\nThat's not my job.\nThanks", None]
    channels = ["social", None, "chat"]
    customers = ["my parcel never arrived!!", None, "hello"]
    history = [[{"role": "customer", "text": "hi"}], None, [("agent", "Hello!")]]
    received = ["2026-11-02T09:14:00Z", None, "2026-11-02T09:14:00+01:00"]
    sent = ["2026-11-03T15:40:00Z", None, None]
    want = []
    for i, t in enumerate(texts):
        if t is None:
            want.append({"findings": [], "score": 100})
        else:
            want.append(
                checker.check(t, channel=channels[i], customer=customers[i], history=history[i],
                              received_at=received[i], sent_at=sent[i])
            )
    got = checker.check_batch(texts, channel=channels, customer=customers, history=history,
                              received_at=received, sent_at=sent)
    assert got.to_pylist() == want
    # The same columns as Arrow, timestamps typed.
    turn = pa.struct([("role", pa.string()), ("text", pa.string())])
    hist = pa.array([[{"role": "customer", "text": "hi"}], None, [{"role": "agent", "text": "Hello!"}]],
                    pa.list_(turn))
    utc = timezone.utc
    ts = pa.array([datetime(2026, 11, 2, 9, 14, tzinfo=utc), None, datetime(2026, 11, 2, 8, 14, tzinfo=utc)],
                  pa.timestamp("us", tz="UTC"))
    got = checker.check_batch(pa.array(texts), channel=pa.array(channels), customer=pa.array(customers),
                              history=hist, received_at=ts, sent_at=pa.array(sent))
    assert got.to_pylist() == want


def test_one_value_for_every_row(checker):
    texts = ["No. Please DM us.", "That's not my job."]
    got = checker.check_batch(texts, channel="chat", customer="where is it?")
    assert got.to_pylist() == [checker.check(t, channel="chat", customer="where is it?") for t in texts]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"channel": ["email", "fax"]}, r"channel\[1\]: unknown channel"),
        ({"channel": ["email"]}, "1 rows, but texts has 2"),
        ({"received_at": ["2026-11-02T09:14:00Z", "soon"]}, r"received_at\[1\]"),
        ({"history": [None, [{"role": "boss", "text": "x"}]]}, r"history\[1\]"),
        ({"customer": [1, 2]}, r"customer\[0\]: expected a string"),
    ],
)
def test_bad_columns_say_where(checker, kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        checker.check_batch(["a", "b"], **kwargs)


def test_bad_texts_say_where(checker):
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        checker.check_batch(["a", 3])
    with pytest.raises(TypeError, match="one string"):
        checker.check_batch("a reply")
    with pytest.raises(TypeError, match="string column"):
        checker.check_batch(pa.array([1, 2]))
    with pytest.raises(ValueError, match="columns"):
        checker.check_batch(pa.table({"a": ["x"], "b": ["y"]}))


def test_batch_equals_check_on_every_corpus_row(checker, corpus, corpus_table):
    t = corpus_table
    got = checker.check_batch(
        t["text"], channel=t["channel"], customer=t["customer"], history=t["history"],
        received_at=t["received_at"], sent_at=t["sent_at"],
    ).to_pylist()
    assert len(got) == len(corpus)
    for row, report in zip(corpus, got):
        want = checker.check(
            row["text"], channel=row.get("channel"), customer=row.get("customer"),
            history=row.get("history"), received_at=row.get("received_at"), sent_at=row.get("sent_at"),
        )
        assert report == want, row["id"]
