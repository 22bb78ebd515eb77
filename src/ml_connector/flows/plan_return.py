"""The plan-return flow: approved budget or forecast figures out of an Anaplan export, posted back
into the ERP as GL journals for review.

A period's figures go out as one journal: a line per (account, cost center) and a balancing line. The
store remembers every journal posted per (flow, version, period) with its lines (`engine.return_journals`).
When the figures change, the product posts a revision: by default a reversal of everything posted for the
period plus a new journal, or with `revisions = "delta"` one journal for the difference. A cell emptied in
Anaplan is part of the difference. Every journal has its own deterministic reference, e.g.
`MLC-BUD-3f2a1c9e-2026-12` (the first), `...-2026-12-2R` (its reversal), `...-2026-12-3J` (the new one),
`...-2026-12-2D` (a delta); a revision is planned in the store before the first of its journals is written,
and the ERP client looks each reference up before it posts, so a crash or a re-run never doubles a journal
and the next run finishes the plan. Journals still in review are never edited in place: the ERP's own review
(posting or deleting the batch) stays with the reviewer, and the reversal pair says what changed.

With `post_as = "budget"` the figures go to the ERP's budget instead (Oracle budget balance import, M3
BUS100MI): a load replaces the period's amounts, so a revision is one more load of the period (`...-2B`) with
every cell, zero for the emptied ones. Signs follow the flow's `flip_signs` rule (`mapping.signs`), the same
one actuals and reconcile apply.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.keys import CELL_SEPARATOR, escape
from ml_connector.engine.return_journals import (
    Cell,
    JournalKind,
    JournalState,
    PeriodHistory,
    ReturnJournals,
    ReturnRecord,
    SubmitMemory,
)
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, Trigger
from ml_connector.errors import RecordError
from ml_connector.failpoints import failpoint
from ml_connector.flows.context import FlowContext
from ml_connector.flows.exports import export_rows
from ml_connector.flows.signing import flow_signs
from ml_connector.mapping import Dimension
from ml_connector.mapping.signs import SignRule
from ml_connector.ports import ErpClient
from ml_connector.records import BudgetDraft, FiscalPeriod, JournalDraft, JournalLineDraft

KIND_LETTER = {JournalKind.JOURNAL: "J", JournalKind.REVERSAL: "R", JournalKind.DELTA: "D", JournalKind.BUDGET: "B"}


def journal_reference(flow: str, version: str, period: str) -> str:
    """Short, stable and unique per (flow, version, period): e.g. `MLC-BUD-3f2a1c9e-2026-12`.

    The digest covers the whole flow name and version ("Forecast Q1" and "Forecast Q2" differ); the
    three letters only help a reviewer. 24 characters fit every ERP's reference field (M3 DESC: 30)."""
    digest = hashlib.sha256(f"{flow}\x1f{version}".encode()).hexdigest()[:8]
    letters = "".join(ch for ch in version.upper() if ch.isascii() and ch.isalnum())[:3] or "PLN"
    return f"MLC-{letters}-{digest}-{period}"


def revision_reference(base: str, seq: int, kind: JournalKind) -> str:
    """The reference of the period's `seq`-th journal: the base for the first, `<base>-<seq><J|R|D>` after."""
    return base if seq == 1 else f"{base}-{seq}{KIND_LETTER[kind]}"


def plan_revision(history: PeriodHistory, wanted: dict[Cell, Decimal], base: str, mode: str) -> list[ReturnRecord]:
    """The journals that bring what the ERP holds for a period (`history.net`) to `wanted`; [] when equal."""
    net = history.net
    if net == wanted:
        return []
    seq = history.next_seq
    if mode == "budget":  # a load replaces amounts: send every cell, zero for those emptied in Anaplan
        lines = {c: wanted.get(c, Decimal(0)) for c in set(net) | set(wanted)}
        return [ReturnRecord(revision_reference(base, seq, JournalKind.BUDGET), seq, JournalKind.BUDGET, lines)]
    if mode == "delta" and history.records:
        cells = set(net) | set(wanted)
        delta = {c: wanted.get(c, Decimal(0)) - net.get(c, Decimal(0)) for c in cells}
        lines = {c: v for c, v in delta.items() if v}
        last = history.last_journal()
        ref = revision_reference(base, seq, JournalKind.DELTA)
        return [ReturnRecord(ref, seq, JournalKind.DELTA, lines, last.reference if last else "")]
    out: list[ReturnRecord] = []
    if net:
        last = history.last_journal()
        reversal = {c: -v for c, v in net.items()}
        ref = revision_reference(base, seq, JournalKind.REVERSAL)
        out.append(ReturnRecord(ref, seq, JournalKind.REVERSAL, reversal, last.reference if last else ""))
        seq += 1
    if wanted:
        out.append(ReturnRecord(revision_reference(base, seq, JournalKind.JOURNAL), seq, JournalKind.JOURNAL, wanted))
    return out


