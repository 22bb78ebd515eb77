"""Mapping back from Anaplan members is a lookup, not a scan of every rule per row (plan-return and
reconcile call it for every exported row)."""

from __future__ import annotations

import time

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


def test_reverse_over_many_rules_is_fast() -> None:
    table = MappingTable("m", [Rule(Dimension.ACCOUNT, RuleKind.EXACT, f"{i}", f"A{i}") for i in range(20_000)])
    began = time.monotonic()
    for i in range(20_000):
        assert table.reverse(Dimension.ACCOUNT, f"A{i}") == f"{i}"
    assert time.monotonic() - began < 2  # a scan per call: 200 million rule comparisons
