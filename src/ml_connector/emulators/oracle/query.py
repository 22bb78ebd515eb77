"""The `q`, `finder` and `orderBy` query parameters, read the way the ADF REST runtime reads them.

`q` has two grammars, chosen by `REST-Framework-Version`:

- v1 (query by example): `Attr=Value;Attr2>Value2`, `;` is AND, values unquoted or in single quotes; in a
  text value `*` (and `%`) is the wildcard, so `Supplier=Rhein*` and `Supplier LIKE 'Rhein*'` both match
  "Rheinstahl ...". Sources: Oracle Business Object REST API, "Framework Versions" (v1 "supports query-by-example
  resource query syntax"); Oracle ADF query-by-example, where `*` and `%` are wildcards.
- v2 and later: expressions, `A=1 and (B>'x' or C LIKE 'y%')`, with `!= <> < <= > >= LIKE NOT LIKE
  BETWEEN IN IS NULL IS NOT NULL`, `and/or/not`, parentheses and the shorthand `(A>=10 and <=30)`.
  The v1 `;` form is a 400 under v2+, as on a real pod.

An unknown attribute, an unknown operator or a literal that does not fit the attribute's type is a 400,
never an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ml_connector.emulators.oracle.exceptions import OracleRestError, bad_request
from ml_connector.emulators.oracle.resources import Kind, ResourceSpec

T = TypeVar("T")
Predicate = Callable[[dict[str, Any]], bool]
_COMPARISONS = ("!=", "<>", ">=", "<=", "=", ">", "<")
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>!=|<>|>=|<=|=|>|<)|(?P<punct>[(),;])|(?P<word>[^\s()',;=<>!]+))"
)


def _invalid(name: str, value: str) -> OracleRestError:
    # ASSUMPTION: every q/finder/orderBy syntax error shares this wording (the notes' proposed v4 sample); the 400
    # itself is documented.
    return bad_request(f"URL request parameter {name} with value '{value}' is invalid.")


def coerce(kind: Kind, literal: str, *, attr: str) -> Any:
    """Read a `q` or finder literal as a value of the attribute's type (400 when it does not fit)."""
    try:
        if kind is Kind.INT:
            return int(literal)
        if kind is Kind.NUM:
            return Decimal(literal)
        if kind is Kind.DATE:
            return date.fromisoformat(literal[:10])
        if kind is Kind.TS:
            return parse_timestamp(literal)
        if kind is Kind.BOOL:
            if literal.lower() not in ("true", "false"):
                raise ValueError(literal)
            return literal.lower() == "true"
    except (ValueError, InvalidOperation) as exc:
        raise bad_request(f"The value {literal} is not valid for attribute {attr}.", path=attr) from exc
    return literal


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 with an offset, `Z`, or a bare date (midnight UTC)."""
    # ASSUMPTION: a timestamp literal without an offset is read as UTC; a bare date as its midnight UTC.
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _value(kind: Kind, raw: Any) -> Any:
    # Stored amounts are floats (JSON numbers); compare them as decimals so 0.1 + 0.2 surprises nobody.
    if raw is None:
        return None
    if kind is Kind.NUM:
        return Decimal(str(raw))
    return raw


def _like(pattern: str, *, star: bool = False) -> re.Pattern[str]:
    """`%` any run, `_` one character; with `star` (v1 query by example) `*` is any run too."""
    wild = "%*" if star else "%"
    regex = "".join(".*" if ch in wild else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{regex}$", re.DOTALL)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None:
        return False
    if op == "=":
        return bool(left == right)
    if op in ("!=", "<>"):
        return bool(left != right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def _condition(spec: ResourceSpec, attr: str, op: str, literal: str, *, qbe: bool = False) -> Predicate:
    kind = spec.attrs.get(attr)
    if kind is None:
        raise bad_request(f"The attribute {attr} is not found in the resource {spec.name}.", path=attr)
    if qbe and kind is Kind.STR and op == "=" and ("*" in literal or "%" in literal):
        op = "LIKE"  # query by example: a wildcard in an equality value makes it a pattern
    if op == "LIKE":
        pattern = _like(literal, star=qbe)
        return lambda d: d.get(attr) is not None and pattern.match(str(d[attr])) is not None
    right = coerce(kind, literal, attr=attr)
    return lambda d: _compare(op, _value(kind, d.get(attr)), right)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def parse_q_v1(spec: ResourceSpec, q: str) -> Predicate:
    """Framework v1 query-by-example: `;`-separated `Attr<op>Value` conditions, all must hold."""
    parts: list[Predicate] = []
    for clause in filter(None, (c.strip() for c in q.split(";"))):
        like = re.match(r"^(\w+)\s+LIKE\s+(.*)$", clause, re.IGNORECASE)
        if like:
            parts.append(_condition(spec, like.group(1), "LIKE", _unquote(like.group(2)), qbe=True))
            continue
        match = re.match(r"^\s*(\w+)\s*(!=|<>|>=|<=|=|>|<)(.*)$", clause)
        if not match:
            raise _invalid("q", q)
        parts.append(_condition(spec, match.group(1), match.group(2), _unquote(match.group(3)), qbe=True))
    return lambda d: all(p(d) for p in parts)


class _ExprParser:
    """Recursive-descent parser for the framework v2+ `q` grammar."""

    def __init__(self, spec: ResourceSpec, q: str) -> None:
        self.spec, self.q = spec, q
        self.tokens = self._tokenize(q)
        self.pos = 0
        self.last_attr: str | None = None

    def _tokenize(self, q: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(q):
            if q[pos:].strip() == "":
                break
            match = _TOKEN.match(q, pos)
            if not match or match.end() == pos:
                raise _invalid("q", q)
            kind = match.lastgroup or ""
            text = match.group(kind)
            if kind == "punct" and text == ";":
                raise _invalid("q", q)  # the v1 separator: rejected under v2+
            tokens.append((kind, text))
            pos = match.end()
        return tokens

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise _invalid("q", self.q)
        self.pos += 1
        return token

    def _keyword(self, *words: str) -> bool:
        token = self._peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.pos += 1
            return True
        return False

    def parse(self) -> Predicate:
        pred = self._or()
        if self._peek() is not None:
            raise _invalid("q", self.q)
        return pred

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._keyword("or"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda d: any(p(d) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._keyword("and"):
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda d: all(p(d) for p in parts))

    def _not(self) -> Predicate:
        if self._keyword("not"):
            inner = self._not()
            return lambda d: not inner(d)
        token = self._peek()
        if token == ("punct", "("):
            self.pos += 1
            inner = self._or()
            if self._take() != ("punct", ")"):
                raise _invalid("q", self.q)
            return inner
        return self._comparison()

    def _literal(self) -> str:
        kind, text = self._take()
        if kind == "str":
            return _unquote(text)
        if kind == "word":
            return text
        raise _invalid("q", self.q)

    def _comparison(self) -> Predicate:
        kind, text = self._take()
        if kind == "op":  # shorthand: `A>=10 and <=30` reuses the previous attribute
            if self.last_attr is None:
                raise _invalid("q", self.q)
            attr, op = self.last_attr, text
        elif kind == "word":
            attr = text
            self.last_attr = attr
            op_token = self._take()
            op = op_token[1] if op_token[0] == "op" else op_token[1].upper()
        else:
            raise _invalid("q", self.q)
        if op in _COMPARISONS:
            return _condition(self.spec, attr, op, self._literal())
        negate = False
        if op == "NOT":
            negate = True
            op = self._take()[1].upper()
        if op == "LIKE":
            pred = _condition(self.spec, attr, "LIKE", self._literal())
        elif op == "BETWEEN":
            low = _condition(self.spec, attr, ">=", self._literal())
            if not self._keyword("and"):
                raise _invalid("q", self.q)
            high = _condition(self.spec, attr, "<=", self._literal())
            pred = lambda d: low(d) and high(d)  # noqa: E731
        elif op == "IN":
            pred = self._in_list(attr)
        elif op == "IS":
            negate = self._keyword("not")
            if not self._keyword("null"):
                raise _invalid("q", self.q)
            if attr not in self.spec.attrs:
                raise bad_request(f"The attribute {attr} is not found in the resource {self.spec.name}.")
            pred = lambda d: d.get(attr) is None  # noqa: E731
        else:
            raise _invalid("q", self.q)
        return (lambda d: not pred(d)) if negate else pred

    def _in_list(self, attr: str) -> Predicate:
        if self._take() != ("punct", "("):
            raise _invalid("q", self.q)
        options = [_condition(self.spec, attr, "=", self._literal())]
        while self._peek() == ("punct", ","):
            self.pos += 1
            options.append(_condition(self.spec, attr, "=", self._literal()))
        if self._take() != ("punct", ")"):
            raise _invalid("q", self.q)
        return lambda d: any(o(d) for o in options)


def parse_q(spec: ResourceSpec, q: str, framework_version: int) -> Predicate:
    """The filter for `q` under the caller's framework version."""
    if framework_version < 2:
        return parse_q_v1(spec, q)
    return _ExprParser(spec, q).parse()


