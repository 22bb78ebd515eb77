"""Sign conventions by account type, applied the same way in (actuals), out (plan-return) and in reconcile.

A GL keeps debits positive and credits negative, so revenue, liabilities and equity carry negative balances;
planning models usually keep them positive. A flow's `flip_signs` names the account types whose sign is
turned over between the two. The type of each account comes from the ERP (Oracle's `AccountType` value set
attribute, M3's account class AICL, CSI's chart `Type`, FSM's chart section: A asset, L liability, O/Q equity,
R/I revenue, E expense), and the flow's `account_types` table gives or overrides it per account. Flipping is its
own inverse, so a figure that goes out and is read back comes back equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ml_connector.records import Account


class AccountClass(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"
    UNKNOWN = "unknown"


_NAMES = {
    "a": AccountClass.ASSET,
    "asset": AccountClass.ASSET,
    "l": AccountClass.LIABILITY,
    "liability": AccountClass.LIABILITY,
    "o": AccountClass.EQUITY,
    "q": AccountClass.EQUITY,
    "equity": AccountClass.EQUITY,
    "owners equity": AccountClass.EQUITY,
    "r": AccountClass.REVENUE,
    "i": AccountClass.REVENUE,
    "revenue": AccountClass.REVENUE,
    "income": AccountClass.REVENUE,
    "e": AccountClass.EXPENSE,
    "expense": AccountClass.EXPENSE,
}


def account_class(erp_type: str) -> AccountClass:
    """An ERP's account type (letter or word) as a class; UNKNOWN when it names none."""
    text = " ".join(erp_type.strip().lower().replace("'", "").split())
    return _NAMES.get(text, AccountClass.UNKNOWN)


@dataclass(frozen=True)
class SignRule:
    flip: frozenset[AccountClass] = frozenset()
    classes: Mapping[str, AccountClass] = field(default_factory=dict)

    def plan_amount(self, account: str, amount: Decimal) -> Decimal:
        """A GL amount of ERP account `account` as the plan keeps it."""
        return -amount if self.classes.get(account, AccountClass.UNKNOWN) in self.flip else amount

    def erp_amount(self, account: str, amount: Decimal) -> Decimal:
        """A plan figure for ERP account `account` as the GL books it (the inverse of `plan_amount`)."""
        return self.plan_amount(account, amount)


def sign_rule(flip: Iterable[str], accounts: Iterable[Account], overrides: Mapping[str, str]) -> SignRule:
    """The rule for a flow: `flip` (its `flip_signs`), account types from the ERP, then `overrides`."""
    wanted = frozenset(AccountClass(name) for name in flip)
    if not wanted:
        return SignRule()
    classes = {a.code: account_class(a.account_type) for a in accounts}
    classes.update({code: account_class(kind) for code, kind in overrides.items()})
    return SignRule(wanted, classes)


def flow_sign_rule(
    flip: Iterable[str], overrides: Mapping[str, str], accounts: Callable[[], Iterable[Account]]
) -> SignRule:
    """As `sign_rule`, reading the ERP's accounts only when the flow flips anything."""
    flip = list(flip)
    return sign_rule(flip, accounts(), overrides) if flip else SignRule()
