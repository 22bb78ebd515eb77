"""The in-memory Oracle Fusion pod: resource trees, writes, tokens, ESS jobs. No HTTP here.

Callers hold `lock` around everything one request does (the HTTP layer and the admin routes do), so
requests from many threads see and leave a consistent state.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.exceptions import OracleRestError, bad_request, invalid_operation, not_found
from ml_connector.emulators.oracle.journal_import import finish_due_jobs
from ml_connector.emulators.oracle.journals import lines_of, readout, touch
from ml_connector.emulators.oracle.query import Predicate, order_key, parse_finder, parse_q, sort_rows
from ml_connector.emulators.oracle.rendering import PagingQuirks
from ml_connector.emulators.oracle.resources import Item, ResourceSpec
from ml_connector.emulators.oracle.seeding import Seeded, build_seeded
from ml_connector.emulators.oracle.suppliers import (
    apply_update,
    check_supplier_create,
    find_supplier,
    new_child,
    new_supplier,
    next_supplier_number,
    typed_payload,
)
from ml_connector.emulators.oracle.tokens import Credentials, TokenStore
from ml_connector.emulators.oracle.trusted_issuers import TrustedIssuers


@dataclass
class Target:
    """What a REST path points at: a collection (`item` None) or one item of it."""

    spec: ResourceSpec
    collection: list[Item]
    item: Item | None
    parent: Item | None


class OracleBackend:
    """The emulated pod's state, resettable to the seed."""

    def __init__(self, credentials: Credentials | None = None, token_ttl: int = 3600, ess_seconds: float = 0.5) -> None:
        self.credentials = credentials or Credentials()
        self.tokens = TokenStore(token_ttl=token_ttl)
        self.trusted_issuers = TrustedIssuers()
        self.lock = threading.RLock()
        self.default_ess_seconds = ess_seconds
        self.reset()

    def reset(self) -> None:
        """Back to the seeded company; ESS jobs, created journals and paging quirks forgotten."""
        with self.lock:
            self.trusted_issuers.clear()
            self.seeded: Seeded = build_seeded()
            self.roots = self.seeded.roots
            self.quirks = PagingQuirks()
            self.ess_seconds = self.default_ess_seconds
            self.per_minute: int | None = None
            self.access: dict[str, str] = {}  # resource -> "forbidden" | "empty" (role / data-access gaps)
            # Posted amounts the integration user's data access set does not show in journals, but that
            # count in ledgerBalances: (period "Mar-26", account combination, accounted amount).
            self.hidden_lines: list[tuple[str, str, Decimal]] = []
            self._hits: deque[float] = deque()
            self.jobs: dict[int, dict[str, Any]] = {}
            # exportBulkData faults armed by the admin API: {"fail": n} ends the next n export jobs in ERROR,
            # {"corrupt": n} cuts the next n output downloads short.
            self.export_faults: dict[str, int] = {}
            self._keyed: dict[int, tuple[list[Item], int, Item, dict[str, Item]]] = {}
            # ledgerBalances' posted sums per period set, with the journals' state they were made from
            # (balances.posted_sums): Oracle keeps balances, it does not add up every line per request.
            self.posted_sums: dict[str, tuple[tuple[Any, ...], dict[str, dict[str, Decimal]]]] = {}
            self.created_batches: list[int] = []
            # (budget name, period name, account combination) -> amount, loaded by budget balance import
            self.budget_balances: dict[tuple[str, str, str], Decimal] = {}
            self._next: dict[str, int] = {
                "supplier": 300000047274101,
                "child": 300000047277001,
                "batch": max(b.data["JeBatchId"] for b in self.roots["journalBatches"]) + 1,
                "header": 300100700390001,
                "request": 910001,
            }

    def next_id(self, kind: str) -> int:
        with self.lock:
            value = self._next[kind]
            self._next[kind] += 1
            return value

    def admit(self) -> int | None:
        """Count one REST call against the per-minute quota; seconds to wait when it is used up."""
        with self.lock:
            if self.per_minute is None:
                return None
            now = time.monotonic()
            while self._hits and self._hits[0] <= now - 60:
                self._hits.popleft()
            if len(self._hits) >= self.per_minute:
                # ASSUMPTION: Oracle publishes no limit; an optional per-minute quota answers 429 with Retry-After in
                # whole seconds until the window frees.
                return max(1, math.ceil(self._hits[0] + 60 - now))
            self._hits.append(now)
            return None

    def reset_quota(self) -> None:
        with self.lock:
            self._hits.clear()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or none: on any error, put back the state as it was before the block."""
        with self.lock:
            saved = copy.deepcopy((self.roots, self._next))
            try:
                yield
            except BaseException:
                self.roots, self._next = saved
                self.seeded.roots = self.roots
                raise

    # -- navigation ---------------------------------------------------------------------------

    def resolve(self, segments: list[str]) -> Target:
        """Walk `name/key/child/accessor/key/...` to a collection or an item (404 when absent)."""
        spec = res.TOP_LEVEL.get(segments[0]) if segments else None
        if spec is None:
            # ASSUMPTION: unknown resources, keys and accessors answer 404 with a default text (no source shows it).
            raise not_found()
        collection, parent, i = self._top(spec), None, 1
        while i < len(segments):
            item = self._find(collection, segments[i])
            if item is None:
                raise not_found()
            if i + 1 == len(segments):
                return Target(spec, collection, item, parent)
            child = spec.child(segments[i + 2]) if segments[i + 1] == "child" and i + 2 < len(segments) else None
            if child is None:
                raise not_found()
            spec, collection, parent, i = child, item.child_items(child.name), item, i + 3
        return Target(spec, collection, None, parent)

    def _find(self, collection: list[Item], key: str) -> Item | None:
        """The first item of `collection` with this key. A large collection (a million seeded lines make
        tens of thousands of journal batches) is looked up through a map kept per list, rebuilt when the
        list changed (another length or last item); a scan on every request made a read quadratic."""
        if len(collection) < 64:
            return next((x for x in collection if x.key == key), None)
        kept = self._keyed.get(id(collection))
        if kept is None or kept[0] is not collection or kept[1] != len(collection) or kept[2] is not collection[-1]:
            index: dict[str, Item] = {}
            for x in collection:
                index.setdefault(x.key, x)
            kept = (collection, len(collection), collection[-1], index)
            self._keyed[id(collection)] = kept
        item = kept[3].get(key)
        if item is not None and item.key == key:
            return item
        return next((x for x in collection if x.key == key), None)  # absent, or an item's key changed

    def _top(self, spec: ResourceSpec) -> list[Item]:
        gap = self.access.get(spec.name)
        if gap == "forbidden":
            # A missing duty role: 403, "almost always a missing Financials/SCM duty role, not a wrong URL".
            # ASSUMPTION: the 403 wording is ours; the status is documented.
            raise OracleRestError(403, f"You don't have permission to access the resource {spec.name}.")
        if gap == "empty":
            return []  # a missing data-access grant: 200 with nothing in it
        if spec is res.SUPPLIERS_LOV:  # a read-only view over the supplier master
            return [
                Item(spec, {k: s.data.get(k) for k in spec.attrs}, version=s.version) for s in self.roots["suppliers"]
            ]
        return self.roots[spec.name]

    def select(
        self,
        spec: ResourceSpec,
        rows: list[Item],
        *,
        q: str | None,
        finder: str | None,
        order_by: str | None,
        framework: int,
    ) -> list[Item]:
        """Rows matching `q` and `finder`, in `orderBy` order (stored order when none is asked)."""
        filters: list[Predicate] = []
        if q:
            filters.append(parse_q(spec, q, framework))
        if finder:
            filters.append(parse_finder(spec, finder))
        keys = order_key(spec, order_by) if order_by else []
        chosen = [r for r in rows if all(f(r.data) for f in filters)]
        # ASSUMPTION: without orderBy a collection comes back in primary-key (creation) order.
        return sort_rows(chosen, keys, lambda r: r.data) if keys else chosen

    # -- writes -------------------------------------------------------------------------------

    def create(self, target: Target, payload: Any, *, upsert: bool, user: str) -> tuple[Item, bool]:
        """POST on a collection: (item, created). `upsert` updates a matching item instead."""
        spec, now = target.spec, self.now()
        # Journals are created through journal import (erpintegrations), never by POST (no create op documented).
        if not spec.writable or spec is res.JOURNAL_BATCHES:
            raise invalid_operation("create")
        fields = typed_payload(spec, payload, creating=True)
        who = {"CreatedBy": user, "CreationDate": now, "LastUpdatedBy": user, "LastUpdateDate": now}
        if spec is res.SUPPLIERS:
            existing = find_supplier(target.collection, fields) if upsert else None
            if existing is not None:
                fields.pop("SupplierId", None)
                apply_update(existing, fields, now, user)
                return existing, False
            check_supplier_create(target.collection, fields)
            fields.pop("SupplierId", None)  # ASSUMPTION: the server assigns the key on create
            fields.setdefault("SupplierNumber", next_supplier_number(target.collection))
            item = new_supplier(self.next_id("supplier"), fields, who)
            for child in spec.children:
                # ASSUMPTION: children (addresses, sites, contacts) may come nested in the create payload.
                for row in payload.get(child.name) or []:
                    self.create(Target(child, item.child_items(child.name), None, item), row, upsert=False, user=user)
        else:
            if upsert and spec is res.VALUE_SET_VALUES:
                existing = next((x for x in target.collection if x.data["Value"] == fields.get("Value")), None)
                if existing is not None:
                    apply_update(existing, fields, now, user)
                    return existing, False
            item = new_child(spec, self.next_id("child"), fields, who)
        target.collection.append(item)
        if target.parent is not None:
            touch(target.parent, now, user)
        return item, True

    def update(self, target: Target, payload: Any, *, if_match: str | None, user: str) -> Item:
        """PATCH on an item; a stale `If-Match` is a 412."""
        item = target.item
        assert item is not None  # noqa: S101 - routes only PATCH item paths
        if not target.spec.writable:
            raise invalid_operation("update")
        if if_match is not None and if_match.strip('"') not in (item.change_indicator, "*"):
            raise OracleRestError(412, "The resource has been modified since it was last retrieved.", code="27504")
        apply_update(item, typed_payload(target.spec, payload, creating=False), self.now(), user)
        return item

    def delete(self, target: Target) -> None:
        """DELETE an item: unposted journal batches and child rows; posted batches are refused."""
        item = target.item
        # ASSUMPTION: DELETE on a journal batch (documented) is refused once the batch is posted.
        if item is not None and target.spec is res.JOURNAL_BATCHES:
            if item.data["Status"] == "P":
                raise bad_request("You can't delete a posted journal batch.", code="GL-781063")
            target.collection.remove(item)
            return
        if item is None or not target.spec.writable or target.spec is res.SUPPLIERS:
            raise invalid_operation("delete")
        target.collection.remove(item)

    # -- admin --------------------------------------------------------------------------------

    def touch_journal_lines(self, count: int) -> list[dict[str, Any]]:
        """Edit one line in each of the `count` least recently updated batches, as if someone changed
        them while a client was paging: line, header and batch get `LastUpdateDate` = now."""
        with self.lock:
            batches = sorted(
                self.roots["journalBatches"], key=lambda b: (b.data["LastUpdateDate"], b.data["JeBatchId"])
            )
            now, out = self.now(), []
            for offset, batch in enumerate(batches[:count]):
                header, line = lines_of(batch)[0]
                when = now + timedelta(milliseconds=offset)
                for item in (line, header, batch):
                    touch(item, when, "EMULATOR.TOUCH")
                out.append({"JeBatchId": batch.data["JeBatchId"], "JeLineNumber": line.data["JeLineNumber"]})
            return out

    def post_imported_batches(self) -> list[int]:
        """A reviewer posts every imported batch still unposted (Status U -> P), as the Post Journals process
        does: batch, headers and lines get `LastUpdateDate` = now, the batch its `PostedDate`."""
        with self.lock:
            finish_due_jobs(self)
            now, out = self.now(), []
            for batch in self.roots["journalBatches"]:
                if batch.data["JeBatchId"] not in self.created_batches or batch.data["Status"] != "U":
                    continue
                batch.data["Status"], batch.data["StatusMeaning"] = "P", "Posted"
                batch.data["PostedDate"] = now.date()
                for header, line in lines_of(batch):
                    touch(line, now, "EMULATOR.REVIEWER")
                    touch(header, now, "EMULATOR.REVIEWER")
                touch(batch, now, "EMULATOR.REVIEWER")
                out.append(int(batch.data["JeBatchId"]))
            return out

    def journal_readouts(self) -> list[dict[str, Any]]:
        with self.lock:
            finish_due_jobs(self)
            batches = {b.data["JeBatchId"]: b for b in self.roots["journalBatches"]}
            return [readout(batches[i]) for i in self.created_batches if i in batches]

    def supplier_readouts(self) -> list[dict[str, Any]]:
        with self.lock:
            out = []
            for s in self.roots["suppliers"]:
                row = {k: _plain(v) for k, v in s.data.items()}
                row["sites"] = [{k: _plain(v) for k, v in x.data.items()} for x in s.child_items("sites")]
                row["addresses"] = [{k: _plain(v) for k, v in x.data.items()} for x in s.child_items("addresses")]
                out.append(row)
            return out


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
