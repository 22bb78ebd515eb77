"""Mapping rules: an explicit table first, then glob patterns in order, then a default.

    exact    4000      -> 4000          (this code goes to this member)
    pattern  61*       -> 6100          (every code starting 61 goes to member 6100)
    pattern  *         -> =             ("=" keeps the code as it is)
    default            -> UNALLOCATED   (anything else)

A code that no rule covers raises `UnmappedError` naming the code, so the record is quarantined and
`mapping gaps` can list it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase

from ml_connector.errors import ConfigurationError, UnmappedError

KEEP = "="


class Dimension(StrEnum):
    ACCOUNT = "account"
    COST_CENTER = "cost_center"
    SUPPLIER = "supplier"
    ENTITY = "entity"


class RuleKind(StrEnum):
    EXACT = "exact"
    PATTERN = "pattern"
    DEFAULT = "default"


@dataclass(frozen=True)
class Rule:
    dimension: Dimension
    kind: RuleKind
    source: str
    target: str


@dataclass
class MappingTable:
    """All rules of one mapping set, ready to resolve codes quickly (exact lookups are a dict)."""

    name: str
    rules: list[Rule] = field(default_factory=list)
    _exact: dict[tuple[Dimension, str], str] = field(default_factory=dict, init=False, repr=False)
    _patterns: dict[Dimension, list[Rule]] = field(default_factory=dict, init=False, repr=False)
    _defaults: dict[Dimension, str] = field(default_factory=dict, init=False, repr=False)
    _reverse: dict[tuple[Dimension, str], str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            self._index(rule)

    def _index(self, rule: Rule) -> None:
        if rule.kind is RuleKind.EXACT:
            self._exact[(rule.dimension, rule.source)] = rule.target
            self._reverse.setdefault((rule.dimension, rule.target), rule.source)  # the first rule wins
        elif rule.kind is RuleKind.PATTERN:
            self._patterns.setdefault(rule.dimension, []).append(rule)
        else:
            self._defaults[rule.dimension] = rule.target

    def add(self, rule: Rule) -> None:
        self.rules.append(rule)
        self._index(rule)

    def resolve(self, dimension: Dimension, code: str) -> str:
        """The Anaplan member code for an ERP `code`, or `UnmappedError`."""
        code = code.strip()
        target = self._exact.get((dimension, code))
        if target is None:
            for rule in self._patterns.get(dimension, ()):
                if fnmatchcase(code, rule.source):
                    target = rule.target
                    break
        if target is None:
            target = self._defaults.get(dimension)
        if target is None or not code:
            raise UnmappedError(
                f"no {dimension.value.replace('_', ' ')} mapping for {code!r} in mapping {self.name!r}",
                hint=f"Add a rule: `ml-connector mapping import {self.name} FILE` with a row "
                f"'{dimension.value},exact,{code},<Anaplan member code>', then `ml-connector replay RUN`.",
                dimension=dimension.value,
                code=code,
            )
        return code if target == KEEP else target

    def reverse(self, dimension: Dimension, member: str) -> str:
        """The ERP code for an Anaplan member: exact rules inverted, then identity rules ("=")."""
        source = self._reverse.get((dimension, member))
        if source is not None:
            return source
        for rule in self._patterns.get(dimension, ()):
            if rule.target == KEEP and fnmatchcase(member, rule.source):
                return member
        if self._defaults.get(dimension) == KEEP:
            return member
        raise UnmappedError(
            f"no {dimension.value.replace('_', ' ')} mapping back from Anaplan member {member!r} "
            f"in mapping {self.name!r}",
            hint="Add an exact rule whose target is that member (or an identity rule '='), then replay.",
            dimension=dimension.value,
            code=member,
        )


CSV_HEADER = ("dimension", "kind", "source", "target")


def parse_csv(text: str, where: str) -> list[Rule]:
    """Rules from CSV text with the header `dimension,kind,source,target`; every bad row is reported.
    A byte-order mark (a CSV saved by Excel as UTF-8) is not part of the header."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if tuple(reader.fieldnames or ()) != CSV_HEADER:
        found = ",".join(reader.fieldnames or [])
        semicolons = len(reader.fieldnames or ()) == 1 and ";" in found
        raise ConfigurationError(
            f"{where}: the header must be {','.join(CSV_HEADER)}, not {found or '(an empty file)'}"
            + (" (the columns are separated by semicolons)" if semicolons else ""),
            hint="Make the first line exactly dimension,kind,source,target, with commas between the columns "
            "(Excel: save as 'CSV UTF-8 (comma delimited)'); `ml-connector mapping export NAME` shows a set.",
        )
    rules: list[Rule] = []
    problems: list[str] = []
    seen: dict[tuple[Dimension, RuleKind, str], int] = {}
    for number, row in enumerate(reader, start=2):
        try:
            dimension = Dimension(row["dimension"].strip())
            kind = RuleKind(row["kind"].strip())
        except ValueError:
            problems.append(
                f"line {number}: dimension must be one of {[d.value for d in Dimension]} and kind one of "
                f"{[k.value for k in RuleKind]}"
            )
            continue
        source, target = (row["source"] or "").strip(), (row["target"] or "").strip()
        if not target or (kind is not RuleKind.DEFAULT and not source):
            problems.append(f"line {number}: source and target must not be empty")
            continue
        first = seen.setdefault((dimension, kind, source), number)
        if first != number:
            what = f"the {kind.value} rule for {source!r}" if source else f"the {kind.value} rule"
            problems.append(
                f"line {number}: repeats {what} of {dimension.value} from line {first} (one code maps to one member)"
            )
            continue
        rules.append(Rule(dimension, kind, source, target))
    if problems:
        raise ConfigurationError(f"{where} has {len(problems)} bad row(s):\n  " + "\n  ".join(problems))
    return rules


def to_csv(rules: Iterable[Rule]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rule in rules:
        writer.writerow((rule.dimension.value, rule.kind.value, rule.source, rule.target))
    return out.getvalue()
