"""The per-reply API: check, fixed, rules, the pack self-test, pack errors."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import pytest

import tactful

FINDING_KEYS = [
    "rule",
    "category",
    "severity",
    "start",
    "end",
    "line",
    "column",
    "utf16_start",
    "utf16_end",
    "matched",
    "message",
    "suggestions",
    "fix",
    "advice",
]


def test_check_gives_the_batch_output_object(checker):
    report = checker.check("Calm down, that's not my job.")
    assert list(report) == ["findings", "score"]
    assert [f["rule"] for f in report["findings"]] == ["dismissive", "not-my-job"]
    assert 0 <= report["score"] < 100
    for f in report["findings"]:
        assert list(f) == FINDING_KEYS
        assert f["matched"] == "Calm down, that's not my job."[f["start"] : f["end"]]
        # The fix, when there is one, is the first suggestion; advice is
        # the rest of what is never applied.
        assert f["fix"] is None or f["fix"] == f["suggestions"][0]
        assert isinstance(f["advice"], list)
        assert f["fix"] not in f["advice"]
        assert all(a in f["suggestions"] for a in f["advice"])


def test_clean_reply_scores_100(checker):
    assert checker.check("Thanks for your patience!", channel="chat") == {
        "findings": [],
        "score": 100,
    }


def test_fix_and_fixed(checker):
    text = "That's not my job."
    report = checker.check(text, fix=True)
    assert report["fixed"] == checker.fixed(text)
    assert report["fixed"] != text


def test_utf16_offsets_count_surrogate_pairs(checker):
    text = "😀 Hi. That's not my job."
    f = next(f for f in checker.check(text)["findings"] if f["rule"] == "not-my-job")
    assert text.encode("utf-8")[f["start"] : f["end"]].decode() == f["matched"]
    # The emoji is one column but two UTF-16 units.
    assert f["column"] == text.index(f["matched"]) + 1
    assert f["utf16_start"] == f["column"]


def test_conversation_is_accepted(checker):
    report = checker.check(
        "No, we can't do that. Please DM us.",
        channel="social",
        customer="my parcel never arrived!!",
        history=[{"role": "customer", "text": "hello?"}, ("agent", "Hi there.")],
        received_at="2026-11-02T09:14:00Z",
        sent_at=datetime(2026, 11, 3, 15, 40, tzinfo=timezone.utc),
    )
    rules = [f["rule"] for f in report["findings"]]
    assert "blunt-no" in rules
    # Sent 30 hours after the customer wrote: the timestamps reached the rules.
    assert "late-reply" in rules


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"channel": "fax"}, "unknown channel"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"history": [{"role": "boss", "text": "x"}]}, r"history\[0\]: unknown role"),
        ({"history": [{"text": "x"}]}, "role"),
    ],
)
def test_bad_arguments_say_what(checker, kwargs, words):
    with pytest.raises(ValueError, match=words):
        checker.check("Hello", **kwargs)


def test_rules_metadata(checker):
    rules = checker.rules()
    ids = [r["id"] for r in rules]
    assert "not-my-job" in ids and len(ids) == len(set(ids))
    r = rules[ids.index("not-my-job")]
    assert {"id", "category", "severity", "enabled", "message", "rationale", "channels",
            "suggestions", "examples", "counterexamples"} <= set(r)
    assert r["examples"] and isinstance(r["examples"][0]["text"], str)


def test_default_pack_self_test_holds(checker):
    assert checker.test_pack() == []


HOUSE = """
[lists]
competitors = ["Globex"]

[rules.jargon]
severity = "warning"
add-phrases = [{ phrase = "SLA", suggest = ["response time"] }]
"""


def test_from_toml_layers_over_the_default_pack():
    checker = tactful.Checker.from_toml(HOUSE)
    rules = [f["rule"] for f in checker.check("Globex is terrible, and our SLA is 4 hours.")["findings"]]
    assert rules == ["badmouth-competitor", "jargon"]


def test_from_path(tmp_path):
    path = tmp_path / "house.toml"
    path.write_text(HOUSE, encoding="utf-8")
    checker = tactful.Checker.from_path(path)
    assert "jargon" in [f["rule"] for f in checker.check("Our SLA is 4 hours.")["findings"]]
    with pytest.raises(OSError):
        tactful.Checker.from_path(tmp_path / "missing.toml")


def test_pack_errors_carry_line_and_column(tmp_path):
    bad = '[rules.jargon]\nseverity = "loud"\n'
    with pytest.raises(tactful.PackError) as info:
        tactful.Checker.from_toml(bad, "house.toml")
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "house.toml:2:" in message, message
    assert info.value.line == 2 and info.value.column >= 1
    path = tmp_path / "house.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(tactful.PackError, match=r"house\.toml:2:\d+"):
        tactful.Checker.from_path(path)


def test_checker_pickles_as_its_pack():
    house = tactful.Checker.from_toml(HOUSE)
    again = pickle.loads(pickle.dumps(house))
    text = "Our SLA is 4 hours."
    assert again.check(text) == house.check(text)
    assert pickle.loads(pickle.dumps(tactful.Checker())).check(text) == tactful.Checker().check(text)


@pytest.mark.parametrize("text", ["", "\ud800", "a\udfffb", "x" * 1_000_000, "No. " * 250_000])
def test_odd_texts_do_not_crash(checker, text):
    report = checker.check(text, fix=True)
    assert 0 <= report["score"] <= 100
    assert isinstance(report["fixed"], str)
    checker.fixed(text)
