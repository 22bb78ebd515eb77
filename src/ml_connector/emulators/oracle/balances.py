"""`ledgerBalances`: GL account balances computed from the posted journals.

`GET ledgerBalances?finder=AccountBalanceFinder;accountCombination=300-3100-%,accountingPeriod=Mar-26,
currency=EUR,ledgerName=Acme EU Ledger,mode=Detail`. A `%` segment means "every value". Without
`mode=Detail` one summary row comes back for the requested combination; with it, one row per detail
combination that has activity. Every amount is a **string**, as documented.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.journals import lines_of
from ml_connector.emulators.oracle.resources import LEDGER_BALANCES, Item

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_VARIABLES = ("accountCombination", "accountingPeriod", "currency", "ledgerName", "mode", "amountType")


def _period_index(name: str) -> tuple[int, int]:
    month, _, year = name.partition("-")
    if month not in _MONTHS or not year.isdigit():
        # ASSUMPTION: an unparseable period name answers 400 with this wording (undocumented).
        raise bad_request(f"The accounting period {name} is not valid.", path="accountingPeriod")
    return 2000 + int(year), _MONTHS.index(month) + 1


def _matches(pattern: list[str], combination: str, delimiter: str) -> bool:
    values = combination.split(delimiter)
    return len(values) == len(pattern) and all(p in ("%", v) for p, v in zip(pattern, values, strict=True))


def balance_rows(backend: OracleBackend, finder: str | None) -> list[Item]:
    """The finder's balance rows (400 when the finder or its required variables are missing)."""
    name, _, rest = (finder or "").partition(";")
    if name != "AccountBalanceFinder":
        raise bad_request(
            # ASSUMPTION: without AccountBalanceFinder (and its account and period variables) the request answers 400;
            # the docs only show the finder in use.
            "ledgerBalances needs finder=AccountBalanceFinder;accountCombination=...,accountingPeriod=..."
        )
    variables = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
    unknown = set(variables) - set(_VARIABLES)
    if unknown or "accountCombination" not in variables or "accountingPeriod" not in variables:
        raise bad_request(f"URL request parameter finder with value '{finder}' is invalid.")
    seeded = backend.seeded
    ledger = seeded.ledger
    # ASSUMPTION: another ledger or currency is not an error, just no rows.
    if variables.get("ledgerName", ledger["name"]) != ledger["name"]:
        return []
    if variables.get("currency", ledger["currency"]) != ledger["currency"]:
        return []
    target = _period_index(variables["accountingPeriod"])
    pattern = variables["accountCombination"].split(seeded.delimiter)
    begin: defaultdict[str, Decimal] = defaultdict(Decimal)
    activity: defaultdict[str, Decimal] = defaultdict(Decimal)
    for batch in backend.roots["journalBatches"]:
        if batch.data.get("UserPeriodSetName") != ledger["period_set"]:
            continue  # another ledger's journal (the 4-4-5 ledger): ASSUMPTION: balances read the first ledger only
        if batch.data["Status"] != "P":
            # ASSUMPTION: balances count posted journals only (GL's usual rule; not stated in the notes).
            continue  # only posted journals reach balances
        period = _period_index(batch.data["DefaultPeriodName"])
        if period > target:
            continue
        for _, line in lines_of(batch):
            combo = line.data["AccountCombination"]
            if not _matches(pattern, combo, seeded.delimiter):
                continue
            amount = Decimal(str(line.data["AccountedDr"] or 0)) - Decimal(str(line.data["AccountedCr"] or 0))
            if period == target:
                activity[combo] += amount
            elif period[0] == target[0] or combo.split(seeded.delimiter)[-1] < "4000":
                # Balance-sheet accounts carry forward; income and expense accounts restart each year.
                begin[combo] += amount
    for period_name, combo, amount in backend.hidden_lines:
        if _period_index(period_name) == target and _matches(pattern, combo, seeded.delimiter):
            activity[combo] += amount
    detail = variables.get("mode", "").lower() == "detail"
    groups: dict[str, list[str]] = defaultdict(list)
    for combo in sorted(set(begin) | set(activity)):
        groups[combo if detail else variables["accountCombination"]].append(combo)
    if not detail and not groups:
        groups[variables["accountCombination"]] = []
    rows = []
    for number, (shown, combos) in enumerate(groups.items(), start=1):
        opening = sum((begin[c] for c in combos), Decimal(0))
        moved = sum((activity[c] for c in combos), Decimal(0))
        rows.append(
            Item(
                LEDGER_BALANCES,
                {
                    "BalanceRowId": number,
                    "LedgerName": ledger["name"],
                    "LedgerSetName": None,
                    "AccountCombination": variables["accountCombination"],
                    "DetailAccountCombination": shown if detail else None,
                    "AccountGroupName": None,
                    "AccountName": None,
                    "Currency": ledger["currency"],
                    "CurrencyType": "Total",
                    "CurrentAccountingPeriod": variables["accountingPeriod"],
                    "PeriodName": variables["accountingPeriod"],
                    "Scenario": None,
                    "AmountType": variables.get("amountType", "PTD"),
                    "BeginningBalance": _text(opening),
                    "PeriodActivity": _text(moved),
                    "EndingBalance": _text(opening + moved),
                    "CurrentPeriodBalance": _text(moved),
                    "ActualBalance": _text(opening + moved),
                    "BudgetBalance": "0",
                    "ErrorDetail": None,
                },
            )
        )
    return rows


def _text(amount: Decimal) -> str:
    return f"{amount:.2f}"
