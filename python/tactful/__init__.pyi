"""Type stubs for tactful."""

from datetime import datetime
from os import PathLike
from typing import Any, Iterable, Literal, Mapping, Sequence, TypedDict

import pyarrow

__version__: str

Channel = Literal["email", "chat", "social"]
Role = Literal["customer", "agent"]
Turn = Mapping[str, str] | tuple[Role, str]

class Finding(TypedDict):
    rule: str
    category: str
    severity: Literal["error", "warning", "hint"]
    start: int
    end: int
    line: int
    column: int
    utf16_start: int
    utf16_end: int
    matched: str
    message: str
    suggestions: list[str]
    fix: str | None
    advice: list[str]

class _ReportBase(TypedDict):
    findings: list[Finding]
    score: int

class Report(_ReportBase, total=False):
    fixed: str

class Example(TypedDict):
    text: str
    fixed: str | None
    channel: Channel | None

class RuleInfo(TypedDict):
    id: str
    category: str
    severity: Literal["error", "warning", "hint"]
    enabled: bool
    message: str
    rationale: str
    channels: list[Channel]
    suggestions: list[str]
    examples: list[Example]
    counterexamples: list[str]

class ExampleFailure(TypedDict):
    rule: str
    text: str
    problem: str

class PackError(ValueError):
    """A rule pack that does not load or compile; the message says where."""

    line: int
    column: int
    rule: str | None

RESULT_TYPE: pyarrow.DataType
SPARK_TYPE: str

def rule_ids(result: pyarrow.StructArray) -> pyarrow.ListArray: ...

def result_type() -> pyarrow.DataType: ...

class Checker:
    def __init__(self) -> None: ...
    @classmethod
    def from_toml(cls, text: str, name: str | None = None) -> Checker: ...
    @classmethod
    def from_path(cls, path: str | PathLike[str]) -> Checker: ...
    def check(
        self,
        text: str,
        channel: Channel | None = None,
        customer: str | None = None,
        history: Iterable[Turn] | None = None,
        received_at: str | datetime | None = None,
        sent_at: str | datetime | None = None,
        fix: bool = False,
    ) -> Report: ...
    def check_batch(
        self,
        texts: Sequence[str | None] | Any,
        channel: Channel | Sequence[Channel | None] | Any | None = None,
        customer: str | Sequence[str | None] | Any | None = None,
        history: Sequence[Sequence[Turn] | None] | Any | None = None,
        received_at: str | datetime | Sequence[str | datetime | None] | Any | None = None,
        sent_at: str | datetime | Sequence[str | datetime | None] | Any | None = None,
        threads: int | None = None,
    ) -> pyarrow.StructArray: ...
    def fixed(self, text: str, channel: Channel | None = None) -> str: ...
    def rules(self) -> list[RuleInfo]: ...
    def test_pack(self) -> list[ExampleFailure]: ...
