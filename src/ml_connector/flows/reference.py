"""The reference flow: ERP accounts, cost centers and suppliers into the Anaplan lists, before actuals.

Full each time (list imports add or update members, so a re-run changes nothing that was right);
codes go through the same mapping as the actuals, so every actual lands on a member this flow made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.frame import RunRequest, RunScope
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, Trigger
from ml_connector.errors import ConfigurationError, RecordError
from ml_connector.failpoints import failpoint
from ml_connector.flows.context import FlowContext
from ml_connector.flows.hierarchy import FIX, parent_problem, read_parents_file
from ml_connector.flows.loading import LoadResult, load_rows
from ml_connector.flows.staging import batched, gap_key
from ml_connector.mapping import Dimension, MappingTable
from ml_connector.ports import ModelRef, PlanningModel
from ml_connector.records import Account, CostCenter, Hierarchy, Supplier

Member = Account | CostCenter | Supplier


@dataclass(frozen=True)
class ListFeed:
    """One list to load: where its members come from and how a member becomes a CSV row."""

    kind: str
    dimension: Dimension
    cells: CellKind
    import_name: str
    columns: list[str]
    read: Callable[[], Iterable[Member]]
    row: Callable[[str, Any], dict[str, str]]
    # Parents: the import loading the parent list (run first); None when the flow sends no parents.
    groups_import: str = ""
    group_cells: CellKind | None = None
    hierarchy: Hierarchy | None = None


def _code_name(code: str, member: Any) -> dict[str, str]:
    return {"Code": code, "Name": member.name}


def _supplier(code: str, member: Any) -> dict[str, str]:
    return {
        "Code": code,
        "Name": member.name,
        "Tax Id": member.tax_id,
        "Payment Terms": member.payment_terms,
        "Status": member.status,
    }


def _code(member: Member) -> str:
    return member.number if isinstance(member, Supplier) else member.code


class ReferenceFlow:
    def __init__(self, ctx: FlowContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.flow: FlowSection = ctx.config.flow(name)

    def feeds(self) -> list[ListFeed]:
        erp = self.ctx.clients.erp(self.flow.source)
        f = self.flow
        return [
            ListFeed(
                "account",
                Dimension.ACCOUNT,
                CellKind.ACCOUNT_LIST,
                f.accounts_import,
                ["Code", "Name"],
                erp.accounts,
                _code_name,
                f.account_groups_import,
                CellKind.ACCOUNT_GROUP_LIST,
            ),
            ListFeed(
                "cost_center",
                Dimension.COST_CENTER,
                CellKind.COST_CENTER_LIST,
                f.cost_centers_import,
                ["Code", "Name"],
                erp.cost_centers,
                _code_name,
                f.cost_center_groups_import,
                CellKind.COST_CENTER_GROUP_LIST,
            ),
            ListFeed(
                "supplier",
                Dimension.SUPPLIER,
                CellKind.SUPPLIER_LIST,
                f.suppliers_import,
                ["Code", "Name", "Tax Id", "Payment Terms", "Status"],
                erp.suppliers,
                _supplier,
            ),
        ]

    def run(self, dry_run: bool = False, trigger: Trigger = Trigger.MANUAL) -> RunInfo:
        return self.ctx.run(RunRequest(self.name, trigger, dry_run), self._body)

    def _body(self, scope: RunScope) -> None:
        audit, run_id, dry_run = scope.audit, scope.run_id, scope.dry_run
        mapping = self.ctx.mapping(self.flow, self.name)
        anaplan = self.ctx.clients.anaplan(self.flow.target)
        ref = anaplan.model(self.flow.workspace or None, self.flow.model)
        loads: list[LoadResult] = []
        for feed in self._with_parents(self.feeds()):
            if feed.hierarchy is not None and feed.group_cells is not None:
                # Parents first: a member's Parent must already be a member of the parent list.
                self.ctx.progress.stage(f"{feed.kind} parents from {self.flow.source}")
                groups = self._stage_groups(feed, feed.hierarchy, feed.group_cells, audit)
                if dry_run:
                    audit.move(RecordState.STAGED, RecordState.WOULD_LOAD, reason="dry run")
                else:
                    group_feed = replace(feed, kind=f"{feed.kind}_group", cells=feed.group_cells)
                    group_feed = replace(group_feed, import_name=feed.groups_import, columns=["Code", "Name"])
                    loads.append(self._load(anaplan, ref, group_feed, groups, audit, run_id))
            self.ctx.progress.stage(f"{feed.kind}s from {self.flow.source}")
            rows = self._stage(feed, mapping, audit)
            if dry_run:
                audit.move(RecordState.STAGED, RecordState.WOULD_LOAD, reason="dry run")
            else:
                loads.append(self._load(anaplan, ref, feed, rows, audit, run_id))
        scope.detail["loads"] = [{"import": x.import_name, "task": x.task_id, "rows": x.rows_sent} for x in loads]

    def _with_parents(self, feeds: list[ListFeed]) -> list[ListFeed]:
        """The feeds, each with its hierarchy where the flow sends parents: from the parents_file when it
        has rows for the list, else the ERP's own."""
        from_file = read_parents_file(self.ctx.config.resolve(self.flow.parents_file)) if self.flow.parents_file else {}
        erp = self.ctx.clients.erp(self.flow.source)
        out: list[ListFeed] = []
        for feed in feeds:
            if not feed.groups_import:
                out.append(feed)
                continue
            hierarchy = from_file.get(feed.kind) or erp.hierarchy(feed.kind)
            if hierarchy is None:
                raise ConfigurationError(
                    f"the flow loads {feed.kind} parents ({feed.kind}_groups_import = {feed.groups_import!r}) but "
                    f"{self.flow.source!r} publishes no {feed.kind} hierarchy and the flow's parents_file has none",
                    hint="Name the ERP's hierarchy on the connection (Oracle: account_tree, cost_center_tree), "
                    "or give the flow a parents_file.",
                )
            out.append(replace(feed, columns=[*feed.columns, "Parent"], hierarchy=hierarchy))
        return out

    def _stage_groups(
        self, feed: ListFeed, hierarchy: Hierarchy, cells: CellKind, audit: AuditTrail
    ) -> dict[str, dict[str, str]]:
        """The parent members, one audit record and one row each, in code order."""
        kind = f"{feed.kind}_group"
        entries: list[AuditEntry] = []
        rows: dict[str, dict[str, str]] = {}
        for code, name in sorted(hierarchy.groups.items()):
            key = CellKey.of(cells, code=code).encode()
            entries.append(
                AuditEntry(
                    self.flow.source,
                    f"{kind}:{code}",
                    kind,
                    {"code": code, "name": name},
                    RecordState.STAGED,
                    target_key=key,
                )
            )
            rows[key] = {"Code": code, "Name": name}
        audit.add(entries)
        return rows

    def _stage(self, feed: ListFeed, mapping: MappingTable, audit: AuditTrail) -> dict[str, dict[str, str]]:
        """Map every member; the audit gets every one, the returned rows one per Anaplan code.

        Several ERP codes may map onto one member (`3999 -> 3900`). The member is never renamed from
        one of them: its own code's name wins; without its own code, the first code's. The others
        are reported as a conflict on their records."""
        entries: list[AuditEntry] = []
        senders: dict[str, list[tuple[str, Member]]] = {}
        hierarchy = feed.hierarchy
        members = list(feed.read()) if hierarchy is not None else None
        codes = {_code(m) for m in members} if members is not None else set()
        for batch in batched(members if members is not None else feed.read()):
            for member in batch:
                code = _code(member)
                payload = asdict(member)
                if hierarchy is not None:
                    payload["parent"] = hierarchy.parents.get(code, "")
                entry = AuditEntry(self.flow.source, f"{feed.kind}:{code}", feed.kind, payload, RecordState.STAGED)
                problem = parent_problem(code, hierarchy, codes) if hierarchy is not None else None
                try:
                    if problem is not None:
                        raise RecordError(f"{feed.kind} {code!r} is not sent: {problem}", hint=FIX)
                    target = mapping.resolve(feed.dimension, code)
                except RecordError as exc:
                    entry.state, entry.reason, entry.hint = RecordState.QUARANTINED, exc.message, exc.hint
                    entry.target_key = gap_key(exc)
                else:
                    entry.target_key = CellKey.of(feed.cells, code=target).encode()
                    senders.setdefault(entry.target_key, []).append((code, member))
                entries.append(entry)
            failpoint("reference.staging_batch")
            self.ctx.progress.advance(len(batch))
        rows: dict[str, dict[str, str]] = {}
        conflicts: dict[str, str] = {}  # source key -> reason
        parents = hierarchy.parents if hierarchy is not None else {}
        for key, found in senders.items():
            target = CellKey.parse(key, feed.cells)["code"]
            own = [x for x in found if x[0] == target]
            code, member = own[0] if own else min(found, key=lambda x: x[0])
            rows[key] = feed.row(target, member)
            if hierarchy is not None:
                rows[key]["Parent"] = parents.get(code, "")
            for other, theirs in found:
                differ = []
                if other != code and theirs.name != member.name:
                    differ.append(
                        f"the name {member.name!r} of {code!r}; this code's name {theirs.name!r} was not sent"
                    )
                if other != code and parents.get(other, "") != parents.get(code, ""):
                    differ.append(
                        f"the parent {parents.get(code, '')!r} of {code!r}; this code's parent "
                        f"{parents.get(other, '')!r} was not sent"
                    )
                if differ:
                    conflicts[f"{feed.kind}:{other}"] = f"maps onto {target!r}, which keeps " + ", and ".join(differ)
        for entry in entries:
            if entry.source_key in conflicts:
                entry.reason = conflicts[entry.source_key]
                entry.hint = "Expected when several codes share a member; otherwise fix the mapping."
        for part in batched(entries):
            audit.add(part)
        return rows

    def _load(
        self,
        anaplan: PlanningModel,
        ref: ModelRef,
        feed: ListFeed,
        rows: dict[str, dict[str, str]],
        audit: AuditTrail,
        run_id: str,
    ) -> LoadResult:
        prefix = feed.cells.prefix
        result = load_rows(
            anaplan,
            ref,
            feed.import_name,
            _items(rows),
            audit,
            prefix=prefix,
            columns=feed.columns,
            path=self.ctx.workdir / f"{run_id}-{feed.kind}.csv",
            # A list import may ignore rows that change nothing; a member it left out shows up later as
            # a rejected actuals row, named and replayable.
            ignored_ok=True,
        )
        failpoint("reference.before_audit")
        audit.move(RecordState.STAGED, RecordState.LOADED, target_prefix=prefix, target_ref=result.task_id)
        return result


def _items(rows: dict[str, dict[str, str]]) -> Iterator[tuple[str, dict[str, str]]]:
    yield from sorted(rows.items())
