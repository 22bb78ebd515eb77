"""Plan figures into an M3 budget through BUS100MI (the budget definition interface), not into the GL.

Each (account, cost center) amount of a period replaces the budget line of that period: DelBudgetLines for
the period (none there is fine), then AddBudgetLnPer. Running it again writes the same lines, so a retry
after a crash or a lost answer leaves one line per cell. Budget lines never reach the GL, so actuals never
meet them.
"""

from __future__ import annotations

from collections.abc import Callable

from ml_connector.errors import ConfigurationError
from ml_connector.records import BudgetDraft
from ml_connector.systems.infor.errors import M3TransactionError
from ml_connector.systems.infor.values import format_amount

MiCall = Callable[[str, str, dict[str, str]], list[dict[str, str]]]
# ASSUMPTION: M3's NOK codes for a missing and a duplicate record (the notes give none for BUS100MI).
MISSING, EXISTS = "XRE0103", "XRE0104"


def budget_period(period: str) -> str:
    """'2026-12' as BUS100MI's budget period. ASSUMPTION: BUPE is the accounting period YYYYPP (monthly)."""
    return period.replace("-", "")


def write_budget(call: MiCall, budget: BudgetDraft, *, division: str, number: str) -> int:
    """Replace the period's budget line of every cell in `budget`; the number of lines written."""
    version = budget.budget
    # M3 documents BVER as A4 (GLS215MI LstPerBalances outputs, infor.md appendix B).
    if not version or len(version) > 4:
        raise ConfigurationError(
            f"M3 budget version {version!r} is not usable (BUS100MI BVER is 1-4 characters)",
            hint='Set budget_name on the plan-return flow to the M3 budget version, e.g. budget_name = "PLN".',
        )
    written = 0
    for line in budget.lines:
        key = {
            "DIVI": division,
            "BUNO": number,
            "BVER": version,
            "AIT1": line.account,
            "AIT2": line.cost_center,
            "CUCD": budget.currency,
            "BUPE": budget_period(budget.period),
        }
        try:
            call("BUS100MI", "DelBudgetLines", key)
        except M3TransactionError as exc:
            if exc.code != MISSING:
                raise
        if line.amount:
            try:
                call("BUS100MI", "AddBudgetLnPer", key | {"BCUA": format_amount(line.amount)})
            except M3TransactionError as exc:
                if exc.code != EXISTS:  # a retried Add whose first answer was lost
                    raise
            written += 1
    return written
