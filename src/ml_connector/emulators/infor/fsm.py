"""FSM Landmark routes: `classes/{BC}/lists/_generic`, GLTransactionInterface CreateUnreleased/batch and the
`ldrest` form operations that journalize or delete a run group (infor.md section 4).

Posting: records are created unreleased under a RunGroup (max 30 characters, the caller's reference);
the InterfaceTransactions form operation journalizes the run group into GLTransactionDetail and writes a
GLTransactionInterfaceResult (RecordCount, PassedCount, FailedCount, Status "1" = complete).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ml_connector.emulators.infor.exceptions import FsmError, fsm_error
from ml_connector.emulators.infor.filters import FilterError, compare_values, parse_filter
from ml_connector.emulators.infor.fsm_views import CLASSES, ENTERPRISE_GROUP, INTERFACE_FIELDS, RESULT_FIELDS, Row
from ml_connector.emulators.infor.models import InforBackend
from ml_connector.emulators.infor.records import JournalLine

JOURNALIZE = "InterfaceTransactions_InterfaceTransactionsForm_FormOperation"
DELETE_RUN_GROUP = "DeleteAllTransactionsForRunGroup_DeleteAllTransactionsForRunGroupForm_FormOperation"
UNRELEASED, JOURNALIZED, IN_ERROR = "0", "1", "2"  # ASSUMPTION: interface record status codes


def fsm_router(tenant: str, backend: InforBackend) -> APIRouter:
    """Routes of the FSM product line under `/{ti}/FSM/fsm/soap`."""
    router = APIRouter(prefix=f"/{tenant}/FSM/fsm/soap")

    @router.get("/classes/{business_class}/lists/{list_name}")
    def list_class(business_class: str, list_name: str, request: Request) -> Response:
        try:
            return JSONResponse(_list(backend, business_class, dict(request.query_params), str(request.url)))
        except FsmError as exc:
            return fsm_error(exc)

    @router.post("/classes/GLTransactionInterface/actions/CreateUnreleased/batch")
    async def create_unreleased(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return fsm_error(FsmError("Request body is not valid JSON"))
        if not isinstance(body, dict) or not isinstance(body.get("_records"), list):
            return fsm_error(FsmError("Request body must hold a _records list"))
        with backend.lock:
            answers = [_create(backend, rec) for rec in body["_records"]]
        created = sum(1 for a in answers if "message" in a)
        # ASSUMPTION: the batch summary element's exact shape is not documented.
        answers.append(
            {"batchStatus": {"recordCount": len(answers), "created": created, "failed": len(answers) - created}}
        )
        return JSONResponse(answers)

    @router.get("/ldrest/GLTransactionInterface/{operation}")
    def form_operation(operation: str, request: Request) -> Response:
        run_group = request.query_params.get("PrmRunGroup", "")
        try:
            if not run_group:
                raise FsmError("PrmRunGroup is required")
            if operation == JOURNALIZE:
                # ASSUMPTION: PrmEditOnly=true (not in the notes) validates without journalizing, for dry runs.
                edit_only = request.query_params.get("PrmEditOnly", "false").lower() == "true"
                return JSONResponse(_journalize(backend, run_group, edit_only))
            if operation == DELETE_RUN_GROUP:
                with backend.lock:
                    before = len(backend.fsm_interface)
                    backend.fsm_interface = [
                        r for r in backend.fsm_interface if r["RunGroup"] != run_group or r["Status"] == JOURNALIZED
                    ]
                    deleted = before - len(backend.fsm_interface)
                # ASSUMPTION: the delete removes only records not yet journalized; the answer's wording is ours.
                return JSONResponse([{"message": f"{deleted} transactions deleted for run group {run_group}"}])
            raise FsmError(f"Form operation {operation} does not exist", status=404)
        except FsmError as exc:
            return fsm_error(exc)

    return router


def _list(backend: InforBackend, business_class: str, params: dict[str, str], url: str) -> list[dict[str, Any]]:
    if business_class not in CLASSES:
        # ASSUMPTION: an unknown business class answers 404 (undocumented).
        raise FsmError(f"Business class {business_class} does not exist", status=404)
    if params.get("_out", "JSON").upper() != "JSON":
        raise FsmError("Only _out=JSON is served by this emulator")  # ASSUMPTION: XML output not emulated
    keys, source = CLASSES[business_class]
    with backend.lock:
        rows = source(backend)
    known = _field_names(business_class, rows)
    fields = _fields(params.get("_fields", "_all"), known)
    try:
        predicate = parse_filter(params.get("_lplFilter", ""), known)
    except FilterError as exc:
        raise FsmError(f"Invalid _lplFilter: {exc}") from None
    simple = [part.split("::", 1) for part in params.get("_filter", "").strip('"').split("|") if "::" in part]
    rows = [r for r in rows if predicate(r) and all(r.get(k) == v for k, v in simple)]
    for key in reversed(keys):
        # ASSUMPTION: lists come back in key order; _filter ("Field::Value|...") matches exactly.
        rows = sorted(rows, key=functools.cmp_to_key(_by(key)))
    total = len(rows)
    after = params.get("_next", "")
    if after:
        # ASSUMPTION: paging token = the last row's key values; the notes only name _pageNav and _links.
        anchor = after.split("|")
        rows = [r for r in rows if _after(r, keys, anchor)]
    limit = _limit(params.get("_limit", ""))
    page = rows[:limit] if limit else rows
    links: list[dict[str, str]] = []
    if limit and len(rows) > limit and params.get("_pageNav", "false").lower() == "true":
        nxt = {k: v for k, v in params.items() if k != "_next"} | {"_next": "|".join(page[-1][k] for k in keys)}
        links.append({"rel": "next", "href": url.split("?")[0] + "?" + urlencode(nxt)})
    # ASSUMPTION: _count is the number of matching records, not the page size.
    meta: dict[str, Any] = {"_count": total, "_links": links}
    if params.get("_omitCountValue", "false").lower() == "true":
        meta.pop("_count")
    return [meta] + [{"_fields": {f: row.get(f, "") for f in fields}} for row in page]


def _by(key: str) -> Callable[[Row, Row], int]:
    def cmp(a: Row, b: Row) -> int:
        return compare_values(a.get(key, ""), b.get(key, ""))

    return cmp


def _field_names(business_class: str, rows: list[Row]) -> list[str]:
    if business_class == "GLTransactionInterface":
        return list(INTERFACE_FIELDS)
    if business_class == "GLTransactionInterfaceResult":
        return list(RESULT_FIELDS)
    return list(rows[0]) if rows else []


def _fields(text: str, known: list[str]) -> list[str]:
    if text in ("", "_all"):
        return known
    out = []
    for name in (n.strip() for n in text.split(",") if n.strip()):
        if name not in known:
            # ASSUMPTION: an unknown field in _fields fails the list with 400 (undocumented).
            raise FsmError(f"Field {name} does not exist")
        out.append(name)
    return out


def _limit(text: str) -> int:
    if not text:
        return 0  # ASSUMPTION: no _limit returns every row
    if not text.isdigit():
        raise FsmError(f"Invalid _limit {text!r}")
    return int(text)


def _after(row: Row, keys: tuple[str, ...], anchor: list[str]) -> bool:
    for key, value in zip(keys, anchor, strict=False):
        c = compare_values(row.get(key, ""), value)
        if c:
            return c > 0
    return False


def _create(backend: InforBackend, record: Any) -> dict[str, Any]:
    raw = record.get("_fields") if isinstance(record, dict) else None
    if not isinstance(raw, dict):
        return {"exception": "Record has no _fields"}
    fields = {str(k).removeprefix("GLTransactionInterface."): str(v) for k, v in raw.items()}
    missing = [
        f
        for f in ("RunGroup", "SequenceNumber", "AccountCode", "PostingDate", "TransactionAmount")
        if not fields.get(f)
    ]
    if missing:
        # ASSUMPTION: these fields are required for a GL interface record; the notes show them in every sample but
        # name no rule.
        return {"exception": f"Required field(s) missing: {', '.join(missing)}"}
    if len(fields["RunGroup"]) > 30:
        return {"exception": "RunGroup is longer than 30 characters"}
    key = (fields["RunGroup"], fields["SequenceNumber"])
    if any((r["RunGroup"], r["SequenceNumber"]) == key for r in backend.fsm_interface):
        # ASSUMPTION: RunGroup + SequenceNumber is the record key, so a repeat is refused.
        return {"exception": f"GLTransactionInterface {key[0]} {key[1]} already exists"}
    row = {f: fields.get(f, "") for f in INTERFACE_FIELDS}
    row |= {"FinanceEnterpriseGroup": fields.get("FinanceEnterpriseGroup") or ENTERPRISE_GROUP, "Status": UNRELEASED}
    row["AccountingEntity"] = row["AccountingEntity"] or backend.company
    backend.fsm_interface.append(row)
    return {"message": "GLTransactionInterface created", "_fields": {"RunGroup": key[0], "SequenceNumber": key[1]}}


def _journalize(backend: InforBackend, run_group: str, edit_only: bool = False) -> list[dict[str, Any]]:
    """Edit the run group and, unless `edit_only`, journalize it as one journal (reference = RunGroup)."""
    with backend.lock:
        records = [r for r in backend.fsm_interface if r["RunGroup"] == run_group and r["Status"] != JOURNALIZED]
        if not records:
            raise FsmError(f"No unreleased transactions for run group {run_group}")
        lines, errors = [], []
        for r in sorted(records, key=lambda r: int(r["SequenceNumber"]) if r["SequenceNumber"].isdigit() else 0):
            try:
                day = datetime.strptime(r["PostingDate"], "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                errors.append(f"Sequence {r['SequenceNumber']}: PostingDate {r['PostingDate']!r} is invalid")
                continue
            if r["AccountingEntity"] != backend.company:
                errors.append(
                    f"Sequence {r['SequenceNumber']}: AccountingEntity {r['AccountingEntity']} does not exist"
                )
            text = r["Description"] or run_group
            lines.append(
                JournalLine(day, r["AccountCode"], r["AccountingUnit"], r["TransactionAmount"], r["CurrencyCode"], text)
            )
        errors += backend.check_lines(lines) if not errors else []
        result_id = str(len(backend.fsm_results) + 1)
        # ASSUMPTION: a run group journalizes all or nothing: one bad record puts every record in error.
        if errors:
            for r in records:
                r |= {"Status": IN_ERROR, "ErrorMessage": errors[0]}
            passed, failed = 0, len(records)
        elif edit_only:
            passed, failed = len(records), 0  # edited clean; the records stay unreleased
        else:
            division = backend.division_of_cost_center(lines[0].cost_center)
            # ASSUMPTION: a run group journalizes under the system code of its records (GL when none is given),
            # which the posted lines show as GLTransactionDetail `System` (infor.md 4).
            system = next((r["System"] for r in records if r.get("System")), "")
            backend.post_journal("FSM", run_group, division, lines, {"RunGroup": run_group, "System": system})
            for r in records:
                r |= {"Status": JOURNALIZED, "ErrorMessage": ""}
            passed, failed = len(records), 0
        backend.fsm_results.append(
            {
                "GLTransactionInterfaceResult": result_id,
                "RunGroup": run_group,
                "RecordCount": str(len(records)),
                "PassedCount": str(passed),
                "FailedCount": str(failed),
                "Status": "1",
            }
        )
    return [
        {
            "message": f"Run group {run_group}: {passed} journalized, {failed} in error",
            "GLTransactionInterfaceResult": result_id,
        }
    ]
