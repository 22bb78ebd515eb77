"""`ledgerBalances`: GL account balances computed from the posted journals.

`GET ledgerBalances?finder=AccountBalanceFinder;accountCombination=300-3100-%,accountingPeriod=Mar-26,
currency=EUR,ledgerName=Acme EU Ledger,mode=Detail`. A `%` segment means "every value". Without
`mode=Detail` one summary row comes back for the requested combination; with it, one row per detail
combination that has activity. Every amount is a **string**, as documented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.journals import lines_of
from ml_connector.emulators.oracle.resources import LEDGER_BALANCES, Item

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_VARIABLES = ("accountCombination", "accountingPeriod", "currency", "ledgerName", "mode", "amountType")


def _month_index(name: str) -> tuple[int, int] | None:
    month, _, year = name.partition("-")
    if month not in _MONTHS or not year.isdigit():
        return None
    return 2000 + int(year), _MONTHS.index(month) + 1


def _ledger_named(backend: OracleBackend, name: str) -> dict[str, Any] | None:
    """The ledger (name, id, currency, period set) of `ledgersLOV` called `name`."""
    for item in backend.roots["ledgersLOV"]:
        if item.data.get("Name") == name:
            data = item.data
            return {
                "name": name,
                "id": data["LedgerId"],
                "currency": data["CurrencyCode"],
                "period_set": data["PeriodSetName"],
            }
    return None


def _period_order(backend: OracleBackend, ledger: dict[str, Any]) -> Callable[[str], tuple[int, int] | None]:
    """(year, number) of a period name of the ledger's calendar (its accountingPeriodStatusLOV rows: "P04-26" on
    the 4-4-5 ledger), or of a monthly name "Mar-26"; None for a name the ledger does not have."""
    named = {
        str(row.data["PeriodNameId"]): (int(row.data["PeriodYear"]), int(row.data["PeriodNumber"]))
        for row in backend.roots["accountingPeriodStatusLOV"]
        if row.data.get("LedgerId") == ledger["id"] and row.data.get("PeriodYear") and row.data.get("PeriodNumber")
    }
    if named and not all(_month_index(n) for n in named):  # a fiscal calendar: only its own names
        return named.get
    return lambda name: named.get(name) or _month_index(name)


def _matches(pattern: list[str], combination: str, delimiter: str) -> bool:
    values = combination.split(delimiter)
    return len(values) == len(pattern) and all(p in ("%", v) for p, v in zip(pattern, values, strict=True))


def posted_sums(backend: OracleBackend, period_set: str) -> dict[str, dict[str, Decimal]]:
    """{period name: {account combination: posted accounted amount}} of the period set's posted journals.

    Kept on the backend with the state of the journals they were added up from (each batch's identity,
    change counter, status, period and journals), and added up again when that state changes: a posted
    line's amounts never change (journal lines are not writable), so the state is all a sum depends on."""
    batches = [b for b in backend.roots["journalBatches"] if b.data.get("UserPeriodSetName") == period_set]
    state = tuple(
        (id(b), b.version, b.data["Status"], b.data["DefaultPeriodName"], len(b.child_items("journalHeaders")))
        for b in batches
    )
    kept = backend.posted_sums.get(period_set)
    if kept is not None and kept[0] == state:
        return kept[1]
    sums: dict[str, dict[str, Decimal]] = {}
    for batch in batches:
        if batch.data["Status"] != "P":
            # ASSUMPTION: balances count posted journals only (GL's usual rule; not stated in the notes).
            continue  # only posted journals reach balances
        period = sums.setdefault(str(batch.data["DefaultPeriodName"]), defaultdict(Decimal))
        for _, line in lines_of(batch):
            amount = Decimal(str(line.data["AccountedDr"] or 0)) - Decimal(str(line.data["AccountedCr"] or 0))
            period[line.data["AccountCombination"]] += amount
    backend.posted_sums[period_set] = (state, sums)
    return sums


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
    ledger = _ledger_named(backend, variables.get("ledgerName", seeded.ledger["name"]))
    # ASSUMPTION: another ledger or currency is not an error, just no rows.
    if ledger is None or variables.get("currency", ledger["currency"]) != ledger["currency"]:
        return []
    order = _period_order(backend, ledger)
    target = order(variables["accountingPeriod"])
    if target is None:
        # ASSUMPTION: an unknown period name answers 400 with this wording (undocumented).
        raise bad_request(
            f"The accounting period {variables['accountingPeriod']} is not valid.", path="accountingPeriod"
        )
    pattern = variables["accountCombination"].split(seeded.delimiter)
    begin: defaultdict[str, Decimal] = defaultdict(Decimal)
    activity: defaultdict[str, Decimal] = defaultdict(Decimal)
    for period_name, sums in posted_sums(backend, ledger["period_set"]).items():
        period = order(period_name)
        if period is None or period > target:
            continue
        for combo, amount in sums.items():
            if not _matches(pattern, combo, seeded.delimiter):
                continue
            if period == target:
                activity[combo] += amount
            elif period[0] == target[0] or combo.split(seeded.delimiter)[-1] < "4000":
                # Balance-sheet accounts carry forward; income and expense accounts restart each year.
                begin[combo] += amount
    for period_name, combo, amount in backend.hidden_lines:
        # A hidden line belongs to the ledger whose calendar names its period ("Mar-26" EU, "P04-26" UK).
        if order(period_name) == target and _matches(pattern, combo, seeded.delimiter):
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
