"""Mapping back from Anaplan members is a lookup, not a scan of every rule per row (plan-return and
reconcile call it for every exported row)."""

from __future__ import annotations

from collections.abc import Iterator

from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind


def test_reverse_finds_the_first_exact_rule() -> None:
    table = MappingTable(
        "m",
        [
            Rule(Dimension.ACCOUNT, RuleKind.EXACT, "4000", "4000X"),
            Rule(Dimension.ACCOUNT, RuleKind.EXACT, "4001", "4000X"),
            Rule(Dimension.COST_CENTER, RuleKind.EXACT, "9", "4000X"),
        ],
    )
    table.add(Rule(Dimension.ACCOUNT, RuleKind.EXACT, "5000", "5000X"))
    assert table.reverse(Dimension.ACCOUNT, "4000X") == "4000"
    assert table.reverse(Dimension.COST_CENTER, "4000X") == "9"
    assert table.reverse(Dimension.ACCOUNT, "5000X") == "5000"


class Unscannable(list[Rule]):
    """The table's rule list, which a lookup must not walk (a scan per row: 20k x 20k comparisons)."""

    def __iter__(self) -> Iterator[Rule]:
        raise AssertionError("reverse scanned every rule")


def test_reverse_over_many_rules_is_a_lookup_not_a_scan() -> None:
    table = MappingTable("m", [Rule(Dimension.ACCOUNT, RuleKind.EXACT, f"{i}", f"A{i}") for i in range(20_000)])
    table.rules = Unscannable(table.rules)
    for i in range(0, 20_000, 7):
        assert table.reverse(Dimension.ACCOUNT, f"A{i}") == f"{i}"
