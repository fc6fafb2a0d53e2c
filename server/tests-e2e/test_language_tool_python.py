"""language_tool_python, unchanged, pointed at tactful-server.

    TACTFUL_URL=http://127.0.0.1:8081 pytest test_language_tool_python.py
"""

import json
import os
import pathlib
import urllib.parse

import language_tool_python
import pytest
import requests

URL = os.environ.get("TACTFUL_URL", "http://127.0.0.1:8081")


@pytest.fixture(scope="module")
def tool():
    t = language_tool_python.LanguageTool("en-US", remote_server=URL)
    yield t
    t.close()


def by_rule(matches):
    return {m.rule_id: m for m in matches}


def span(text, m):
    return text[m.offset : m.offset + m.error_length]


def test_finds_the_expected_matches(tool):
    text = "Thanks for writing. Calm down, that's not my job."
    found = by_rule(tool.check(text))
    assert {"dismissive", "not-my-job"} <= set(found)
    calm = found["dismissive"]
    assert span(text, calm) == "Calm down"
    assert calm.category == "EMPATHY"
    assert calm.rule_issue_type == "style"
    # A fix to apply on a click, never the matched words themselves.
    assert calm.replacements and "Calm down" not in calm.replacements
    assert calm.sentence == "Calm down, that's not my job."
    assert calm.context[calm.offset_in_context :].startswith("Calm down")
    assert span(text, found["not-my-job"]) == "that's not my job"


def test_offsets_after_emoji(tool):
    # The server counts UTF-16 code units as LanguageTool does; the client
    # turns them into Python string indices.
    text = "Thanks 🙏🙏 for waiting 😀. That's not my job."
    found = by_rule(tool.check(text))
    job = found["not-my-job"]
    assert job.offset == text.index("That's")
    assert span(text, job) == "That's not my job"


def test_rule_selection_and_correct(tool):
    text = "Thanks for writing. Calm down, that's not my job."
    tool.disabled_rules = {"dismissive"}
    try:
        assert "dismissive" not in by_rule(tool.check(text))
    finally:
        tool.disabled_rules = set()
    corrected = tool.correct(text)
    assert "Calm down" not in corrected
    # "not my job" has advice only (a gap for the agent to fill), which a
    # client never gets as a replacement, so correct() leaves it.
    assert "…" not in corrected and "not my job" in corrected


def test_languages():
    t = language_tool_python.LanguageTool("en-GB", remote_server=URL)
    try:
        assert str(t.language) == "en-GB"
        assert t.check("Thanks for your patience, and have a good day.") == []
    finally:
        t.close()


def test_ltex_recorded_request():
    """A request as LTeX sends it: a form body labelled application/json,
    the Markdown document as annotated `data`."""
    body = (pathlib.Path(__file__).parent / "ltex-request.body").read_text().strip()
    response = requests.post(
        URL.rstrip("/") + "/v2/check",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["language"]["code"] == "en-US"
    # The document the editor holds: markup and text parts together.
    data = dict(urllib.parse.parse_qsl(body))["data"]
    document = "".join(
        part.get("text", part.get("markup", "")) for part in json.loads(data)["annotation"]
    )
    utf16 = document.encode("utf-16-le")
    found = {m["rule"]["id"]: m for m in answer["matches"]}
    for rule, words in [("dismissive", "Calm down"), ("not-my-job", "that's not my job")]:
        m = found[rule]
        start, end = 2 * m["offset"], 2 * (m["offset"] + m["length"])
        assert utf16[start:end].decode("utf-16-le") == words, m
