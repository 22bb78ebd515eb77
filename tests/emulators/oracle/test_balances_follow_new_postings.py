"""ledgerBalances are kept between requests (as Oracle keeps them) and follow every posting: after more
journals are posted, each combination's period activity is again the sum of its posted lines."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import httpx

from .conftest import REST

V2 = {"REST-Framework-Version": "2"}


def _all(api: httpx.Client, path: str, **params: str) -> list[dict]:
    items: list[dict] = []
    while True:
        page = api.get(path, params={"limit": "500", "offset": str(len(items)), **params}, headers=V2).json()
        items += page["items"]
        if len(page["items"]) < 500:
            return items


def _from_journals(api: httpx.Client, period: str) -> dict[str, Decimal]:
    sums: defaultdict[str, Decimal] = defaultdict(Decimal)
    finder = f"JournalsFinder;AccountingPeriod={period},Status=P"
    for batch in _all(api, f"{REST}/journalBatches", finder=finder):
        for header in _all(api, f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders"):
            if header["LedgerName"] != "Acme EU Ledger":
                continue
            link = next(x["href"] for x in header["links"] if x["rel"] == "self")
            for line in _all(api, f"{link}/child/journalLines"):
                dr, cr = Decimal(str(line["AccountedDr"] or 0)), Decimal(str(line["AccountedCr"] or 0))
                sums[line["AccountCombination"]] += dr - cr
    return {combo: amount for combo, amount in sums.items() if amount}


def _from_balances(api: httpx.Client, period: str) -> dict[str, Decimal]:
    finder = (
        f"AccountBalanceFinder;accountCombination=%-%-%,accountingPeriod={period},"
        "currency=EUR,ledgerName=Acme EU Ledger,mode=Detail"
    )
    rows = _all(api, f"{REST}/ledgerBalances", finder=finder, onlyData="true")
    return {r["DetailAccountCombination"]: Decimal(r["PeriodActivity"]) for r in rows if Decimal(r["PeriodActivity"])}


def test_balances_match_the_posted_lines_before_and_after_more_are_posted(api: httpx.Client, raw: httpx.Client) -> None:
    before = _from_balances(api, "Mar-26")
    assert before and before == _from_journals(api, "Mar-26")
    raw.put("/_emulator/volume", json={"extra_lines": 4000, "seed": 11}).raise_for_status()
    after = _from_balances(api, "Mar-26")
    assert after != before  # the new journals moved some balances
    assert after == _from_journals(api, "Mar-26")
    raw.post("/_emulator/journals/touch", json={"count": 5}).raise_for_status()  # a change of stamps only
    assert _from_balances(api, "Mar-26") == after
