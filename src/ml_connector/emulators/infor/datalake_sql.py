"""The subset of Compass SQL the Data Lake emulator answers, parsed and evaluated over plain rows.

Answered: `SELECT col [, col ...] | * FROM table [WHERE cond [AND cond ...]] [ORDER BY col [, col ...]]
[LIMIT n]`, where a condition is `col op literal` (op one of = <> != < <= > >=) or `col IN (literal, ...)`,
and a literal is a quoted string ('it''s') or a number. Names are matched without regard to case, as
Compass SQL does for unquoted identifiers. Anything else (joins, OR, functions, sub-queries) is refused with
`CompassSqlError`, which the job reports as FAILED with the message, like a real query the engine rejects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

Row = dict[str, str]

_QUERY = re.compile(
    r"^\s*select\s+(?P<cols>.+?)\s+from\s+(?P<table>[A-Za-z_][\w]*)"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+order\s+by\s+(?P<order>[\w\s,]+?))?"
    r"(?:\s+limit\s+(?P<limit>\d+))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_NAME = re.compile(r"^[A-Za-z_][\w]*$")
_CONDITION = re.compile(
    r"^\s*(?P<col>[A-Za-z_][\w]*)\s*(?P<op><>|!=|<=|>=|=|<|>)\s*(?P<lit>'(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*$",
    re.DOTALL,
)
_IN = re.compile(r"^\s*(?P<col>[A-Za-z_][\w]*)\s+in\s*\((?P<items>.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_LITERAL = re.compile(r"\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:,|$)")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


class CompassSqlError(ValueError):
    """A statement outside the emulated subset, or naming a table or column that does not exist."""


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    values: tuple[str, ...]
    numeric: bool


@dataclass(frozen=True)
class Query:
    columns: tuple[str, ...]  # empty: every column (*)
    table: str
    conditions: tuple[Condition, ...]
    order: tuple[str, ...]
    limit: int | None


def _literal(text: str) -> tuple[str, bool]:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'"), False
    return text, True


def _split_and(where: str) -> list[str]:
    """Split on AND outside quotes; OR (outside quotes) is refused."""
    parts: list[str] = []
    current: list[str] = []
    quoted, i = False, 0
    while i < len(where):
        ch = where[i]
        if ch == "'":
            quoted = not quoted
        if not quoted:
            rest = where[i:]
            if re.match(r"\s+or\s+", rest, re.IGNORECASE):
                raise CompassSqlError("OR is not supported by the emulated Compass SQL subset; use AND or IN")
            m = _AND.match(rest)
            if m:
                parts.append("".join(current))
                current = []
                i += m.end()
                continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _condition(text: str) -> Condition:
    m = _CONDITION.match(text)
    if m:
        value, numeric = _literal(m["lit"])
        return Condition(m["col"].upper(), m["op"], (value,), numeric)
    m = _IN.match(text)
    if m:
        items, rest = [], m["items"]
        while rest.strip():
            lit = _LITERAL.match(rest)
            if not lit:
                raise CompassSqlError(f"cannot read the IN list of: {text.strip()}")
            items.append(_literal(lit[1]))
            rest = rest[lit.end() :]
        if not items:
            raise CompassSqlError(f"empty IN list in: {text.strip()}")
        return Condition(m["col"].upper(), "in", tuple(v for v, _ in items), all(n for _, n in items))
    raise CompassSqlError(f"unsupported condition: {text.strip()!r} (expected column op literal)")


def parse(sql: str) -> Query:
    """A `Query`, or `CompassSqlError` saying what is outside the subset."""
    m = _QUERY.match(sql)
    if not m:
        raise CompassSqlError("only SELECT columns FROM table [WHERE ...] [ORDER BY ...] [LIMIT n] is supported")
    cols = [c.strip() for c in m["cols"].split(",")]
    if cols == ["*"]:
        columns: tuple[str, ...] = ()
    else:
        for c in cols:
            if not _NAME.match(c):
                raise CompassSqlError(f"unsupported select expression {c!r}: name plain columns")
        columns = tuple(c.upper() for c in cols)
    conditions = tuple(_condition(p) for p in _split_and(m["where"])) if m["where"] else ()
    order = tuple(c.strip().upper() for c in m["order"].split(",")) if m["order"] else ()
    for c in order:
        if not _NAME.match(c):
            raise CompassSqlError(f"unsupported ORDER BY term {c!r}: name plain columns (ascending)")
    return Query(columns, m["table"].upper(), conditions, order, int(m["limit"]) if m["limit"] else None)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _compare(left: str, op: str, right: str, numeric: bool) -> bool:
    if numeric:
        x, y = _number(left), _number(right)
        if x is None or y is None:
            return False  # a non-numeric value never matches a numeric comparison (SQL NULL-like)
        return _holds(x, op, y)
    return _holds(left, op, right)


def _holds(a: Decimal | str, op: str, b: Decimal | str) -> bool:
    if op == "=":
        return a == b
    if op in ("<>", "!="):
        return a != b
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def matcher(query: Query, columns: set[str]) -> Callable[[Row], bool]:
    """A predicate over upper-cased rows; `CompassSqlError` for a column the table does not have."""
    for cond in query.conditions:
        if cond.column not in columns:
            raise CompassSqlError(f"column {cond.column} does not exist in table {query.table}")

    def match(row: Row) -> bool:
        for cond in query.conditions:
            value = row.get(cond.column, "")
            if cond.op == "in":
                if not any(_compare(value, "=", v, cond.numeric) for v in cond.values):
                    return False
            elif not _compare(value, cond.op, cond.values[0], cond.numeric):
                return False
        return True

    return match
