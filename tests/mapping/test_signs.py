"""The sign rule is its own inverse and turns over exactly the account types a flow names."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.mapping.signs import AccountClass, account_class, sign_rule
from ml_connector.records import Account

TYPES = ["A", "L", "O", "R", "I", "E", "Revenue", "owner's equity", "", "X"]
amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(
    flip=st.sets(st.sampled_from(["revenue", "liability", "equity"])),
    kind=st.sampled_from(TYPES),
    amount=amounts,
)
def test_out_and_back_in_is_the_same_figure(flip: set[str], kind: str, amount: Decimal) -> None:
    rule = sign_rule(flip, [Account("4000", "Revenue", kind)], {})
    assert rule.plan_amount("4000", rule.erp_amount("4000", amount)) == amount
    flipped = account_class(kind).value in flip
    assert rule.erp_amount("4000", amount) == (-amount if flipped else amount)


def test_each_erps_letters_name_their_class() -> None:
    assert account_class("R") is AccountClass.REVENUE  # Oracle AccountType, M3 AICL
    assert account_class("I") is AccountClass.REVENUE  # CSI chart type Income
    assert account_class("L") is AccountClass.LIABILITY
    assert account_class("O") is AccountClass.EQUITY
    assert account_class("E") is AccountClass.EXPENSE
    assert account_class("something else") is AccountClass.UNKNOWN


def test_the_flow_table_overrides_the_erp_and_no_flip_reads_nothing() -> None:
    rule = sign_rule(["revenue"], [Account("4000", "Revenue", "E")], {"4000": "revenue"})
    assert rule.erp_amount("4000", Decimal(5)) == Decimal(-5)
    assert sign_rule([], [], {}).erp_amount("4000", Decimal(5)) == Decimal(5)
