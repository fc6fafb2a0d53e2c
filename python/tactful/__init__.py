"""Checks customer-service draft replies for discourteous phrasing and
suggests courteous alternatives.

>>> import tactful
>>> checker = tactful.Checker()
>>> [f["rule"] for f in checker.check("That's not my job.")["findings"]]
['not-my-job']

``Checker.check_batch`` checks a column of replies (a list, a pyarrow
array or chunked array, or anything with the Arrow PyCapsule interface) on
every core and returns a ``pyarrow.StructArray`` with fields ``findings``
(a list of finding structs, never null) and ``score``; see ``RESULT_TYPE``
and ``python/README.md``.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

from . import _native
from ._native import PackError

__all__ = [
    "Checker",
    "PackError",
    "RESULT_TYPE",
    "SPARK_TYPE",
    "result_type",
    "rule_ids",
    "__version__",
]
__version__: str = _native.__version__


class _Capsules:
    """A (schema, array) capsule pair, offered through ``__arrow_c_array__``."""

    __slots__ = ("_pair",)

    def __init__(self, pair: tuple[object, object]) -> None:
        self._pair = pair

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple[object, object]:
        return self._pair


class _SchemaCapsule:
    __slots__ = ("_capsule",)

    def __init__(self, capsule: object) -> None:
        self._capsule = capsule

    def __arrow_c_schema__(self) -> object:
        return self._capsule


def result_type() -> Any:
    """The ``pyarrow.DataType`` of ``check_batch``'s result."""
    import pyarrow as pa

    return pa.field(_SchemaCapsule(_native._result_schema())).type


_FINDING_SPARK = [
    ("rule", "string"),
    ("category", "string"),
    ("severity", "string"),
    ("start", "bigint"),
    ("end", "bigint"),
    ("line", "bigint"),
    ("column", "bigint"),
    ("utf16_start", "bigint"),
    ("utf16_end", "bigint"),
    ("matched", "string"),
    ("message", "string"),
    ("suggestions", "array<string>"),
    ("fix", "string"),
    ("advice", "array<string>"),
]

#: ``check_batch``'s result type as a Spark DDL string, for ``@arrow_udf``,
#: ``mapInArrow`` schemas and ``from_json``.
SPARK_TYPE: str = (
    "struct<findings: array<struct<"
    + ", ".join(f"`{name}`: {kind}" for name, kind in _FINDING_SPARK)
    + ">>, score: int>"
)


def rule_ids(result: Any) -> Any:
    """The rule ids of each reply's findings, a ``list<string>`` column,
    from ``check_batch``'s result."""
    import pyarrow as pa

    findings = result.field("findings")
    return pa.ListArray.from_arrays(findings.offsets, findings.values.field("rule"))


def _is_pandas(obj: object) -> bool:
    mod = type(obj).__module__ or ""
    return mod.startswith("pandas") and hasattr(obj, "to_numpy")


def _column(obj: Any) -> Any:
    """pandas columns go through pyarrow, which reads their missing values."""
    if obj is not None and _is_pandas(obj):
        import pyarrow as pa

        return pa.Array.from_pandas(obj)
    return obj


class Checker:
    """A compiled rule pack: the default pack, optionally with a pack of the
    team's own layered over it. Immutable; share one across threads."""

    __slots__ = ("_inner", "_source")

    def __init__(self) -> None:
        self._inner = _native.Checker()
        self._source: tuple[str, str | None] | None = None

    @classmethod
    def _wrap(cls, inner: Any, source: tuple[str, str | None]) -> "Checker":
        self = cls.__new__(cls)
        self._inner = inner
        self._source = source
        return self

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickles as its pack's text, so that a checker captured in a Spark
        # or multiprocessing closure is rebuilt (once per process) there.
        return (_restore, (self._source,))

    @classmethod
    def from_toml(cls, text: str, name: str | None = None) -> "Checker":
        """A checker for a pack given as TOML text, layered over the default
        pack. Raises ``PackError`` (a ``ValueError``) saying where."""
        return cls._wrap(_native.Checker.from_toml(text, name), (text, name))

    @classmethod
    def from_path(cls, path: Any) -> "Checker":
        """A checker for a pack in a TOML file, layered over the default
        pack. Raises ``PackError`` saying where, ``OSError`` when the file
        cannot be read."""
        inner = _native.Checker.from_path(str(path))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls._wrap(inner, (text, str(path)))

    def check(
        self,
        text: str,
        channel: str | None = None,
        customer: str | None = None,
        history: Iterable[Any] | None = None,
        received_at: Any = None,
        sent_at: Any = None,
        fix: bool = False,
    ) -> dict[str, Any]:
        """Checks one reply; returns the batch output's per-reply object
        (``findings``, ``score``, and ``fixed`` with ``fix=True``)."""
        return self._inner.check(text, channel, customer, history, received_at, sent_at, fix)

    def check_batch(
        self,
        texts: Any,
        channel: Any = None,
        customer: Any = None,
        history: Any = None,
        received_at: Any = None,
        sent_at: Any = None,
        threads: int | None = None,
    ) -> Any:
        """Checks a column of replies on every core (the GIL released) and
        returns a ``pyarrow.StructArray`` of ``{findings, score}``, one per
        reply, in order. A NULL reply gives no findings and score 100.

        Every argument after ``texts`` is ``None``, one value for all rows,
        or a column of the same length (list, pyarrow array, pandas Series,
        anything with the Arrow PyCapsule interface)."""
        import pyarrow as pa

        pairs = self._inner._check_batch(
            _column(texts),
            _column(channel),
            _column(customer),
            _column(history),
            _column(received_at),
            _column(sent_at),
            threads,
        )
        arrays = [pa.array(_Capsules(p)) for p in pairs]
        if len(arrays) == 1:
            return arrays[0]
        return pa.concat_arrays(arrays)

    def fixed(self, text: str, channel: str | None = None) -> str:
        """The reply with every fix applied."""
        return self._inner.fixed(text, channel)

    def rules(self) -> list[dict[str, Any]]:
        """Each rule's metadata, in pack order."""
        return self._inner.rules()

    def test_pack(self) -> list[dict[str, str]]:
        """Runs the pack's examples and counterexamples; returns what failed
        (``rule``, ``text``, ``problem``). An empty list means the pack holds."""
        return self._inner.test_pack()

    def __repr__(self) -> str:
        return repr(self._inner)


@functools.lru_cache(maxsize=8)
def _restore(source: tuple[str, str | None] | None) -> Checker:
    if source is None:
        return Checker()
    return Checker.from_toml(*source)


def __getattr__(name: str) -> Any:
    if name == "RESULT_TYPE":
        return result_type()
    raise AttributeError(f"module 'tactful' has no attribute {name!r}")