@dataclass
class PeriodPlan:
    """One period's cells as read from Anaplan: wanted figures in ERP codes and the audit keys per cell."""

    wanted: dict[Cell, Decimal] = field(default_factory=dict)
    keys: dict[Cell, list[str]] = field(default_factory=lambda: defaultdict(list))


class PlanReturnFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow = ctx.config.flow(name)
        self.signs = SignRule()
        self.known: tuple[set[str], set[str]] = (set(), set())  # the ERP's accounts and cost centers (dry runs)

    def run(self, dry_run: bool = False, trigger: Trigger = Trigger.MANUAL, periods: set[str] | None = None) -> RunInfo:
        def body(scope: RunScope) -> None:
            self.signs = flow_signs(self.flow, self.ctx.clients.erp(self.flow.target))
            by_period = self._read(scope.audit, scope.run_id, periods)
            journals = ReturnJournals(self.ctx.store, self.name, self.flow.version)
            for period in journals.periods():  # a period emptied in Anaplan is reversed too
                if periods is None or period in periods:
                    by_period.setdefault(period, PeriodPlan())
            if dry_run:
                erp = self.ctx.clients.erp(self.flow.target)
                self.known = (
                    {a.code for a in erp.accounts() if a.enabled},
                    {c.code for c in erp.cost_centers() if c.enabled},
                )
            for period, plan in sorted(by_period.items()):
                self._return_period(period, plan, journals, scope, dry_run)

        return self.ctx.run(RunRequest(self.name, trigger, dry_run), body)

    def _read(self, audit: AuditTrail, run_id: str, periods: set[str] | None) -> dict[str, PeriodPlan]:
        flow = self.flow
        cols = flow.columns
        anaplan = self.ctx.clients.anaplan(flow.source)
        ref = anaplan.model(flow.workspace or None, flow.model)
        self.ctx.progress.stage(f"exporting {flow.export!r}")
        path = anaplan.export(ref, flow.export, self.ctx.workdir / f"{run_id}-plan.csv")
        mapping = self.ctx.mapping(flow, self.name)
        fmt = flow.period_mapping()
        by_period: dict[str, PeriodPlan] = defaultdict(PeriodPlan)
        entries: list[AuditEntry] = []
        for line, row in export_rows(path, [cols.account, cols.cost_center, cols.period, cols.amount], flow.export):
            if flow.only and not fnmatchcase(row[cols.cost_center], flow.only):
                continue
            # Escaped: the codes `4|1`,`0` and `4`,`1|0` are two records, not one.
            key = CELL_SEPARATOR.join(
                escape(row[c], CELL_SEPARATOR) for c in (cols.account, cols.cost_center, cols.period)
            )
            entry = AuditEntry(flow.source, key, "plan", {"line": line, **row}, RecordState.STAGED)
            try:
                period = fmt.from_anaplan(row[cols.period])
                if FiscalPeriod.parse(period) is not None and flow.post_as == "budget":
                    # A budget load names its period as a month (BUS100MI BUPE, Oracle's period name).
                    raise RecordError(
                        f"Anaplan period {row[cols.period]!r} is the ERP's fiscal period {period}; budget loads "
                        "into fiscal periods of a 4-4-5 or 13-period calendar are not supported",
                        hint='Set post_as = "journal" on the flow: journals are dated into the fiscal period.',
                    )
                amount = Decimal(row[cols.amount].replace(",", "") or "0")  # an empty cell is no figure
                if not amount.is_finite():  # Decimal reads "NaN" and "Infinity" without complaint
                    raise InvalidOperation
                cell = (
                    mapping.reverse(Dimension.ACCOUNT, row[cols.account]),
                    mapping.reverse(Dimension.COST_CENTER, row[cols.cost_center]),
                )
            except (InvalidOperation, RecordError) as exc:
                entry.state = RecordState.QUARANTINED
                entry.reason = (
                    exc.message if isinstance(exc, RecordError) else f"amount {row[cols.amount]!r} is not a number"
                )
                entry.hint = exc.hint if isinstance(exc, RecordError) else "Fix the figure in Anaplan, then run again."
            else:
                if periods is not None and period not in periods:
                    continue
                entry.target_key = cell_key(self.name, flow.version, period, cell)
                plan = by_period[period]
                plan.keys[cell].append(entry.target_key)
                amount = self.signs.erp_amount(cell[0], amount)  # the GL's sign for the account's type
                plan.wanted[cell] = plan.wanted.get(cell, Decimal(0)) + amount
            entries.append(entry)
            self.ctx.progress.advance(1)
        audit.add(entries)
        for plan in by_period.values():
            plan.wanted = {c: v for c, v in plan.wanted.items() if v}
        return dict(by_period)

    def _return_period(
        self, period: str, plan: PeriodPlan, journals: ReturnJournals, scope: RunScope, dry_run: bool
    ) -> None:
        audit = scope.audit
        base = journal_reference(self.name, self.flow.version, period)
        erp = self.ctx.clients.erp(self.flow.target)
        submits = SubmitMemory(journals)
        history = journals.history(period)
        # Cells the ERP holds from us that Anaplan no longer has: an audit record each, so they are reported.
        gone = [c for c in history.net if c not in plan.keys]
        if gone:
            audit.add(
                [
                    AuditEntry(
                        self.flow.source,
                        f"{a}|{cc}|{period}",
                        "plan",
                        {"account": a, "cost_center": cc, "period": period, "emptied": True},
                        RecordState.STAGED,
                        target_key=cell_key(self.name, self.flow.version, period, (a, cc)),
                    )
                    for a, cc in gone
                ]
            )
            for cell in gone:
                plan.keys[cell].append(cell_key(self.name, self.flow.version, period, cell))
        keys = [k for ks in plan.keys.values() for k in ks]
        day = self._posting_day(period, erp)
        if day is None:
            audit.move(
                RecordState.STAGED,
                RecordState.QUARANTINED,
                target_keys=keys,
                reason=f"{self.flow.target} names no day of its fiscal period {period}, so no journal can be dated "
                "into it",
                hint="Check that the ERP's calendar has the period (Oracle: the ledger's accounting calendar; M3: a "
                "voucher in the period), then run again.",
            )
            return
        if dry_run:
            self._predict(period, plan, history, base, audit)
            return
        try:
            for record in history.pending:  # an earlier run's plan, cut short: finish it first
                self._post(record, period, day, erp, submits, journals)
            before = history.net
            records = plan_revision(history, plan.wanted, base, self._mode)
            if records:
                journals.intend(period, records, scope.run_id)
            adopted = False
            for record in records:
                created = self._post(record, period, day, erp, submits, journals)
                adopted = adopted or (record.seq == 1 and not created)
        except RecordError as exc:
            journals.forget_pending(period)  # the ERP refused it: nothing of the rest was written
            audit.move(RecordState.STAGED, RecordState.FAILED, target_keys=keys, reason=str(exc), hint=exc.hint)
            return
        self._audit_period(period, plan, before, records, history, audit)
        if adopted:  # a journal from before revisions were tracked: its figures are not known here
            audit.move(
                RecordState.POSTED,
                RecordState.POSTED,
                target_prefix=f"{base}|",
                reason=f"{base} was posted before (found by its reference) and not posted again; its figures are "
                "taken to be these. Check them in the ERP: later changes are revised from these figures.",
            )

    @property
    def _mode(self) -> str:
        return "budget" if self.flow.post_as == "budget" else self.flow.revisions

    def _posting_day(self, period: str, erp: ErpClient) -> date | None:
        """The accounting date of the period's journals: a calendar month's first day, or a day the ERP's own
        calendar places in a fiscal period ("2026-P04" on a 4-4-5 year may start on 29 March)."""
        if FiscalPeriod.parse(period) is None:
            return date(int(period[:4]), int(period[5:]), 1)
        return erp.posting_day(period)

    def _post(
        self,
        record: ReturnRecord,
        period: str,
        day: date,
        erp: ErpClient,
        submits: SubmitMemory,
        journals: ReturnJournals,
    ) -> bool:
        """Post one journal or budget load; False when the ERP already had it (found by its reference)."""
        self.ctx.progress.stage(f"posting {record.reference}")
        failpoint("plan_return.before_post")  # between a reversal and its new journal, too
        if record.kind == JournalKind.BUDGET:
            flow = self.flow
            lines = tuple(JournalLineDraft(a, c, v, record.reference) for (a, c), v in sorted(record.lines.items()))
            name = flow.budget_name or flow.version
            budget = BudgetDraft(record.reference, name, flow.ledger, period, flow.currency, lines)
            result = erp.post_budget(budget, submits)
        else:
            result = erp.post_journal(self._draft(record, period, day), submits)
        failpoint("plan_return.after_post")
        journals.mark(record.reference, JournalState.POSTED, document_id=result.document_id)
        record.state, record.document_id = JournalState.POSTED, result.document_id
        return result.created

    def _draft(self, record: ReturnRecord, period: str, day: date) -> JournalDraft:
        flow = self.flow
        text = {
            JournalKind.JOURNAL: f"{flow.version} {period}",
            JournalKind.REVERSAL: f"reversal of {record.reverses}",
            JournalKind.DELTA: f"{flow.version} {period} revision",
        }[record.kind]
        text = f"{record.reference} {text}"  # every line names its journal: actuals readers skip it (own_journals)
        lines = [JournalLineDraft(a, c, v, text) for (a, c), v in sorted(record.lines.items()) if v]
        total = sum((v for v in record.lines.values()), Decimal(0))
        if total:
            balancing = f"{record.reference} balancing line"
            lines.append(JournalLineDraft(flow.balancing_account, flow.balancing_cost_center, -total, balancing))
        description = {
            JournalKind.JOURNAL: f"{flow.version} from Anaplan {flow.model}, {period} (for review)",
            JournalKind.REVERSAL: f"Reversal of {record.reverses}: {flow.version} {period} revised (for review)",
            JournalKind.DELTA: f"{flow.version} {period} revised in Anaplan {flow.model}: difference (for review)",
        }[record.kind]
        return JournalDraft(
            reference=record.reference,
            ledger=flow.ledger,
            period=period,
            accounting_date=day,
            currency=flow.currency,
            description=description,
            lines=tuple(lines),
        )

    def _audit_period(
        self,
        period: str,
        plan: PeriodPlan,
        before: dict[Cell, Decimal],
        records: list[ReturnRecord],
        history: PeriodHistory,
        audit: AuditTrail,
    ) -> None:
        posted_refs = ", ".join(r.reference for r in records)
        last = history.last_journal()
        for cell, keys in plan.keys.items():
            old, new = before.get(cell, Decimal(0)), plan.wanted.get(cell, Decimal(0))
            if not records:
                state = RecordState.POSTED
                reason = (
                    "zero figure: nothing to post"
                    if not new
                    else f"already posted with this figure ({last.reference if last else ''}); not posted again"
                )
                ref = last.document_id if last else ""
            elif cell in before and old != new:
                state = RecordState.REVISED
                earlier = last.reference if last else ""
                reason = f"revised: {old:,f} -> {new:,f} (earlier {earlier}; now {posted_refs})"
                ref = records[-1].document_id
            else:
                state = RecordState.POSTED
                reason = "" if not before else f"unchanged at {new:,f}; carried in {posted_refs}"
                reason = f"new figure {new:,f}; posted in {posted_refs}" if before and cell not in before else reason
                reason = reason if new else "zero figure: nothing to post"
                ref = records[-1].document_id
            audit.move(RecordState.STAGED, state, target_keys=keys, target_ref=ref, reason=reason)

    def _predict(self, period: str, plan: PeriodPlan, history: PeriodHistory, base: str, audit: AuditTrail) -> None:
        accounts, cost_centers = self.known
        for (account, cost_center), keys in plan.keys.items():
            missing = [f"account {account!r}"] if account not in accounts else []
            missing += [f"cost center {cost_center!r}"] if cost_center not in cost_centers else []
            if missing:
                audit.move(
                    RecordState.STAGED,
                    RecordState.QUARANTINED,
                    target_keys=keys,
                    reason=f"dry run: the ERP would refuse it: {' and '.join(missing)} not in {self.flow.target}",
                    hint="Add it in the ERP, or map it to one the ERP has, then run again.",
                )
        records = plan_revision(history, plan.wanted, base, self._mode)
        what = "would be posted" if not history.records else "would be revised"
        if history.records and not records:
            what = "already posted with these figures: nothing to post"
        refs = ", ".join(r.reference for r in records)
        audit.move(
            RecordState.STAGED,
            RecordState.WOULD_LOAD,
            target_prefix=f"{base}|",
            reason=f"dry run: {what}" + (f" as {refs}" if refs else ""),
        )


def cell_key(flow: str, version: str, period: str, cell: Cell) -> str:
    """The audit target of one plan cell: the period's base reference, then account and cost center."""
    return f"{journal_reference(flow, version, period)}|{cell[0]}|{cell[1]}"
