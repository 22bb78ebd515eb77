from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError, UnmappedError
from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.mapping.rules import parse_csv, to_csv

A, C = Dimension.ACCOUNT, Dimension.COST_CENTER
TABLE = MappingTable(
    "t",
    [
        Rule(A, RuleKind.EXACT, "4000", "REV"),
        Rule(A, RuleKind.PATTERN, "61*", "6100"),
        Rule(A, RuleKind.PATTERN, "6*", "="),
        Rule(C, RuleKind.EXACT, "1100", "DET"),
        Rule(C, RuleKind.DEFAULT, "", "UNALLOCATED"),
    ],
)


@pytest.mark.parametrize(
    ("dimension", "code", "member"),
    [
        (A, "4000", "REV"),  # exact first
        (A, "6150", "6100"),  # first matching pattern wins
        (A, "6300", "6300"),  # "=" keeps the code
        (A, " 4000 ", "REV"),  # stray spaces from the ERP
        (C, "1100", "DET"),
        (C, "9999", "UNALLOCATED"),  # default
    ],
)
def test_resolve(dimension: Dimension, code: str, member: str) -> None:
    assert TABLE.resolve(dimension, code) == member


def test_unmapped_names_the_code_and_how_to_fix_it() -> None:
    with pytest.raises(UnmappedError) as info:
        TABLE.resolve(A, "7000")
    assert "'7000'" in str(info.value) and "mapping import" in info.value.hint
    assert (info.value.dimension, info.value.code) == ("account", "7000")


def test_empty_code_is_never_mapped_even_with_a_default() -> None:
    with pytest.raises(UnmappedError):
        TABLE.resolve(C, "")


def test_reverse_uses_exact_rules_then_identity() -> None:
    assert TABLE.reverse(A, "REV") == "4000"
    assert TABLE.reverse(A, "6300") == "6300"
    with pytest.raises(UnmappedError, match="mapping back"):
        TABLE.reverse(C, "UNKNOWN")


CODES = st.text(alphabet="0123456789ABC-", min_size=1, max_size=8)


@given(pairs=st.dictionaries(CODES, CODES, max_size=20))
def test_exact_rules_round_trip(pairs: dict[str, str]) -> None:
    """With an exact table whose targets are distinct, reverse(resolve(code)) gives the code back."""
    inverse: dict[str, str] = {}
    for source, target in pairs.items():
        inverse.setdefault(target, source)
    table = MappingTable("p", [Rule(A, RuleKind.EXACT, s, t) for t, s in inverse.items()])
    for target, source in inverse.items():
        assert table.resolve(A, source) == target
        assert table.reverse(A, target) == source


@given(
    rules=st.lists(
        st.tuples(st.sampled_from(list(Dimension)), st.sampled_from(list(RuleKind)), CODES, CODES),
        max_size=15,
        unique_by=lambda rule: (rule[0], rule[1], rule[2]),  # one code maps to one member
    )
)
def test_csv_round_trip(rules: list[tuple[Dimension, RuleKind, str, str]]) -> None:
    made = [Rule(d, k, s, t) for d, k, s, t in rules]
    assert parse_csv(to_csv(made), "x.csv") == made


@given(rule=st.tuples(st.sampled_from(list(Dimension)), st.sampled_from(list(RuleKind)), CODES, CODES, CODES))
def test_a_repeated_rule_is_refused_naming_both_lines(rule: tuple[Dimension, RuleKind, str, str, str]) -> None:
    dimension, kind, source, first, second = rule
    text = to_csv([Rule(dimension, kind, source, first), Rule(dimension, kind, source, second)])
    with pytest.raises(ConfigurationError, match="line 3: repeats .* from line 2"):
        parse_csv(text, "x.csv")


def test_a_byte_order_mark_is_not_part_of_the_header() -> None:
    assert parse_csv("\ufeffdimension,kind,source,target\naccount,exact,1,2\n", "excel.csv") == [
        Rule(Dimension.ACCOUNT, RuleKind.EXACT, "1", "2")
    ]


def test_bad_csv_lists_every_bad_row() -> None:
    text = "dimension,kind,source,target\naccount,exact,4000,\nplanet,exact,1,2\ncost_center,pattern,1*,1100\n"
    with pytest.raises(ConfigurationError) as info:
        parse_csv(text, "m.csv")
    assert "line 2" in str(info.value) and "line 3" in str(info.value) and "2 bad row(s)" in str(info.value)
    with pytest.raises(ConfigurationError, match="header"):
        parse_csv("a,b\n1,2\n", "m.csv")
