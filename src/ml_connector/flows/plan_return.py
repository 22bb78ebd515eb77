"""The plan-return flow: approved budget or forecast figures out of an Anaplan export, posted back
into the ERP as GL journals for review.

One journal per period: a line per (account, cost center) and a balancing line, with a deterministic
reference made from the flow, version and period. The ERP client looks the reference up before it
posts, so a re-run, a replay or a retry after a lost answer never posts a journal twice.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, Trigger
from ml_connector.errors import RecordError
from ml_connector.failpoints import failpoint
from ml_connector.flows.context import FlowContext
from ml_connector.flows.exports import export_rows
from ml_connector.mapping import Dimension, PeriodFormat
from ml_connector.records import JournalDraft, JournalLineDraft, PlanLine


def journal_reference(flow: str, version: str, period: str) -> str:
    """Short, stable and unique per (flow, version, period): e.g. `MLC-BUD-3f2a1c9e-2026-12`.

    The digest covers the whole flow name and version ("Forecast Q1" and "Forecast Q2" differ); the
    three letters only help a reviewer. 24 characters fit every ERP's reference field (M3 DESC: 30)."""
    digest = hashlib.sha256(f"{flow}\x1f{version}".encode()).hexdigest()[:8]
    letters = "".join(ch for ch in version.upper() if ch.isascii() and ch.isalnum())[:3] or "PLN"
    return f"MLC-{letters}-{digest}-{period}"


class PlanReturnFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow = ctx.config.flow(name)

    def run(self, dry_run: bool = False, trigger: Trigger = Trigger.MANUAL, periods: set[str] | None = None) -> RunInfo:
        def body(scope: RunScope) -> None:
            by_period = self._read(scope.audit, scope.run_id, periods)
            if dry_run:
                scope.audit.move(RecordState.STAGED, RecordState.WOULD_LOAD, reason="dry run: would be posted")
            else:
                self._post(by_period, scope.audit)

        return self.ctx.run(RunRequest(self.name, trigger, dry_run), body)

    def _read(self, audit: AuditTrail, run_id: str, periods: set[str] | None) -> dict[str, list[PlanLine]]:
        flow = self.flow
        cols = flow.columns
        anaplan = self.ctx.clients.anaplan(flow.source)
        ref = anaplan.model(flow.workspace or None, flow.model)
        self.ctx.progress.stage(f"exporting {flow.export!r}")
        path = anaplan.export(ref, flow.export, self.ctx.workdir / f"{run_id}-plan.csv")
        mapping = self.ctx.mapping(flow, self.name)
        fmt = PeriodFormat(flow.period_format)
        by_period: dict[str, list[PlanLine]] = defaultdict(list)
        entries: list[AuditEntry] = []
        for line, row in export_rows(path, [cols.account, cols.cost_center, cols.period, cols.amount], flow.export):
            if flow.only and not fnmatchcase(row[cols.cost_center], flow.only):
                continue
            key = f"{row[cols.account]}|{row[cols.cost_center]}|{row[cols.period]}"
            entry = AuditEntry(flow.source, key, "plan", {"line": line, **row}, RecordState.STAGED)
            try:
                period = fmt.from_anaplan(row[cols.period])
                amount = Decimal(row[cols.amount].replace(",", ""))
                if not amount.is_finite():  # Decimal reads "NaN" and "Infinity" without complaint
                    raise InvalidOperation
                plan = PlanLine(
                    flow.version,
                    period,
                    mapping.reverse(Dimension.ACCOUNT, row[cols.account]),
                    mapping.reverse(Dimension.COST_CENTER, row[cols.cost_center]),
                    amount,
                )
            except (InvalidOperation, RecordError) as exc:
                entry.state = RecordState.QUARANTINED
                entry.reason = (
                    exc.message if isinstance(exc, RecordError) else f"amount {row[cols.amount]!r} is not a number"
                )
                entry.hint = exc.hint if isinstance(exc, RecordError) else "Fix the figure in Anaplan, then run again."
            else:
                if periods is None or period in periods:
                    entry.target_key = journal_reference(self.name, flow.version, period)
                    if amount != 0:
                        by_period[period].append(plan)
                else:
                    continue
            entries.append(entry)
            self.ctx.progress.advance(1)
        audit.add(entries)
        # A zero figure has nothing to post: it is done, not pending.
        return by_period

    def _post(self, by_period: dict[str, list[PlanLine]], audit: AuditTrail) -> None:
        flow = self.flow
        erp = self.ctx.clients.erp(flow.target)
        for period, plans in sorted(by_period.items()):
            reference = journal_reference(self.name, flow.version, period)
            lines = [JournalLineDraft(p.account, p.cost_center, p.amount, f"{flow.version} {period}") for p in plans]
            total = sum((p.amount for p in plans), Decimal(0))
            if total:
                lines.append(
                    JournalLineDraft(flow.balancing_account, flow.balancing_cost_center, -total, "balancing line")
                )
            year, month = int(period[:4]), int(period[5:])
            draft = JournalDraft(
                reference=reference,
                ledger=flow.ledger,
                period=period,
                accounting_date=date(year, month, 1),
                currency=flow.currency,
                description=f"{flow.version} from Anaplan {flow.model}, {period} (for review)",
                lines=tuple(lines),
            )
            failpoint("plan_return.before_post")
            self.ctx.progress.stage(f"posting {reference}")
            try:
                result = erp.post_journal(draft)
            except RecordError as exc:
                audit.move(
                    RecordState.STAGED, RecordState.FAILED, target_keys=[reference], reason=str(exc), hint=exc.hint
                )
                continue
            failpoint("plan_return.after_post")
            note = "" if result.created else "already posted earlier (found by its reference); not posted again"
            audit.move(
                RecordState.STAGED,
                RecordState.POSTED,
                target_keys=[reference],
                target_ref=result.document_id,
                reason=note,
            )
        audit.move(RecordState.STAGED, RecordState.POSTED, reason="zero figure: nothing to post")
