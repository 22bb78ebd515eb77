"""IDO UpdateCollection: `{"Changes": [{"Action": 1|2|4, "ItemId": ..., "Properties": [...]}]}`.

Writable IDOs: SLJournals (journal entries; `Ref` carries the caller's reference) and SLVendors
(suppliers, shared with M3 CRS620MI and FSM Vendor). The whole collection is checked before any change
is applied, so a failing request changes nothing (ASSUMPTION: Mongoose saves a collection in one
transaction).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ml_connector.emulators.infor.exceptions import IdoError
from ml_connector.emulators.infor.ido_views import IdoView, Row, csi_date, item_id
from ml_connector.emulators.infor.models import InforBackend
from ml_connector.emulators.infor.records import JournalLine

INSERT, UPDATE, DELETE = 1, 2, 4
VENDOR_ATTRS = {
    "Name": "name",
    "TaxRegNum1": "tax_id",
    "TermsCode": "terms",
    "CurrCode": "currency",
    "VadAddr_1": "address",
    "VadCity": "city",
    "VadState": "state",
    "VadZip": "zip",
    "VadCountry": "country",
}


def apply_changes(backend: InforBackend, view: IdoView, sites: set[str], body: Any) -> list[dict[str, Any]]:
    """Apply the changes; return the RefreshItems for inserted and updated rows."""
    if view.name not in ("SLJournals", "SLVendors"):
        raise IdoError(f"IDO {view.name} cannot be updated through this emulator.")
    if not isinstance(body, dict) or not isinstance(body.get("Changes"), list):
        raise IdoError("Request body must hold a Changes list.")
    with backend.lock:
        planned = [_plan(backend, view, sites, change, n) for n, change in enumerate(body["Changes"])]
        refreshed: list[dict[str, Any]] = []
        for action, key, values in planned:
            sent = list(values)
            row = _apply(backend, view, action, key, values)
            if row is not None:
                refreshed.append(_refresh_item(view, action, row, sent, len(refreshed)))
        return refreshed


def _plan(backend: InforBackend, view: IdoView, sites: set[str], change: Any, n: int) -> tuple[int, str, Row]:
    if not isinstance(change, dict) or change.get("Action") not in (INSERT, UPDATE, DELETE):
        raise IdoError(f"Change {n}: Action must be 1 (insert), 2 (update) or 4 (delete).")
    action = int(change["Action"])
    values: Row = {}
    for prop in change.get("Properties") or []:
        name = str(prop.get("Name", ""))
        if name not in view.properties:
            raise IdoError(f"Change {n}: property {name} is not a valid property of {view.name}.")
        values[name] = "" if prop.get("IsNull") else str(prop.get("Value") if prop.get("Value") is not None else "")
    rows = {item_id(view, r): r for r in view.rows(backend, sites)}
    item = str(change.get("ItemId") or "")
    if action == INSERT:
        return action, "", _new_row(backend, view, sites, values, n)
    if "ID=[" in item:
        if item not in rows:
            raise IdoError(f"Change {n}: the row was changed or deleted by another user (ItemId not found).")
    else:
        # "If ItemId is empty, then the key properties are used ... All key properties must be included."
        missing = [k for k in view.keys if not values.get(k)]
        if missing:
            raise IdoError(f"Change {n}: key properties {', '.join(missing)} are required without an ItemId.")
        match = [i for i, r in rows.items() if all(r.get(k) == values[k] for k in view.keys)]
        if not match:
            raise IdoError(f"Change {n}: no {view.name} row has these key values.")
        item = match[0]
    if action == UPDATE and view.name == "SLJournals":
        _check_journal_values({**rows[item], **values}, backend, n)
    return action, _row_key(view, rows[item]), values


def _new_row(backend: InforBackend, view: IdoView, sites: set[str], values: Row, n: int) -> Row:
    now = csi_date(backend.clock())
    if view.name == "SLVendors":
        if not values.get("VendNum") or not values.get("Name"):
            raise IdoError(f"Change {n}: VendNum and Name are required.")
        if values["VendNum"] in backend.suppliers:
            raise IdoError(f"Change {n}: Vendor {values['VendNum']} already exists.")
        return values
    site = values.get("Site") or (next(iter(sites)) if len(sites) == 1 else "")
    if site not in sites:
        raise IdoError(f"Change {n}: Site {site or '(blank)'} is not served by this configuration.")
    journal_id = values.get("Id") or "GENERAL"
    # A blank SeqNo is numbered when the change is applied, after the earlier inserts of the request.
    row = {p: "" for p in view.properties} | values | {"Id": journal_id, "Site": site}
    if row["SeqNo"] and not row["SeqNo"].isdigit():
        raise IdoError(f"Change {n}: SeqNo {row['SeqNo']!r} is not a number.")
    row |= {"CurrCode": row["CurrCode"] or backend.currency, "CreateDate": now, "RecordDate": now}
    row["ForAmount"] = row["ForAmount"] or row["DomAmount"]
    if row["SeqNo"] and _row_key(view, row) in backend.csi_journal_rows:
        raise IdoError(f"Change {n}: Journal {journal_id} sequence {row['SeqNo']} already exists.")
    _check_journal_values(row, backend, n)
    return row


def _check_journal_values(row: Row, backend: InforBackend, n: int) -> None:
    for name in ("TransDate", "Acct", "DomAmount"):
        if not row.get(name):
            raise IdoError(f"Change {n}: {name} is required.")
    if row["Acct"] not in backend.accounts[1]:
        raise IdoError(f"Change {n}: Account {row['Acct']} is not valid.")
    if row.get("AcctUnit1") and row["AcctUnit1"] not in backend.accounts[2]:
        raise IdoError(f"Change {n}: Unit Code 1 {row['AcctUnit1']} is not valid for account {row['Acct']}.")
    try:
        Decimal(row["DomAmount"])
    except InvalidOperation:
        raise IdoError(f"Change {n}: DomAmount {row['DomAmount']!r} is not a number.") from None
    try:
        datetime.strptime(row["TransDate"][:8], "%Y%m%d")  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise IdoError(f"Change {n}: TransDate {row['TransDate']!r} is not a date (yyyyMMdd).") from None


def _row_key(view: IdoView, row: Row) -> str:
    return "|".join(row.get(k, "") for k in view.keys)


def _apply(backend: InforBackend, view: IdoView, action: int, key: str, values: Row) -> Row | None:
    if view.name == "SLVendors":
        supplier_id = values.get("VendNum") or key
        if action == DELETE:
            backend.suppliers.pop(supplier_id, None)
            return None
        changes = {attr: values[p] for p, attr in VENDOR_ATTRS.items() if p in values}
        if "Stat" in values:
            changes["status"] = "20" if values["Stat"] == "A" else "90"
        backend.upsert_supplier(supplier_id, changes, create=action == INSERT)
        return next(r for r in view.rows(backend, set()) if r["VendNum"] == supplier_id)
    if action == INSERT:
        if not values["SeqNo"]:
            same = (int(r["SeqNo"]) for r in backend.csi_journal_rows.values() if r["Id"] == values["Id"])
            values["SeqNo"] = str(1 + max(same, default=0))
        key = _row_key(view, values)
        backend.csi_journal_rows[key] = values
        return values
    if action == DELETE:
        backend.csi_journal_rows.pop(key, None)
        return None
    row = backend.csi_journal_rows[key]
    row.update({k: v for k, v in values.items() if k not in view.keys})
    row["RecordDate"] = csi_date(backend.clock())
    return row


def _refresh_item(view: IdoView, action: int, row: Row, sent: list[str], number: int) -> dict[str, Any]:
    # As in the guide's examples, the refreshed item lists the properties the change carried.
    props = [
        {
            "IsNestedCollection": False,
            "IsNull": row.get(p, "") == "",
            "Modified": False,
            "Name": p,
            "OriginalValue": None,
            "Value": row.get(p, ""),
        }
        for p in view.properties
        if p in sent
    ]
    return {"Action": action, "ItemId": item_id(view, row), "ItemNo": number, "Properties": props, "UpdateLocking": 0}


def post_journals(backend: InforBackend) -> list[str]:
    """A reviewer's journal posting (CSI Journal Posting): every SLJournals entry goes to the ledger, one posted
    journal per (site, journal Id, Ref), and leaves the journal. Ledger rows keep `Ref` and carry the journal as
    `FromId`. The references posted, in order."""
    with backend.lock:
        groups: dict[tuple[str, str, str], list[Row]] = {}
        for row in backend.csi_journal_rows.values():
            groups.setdefault((row["Site"], row["Id"], row["Ref"]), []).append(row)
        posted = []
        for (site, journal_id, ref), rows in sorted(groups.items()):
            rows.sort(key=lambda r: int(r["SeqNo"]) if r["SeqNo"].isdigit() else 0)
            lines = [
                JournalLine(
                    datetime.strptime(r["TransDate"][:8], "%Y%m%d").date(),  # noqa: DTZ007 - a calendar date
                    r["Acct"],
                    r["AcctUnit1"],
                    r["DomAmount"],
                    r["CurrCode"],
                    r["Ref"],
                )
                for r in rows
            ]
            backend.post_journal("CSI", ref, site, lines, {"Id": journal_id})
            for r in rows:
                backend.csi_journal_rows.pop(f"{r['Id']}|{r['SeqNo']}", None)
            posted.append(ref)
        return posted
