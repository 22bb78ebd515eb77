"""Replay: send again the records of a run that were quarantined or failed, from their stored payloads.

Actuals: each record goes through today's mapping again; what now maps is staged and its cells are
reloaded as totals (so a replay can never double a number); what still cannot be mapped stays
quarantined in the replay run. A record a later run has already loaded is left alone (its newer
version is in Anaplan). Other flows are idempotent as a whole (list upserts, journals looked up by
reference, supplier upserts), so their replay runs the flow again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select

from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import REPLAYABLE_STATES, RecordState, Trigger
from ml_connector.errors import ConfigurationError
from ml_connector.flows.actuals import ActualsFlow, RunOptions
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.flows.staging import line_from_payload
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord
from ml_connector.store.models import AuditRecord, LedgerCopy, Run

LINE_KINDS = {k.value for k in EntryKind}


def replay(ctx: FlowContext, run_id: str) -> RunInfo:
    parent = RunLog(ctx.store).get(run_id)
    if parent.dry_run:
        raise ConfigurationError(f"run {parent.id} was a dry run", hint="Run the flow for real instead.")
    flow = ctx.config.flow(parent.flow)
    if flow.kind != "actuals":
        return run_flow(ctx, parent.flow, trigger=Trigger.REPLAY)
    records = list(_replayable(ctx, parent.id, parent.flow))
    options = RunOptions(trigger=Trigger.REPLAY, parent_run_id=parent.id, replay_records=records)
    return ActualsFlow(ctx, parent.flow).run(options)


def _replayable(ctx: FlowContext, run_id: str, flow: str) -> Iterator[LedgerLine | RejectedRecord]:
    with ctx.store.session() as session:
        rows = session.execute(
            select(
                AuditRecord.source,
                AuditRecord.source_key,
                AuditRecord.kind,
                AuditRecord.payload,
                AuditRecord.reason,
                AuditRecord.payload_hash,
            )
            .where(AuditRecord.run_id == run_id, AuditRecord.state.in_([s.value for s in REPLAYABLE_STATES]))
            .order_by(AuditRecord.id)
        ).all()
        started = session.execute(select(Run.started_at).where(Run.id == run_id)).scalar_one()
        keys = [r.source_key for r in rows]
        loaded_later: set[str] = set()
        # Only a version loaded by a run that started after this one is newer: an earlier version in the
        # ledger (e.g. before the account was remapped) must not keep the failed record from replaying.
        # Chunked: a run can fail more records than a statement may have parameters.
        for start in range(0, len(keys), 1000):
            loaded_later.update(
                session.execute(
                    select(LedgerCopy.source_key)
                    .join(Run, Run.id == LedgerCopy.run_id)
                    .where(
                        LedgerCopy.flow == flow,
                        LedgerCopy.source_key.in_(keys[start : start + 1000]),
                        Run.started_at > started,
                    )
                ).scalars()
            )
            # A later regular run that read a different version of the record holds the newer one (loaded,
            # or failed in that run and replayable from it): replaying this older one would overwrite it.
            hashes = {r.source_key: r.payload_hash for r in rows[start : start + 1000]}
            loaded_later.update(
                key
                for key, digest in session.execute(
                    select(AuditRecord.source_key, AuditRecord.payload_hash)
                    .join(Run, Run.id == AuditRecord.run_id)
                    .where(
                        AuditRecord.source.in_({r.source for r in rows[start : start + 1000]}),
                        AuditRecord.source_key.in_(keys[start : start + 1000]),
                        AuditRecord.state != RecordState.DISCARDED.value,
                        Run.flow == flow,
                        Run.started_at > started,
                        Run.dry_run.is_(False),
                        Run.trigger != "replay",
                    )
                )
                if digest != hashes.get(key)
            )
    for source, key, kind, payload_text, reason, _digest in rows:
        if key in loaded_later:
            continue
        payload = json.loads(payload_text)
        if kind in LINE_KINDS and "amount" in payload and "period" in payload:
            yield line_from_payload(payload)
        else:
            yield RejectedRecord(
                source,
                key,
                kind,
                reason,
                "The source record itself is bad: fix it in the ERP; the next run reads it again.",
                payload,
            )
