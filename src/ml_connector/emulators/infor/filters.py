"""A small SQL-like filter language: Mongoose IDO `filter` and FSM `_lplFilter`.

Supports comparisons (=, <>, !=, >, >=, <, <=), LIKE, IN (...), IS [NOT] NULL, AND, OR, NOT and
parentheses, with 'single' or "double" quoted strings and numbers. Values compare as numbers when both
sides are numbers, otherwise as case-insensitive text (SQL Server's default collation).
Given a clock (Mongoose IDO filters), the two functions the IDO guide allows, GETDATE() and
DATEADD(part, n, date), may stand for a value. Anything else (other functions, sub-queries) is refused,
as the IDO guide says for non-white-listed input.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

Row = dict[str, str]
Predicate = Callable[[Row], bool]


class FilterError(ValueError):
    """The filter text is not understood (the IDO server calls this an IllegalFilterException)."""


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><>|!=|>=|<=|=|<|>)"
    r"|(?P<paren>[(),])|(?P<word>[A-Za-z_][\w.]*))"
)


def parse_filter(text: str, properties: Collection[str], clock: Callable[[], datetime] | None = None) -> Predicate:
    """Compile `text` into a predicate over rows with `properties`; raises `FilterError`.

    `clock` enables GETDATE() and DATEADD() (Mongoose IDO filters); without it every function is refused.
    """
    tokens = _tokenize(text)
    if not tokens:
        return lambda row: True
    parser = _Parser(tokens, {p.lower(): p for p in properties}, clock)
    predicate = parser.expression()
    if parser.pos != len(tokens):
        raise FilterError(f"Unexpected {tokens[parser.pos][1]!r} in filter")
    return predicate


def compare_values(left: str, right: str) -> int:
    """-1, 0 or 1, numerically when both are numbers."""
    try:
        a, b = Decimal(left), Decimal(right)
    except InvalidOperation:
        x, y = left.lower(), right.lower()
        return (x > y) - (x < y)
    return (a > b) - (a < b)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"Illegal filter text at {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(
        self, tokens: list[tuple[str, str]], names: dict[str, str], clock: Callable[[], datetime] | None = None
    ) -> None:
        self.tokens, self.names, self.pos, self.clock = tokens, names, 0, clock

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end":
            raise FilterError("Filter ends too early")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == word:
            self.pos += 1
            return True
        return False

    def expression(self) -> Predicate:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while self.keyword("AND"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def negation(self) -> Predicate:
        if self.keyword("NOT"):
            inner = self.negation()
            return lambda row: not inner(row)
        if self.peek() == ("paren", "("):
            self.take()
            inner = self.expression()
            if self.take() != ("paren", ")"):
                raise FilterError("Missing ) in filter")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        kind, word = self.take()
        name = self.names.get(word.lower()) if kind == "word" else None
        if name is None:
            raise FilterError(f"Unknown property or illegal expression {word!r} in filter")
        if self.keyword("IS"):
            negate = self.keyword("NOT")
            if not self.keyword("NULL"):
                raise FilterError("Expected NULL after IS")
            return lambda row: (row.get(name, "") == "") != negate
        negate = self.keyword("NOT")
        if self.keyword("LIKE"):
            pattern = _like(self.value())
            return lambda row: bool(pattern.fullmatch(row.get(name, ""))) != negate
        if self.keyword("IN"):
            values = self.value_list()
            return lambda row: any(compare_values(row.get(name, ""), v) == 0 for v in values) != negate
        if negate:
            raise FilterError("Expected LIKE or IN after NOT")
        op_kind, op = self.take()
        if op_kind != "op":
            raise FilterError(f"Expected a comparison after {word!r}")
        value = self.value()
        test = _OPS[op]
        return lambda row: test(compare_values(row.get(name, ""), value))

    def value(self) -> str:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'") if text[0] == "'" else text[1:-1]
        if kind == "num":
            return text
        if kind == "word" and self.clock is not None and text.upper() in ("GETDATE", "DATEADD"):
            # ASSUMPTION: GETDATE() is the emulator's clock (UTC), written the way CSI writes dates.
            return _csi_stamp(self.function(text.upper()))
        raise FilterError(f"Expected a value, found {text!r} (functions are not allowed)")

    def function(self, name: str) -> datetime:
        """The rest of `GETDATE()` or `DATEADD(part, n, date)` after its name, as a moment."""
        assert self.clock is not None  # noqa: S101 - only called with a clock
        if self.take() != ("paren", "("):
            raise FilterError(f"Expected ( after {name}")
        if name == "GETDATE":
            moment = self.clock()
        else:
            part_kind, part = self.take()
            if part_kind != "word" or part.lower() not in _DATE_PARTS or self.take() != ("paren", ","):
                raise FilterError("DATEADD needs a date part, a number and a date")
            number_kind, number = self.take()
            if number_kind != "num" or "." in number or self.take() != ("paren", ","):
                raise FilterError("DATEADD needs a whole number")
            moment = _date_add(_DATE_PARTS[part.lower()], int(number), self.date_operand())
        if self.take() != ("paren", ")"):
            raise FilterError(f"Missing ) after {name}")
        return moment

    def date_operand(self) -> datetime:
        kind, text = self.peek()
        if kind == "word" and text.upper() in ("GETDATE", "DATEADD"):
            self.take()
            return self.function(text.upper())
        raw = self.value()
        try:
            # ASSUMPTION: date literals are read in CSI's own "yyyyMMdd[ HH:mm:ss[.fff]]" form.
            pattern = "%Y%m%d %H:%M:%S" if len(raw) > 8 else "%Y%m%d"
            return datetime.strptime(raw[:17].strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            raise FilterError(f"{raw!r} is not a date") from None

    def value_list(self) -> list[str]:
        if self.take() != ("paren", "("):
            raise FilterError("Expected ( after IN")
        values = [self.value()]
        while self.peek() == ("paren", ","):
            self.take()
            values.append(self.value())
        if self.take() != ("paren", ")"):
            raise FilterError("Missing ) after IN list")
        return values


_OPS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "<>": lambda c: c != 0,
    "!=": lambda c: c != 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
}


# SQL Server's DATEADD date parts (and their abbreviations) that the emulator understands.
_DATE_PARTS = {
    **dict.fromkeys(("year", "yy", "yyyy"), "year"),
    **dict.fromkeys(("month", "mm", "m"), "month"),
    **dict.fromkeys(("week", "wk", "ww"), "week"),
    **dict.fromkeys(("day", "dd", "d"), "day"),
    **dict.fromkeys(("hour", "hh"), "hour"),
    **dict.fromkeys(("minute", "mi", "n"), "minute"),
    **dict.fromkeys(("second", "ss", "s"), "second"),
}


def _date_add(part: str, number: int, moment: datetime) -> datetime:
    if part in ("year", "month"):
        months = moment.month - 1 + number * (12 if part == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        # Like SQL Server, a day past the end of the target month becomes its last day.
        return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
    return moment + timedelta(**{f"{part}s": number})


def _csi_stamp(moment: datetime) -> str:
    """A moment as CSI writes dates ("yyyyMMdd HH:mm:ss.fff", see `ido_views.csi_date`)."""
    return moment.strftime("%Y%m%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _like(pattern: str) -> re.Pattern[str]:
    out = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile(out, re.IGNORECASE | re.DOTALL)