def parse_finder(spec: ResourceSpec, finder: str) -> Predicate:
    """`Name;var=value,var2=value2`: the named finder's variables as equality filters."""
    name, _, rest = finder.partition(";")
    variables: dict[str, str]
    if name == "PrimaryKey":
        keys = (spec.key,) if spec.key else spec.hash_key
        variables = {k: k for k in keys if k}
    elif name in spec.finders:
        variables = spec.finders[name]
    else:
        # ASSUMPTION: an unknown finder answers 400 with this wording (undocumented).
        raise bad_request(f"The finder {name} is not defined for the resource {spec.name}.")
    parts: list[Predicate] = []
    for pair in filter(None, rest.split(",")):
        var, eq, value = pair.partition("=")
        if not eq or var.strip() not in variables:
            raise _invalid("finder", finder)
        attr = variables[var.strip()]
        # ASSUMPTION: finder variables match exactly, or as a LIKE pattern when the value holds '%'.
        op = "LIKE" if "%" in value and spec.attrs[attr] is Kind.STR else "="
        parts.append(_condition(spec, attr, op, _unquote(value)))
    return lambda d: all(p(d) for p in parts)


def order_key(spec: ResourceSpec, order_by: str) -> list[tuple[str, bool]]:
    """`A:asc,B:desc` as (attribute, descending) pairs."""
    out: list[tuple[str, bool]] = []
    for part in filter(None, (p.strip() for p in order_by.split(","))):
        attr, _, direction = part.partition(":")
        if attr not in spec.attrs or direction.lower() not in ("", "asc", "desc"):
            raise _invalid("orderBy", order_by)
        out.append((attr, direction.lower() == "desc"))
    return out


def sort_rows(rows: list[T], keys: list[tuple[str, bool]], data: Callable[[T], dict[str, Any]]) -> list[T]:
    """Sort like Oracle: NULLS LAST ascending, NULLS FIRST descending; stable for ties."""
    ordered = list(rows)
    for attr, descending in reversed(keys):
        present = [r for r in ordered if data(r).get(attr) is not None]
        missing = [r for r in ordered if data(r).get(attr) is None]
        present.sort(key=lambda r: data(r)[attr], reverse=descending)
        ordered = missing + present if descending else present + missing
    return ordered
