"""M3 MI REST v2 routes: `GET .../M3/m3api-rest/v2/execute/{PGM}/{TRN};opts?FIELDS` and the bulk POST.

Matrix (`;`) parameters carry options (`maxrecs`, `returncols`, `excludempty`, `cono`, `divi`, `metadata`),
the query string carries input fields; lower-case query keys are taken as options too (both styles occur,
infor.md 2.1). Answers use the v2 envelope of infor.md 2.2.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ml_connector.emulators.infor.exceptions import M3Error, m3_request_error
from ml_connector.emulators.infor.m3_crs055 import CRS055_TRANSACTIONS
from ml_connector.emulators.infor.m3_ledger import LEDGER_TRANSACTIONS
from ml_connector.emulators.infor.m3_metadata import output_fields
from ml_connector.emulators.infor.m3_mns100 import MNS100_TRANSACTIONS
from ml_connector.emulators.infor.m3_mrs001 import mrs001_transactions
from ml_connector.emulators.infor.m3_programs import TRANSACTIONS as BASE_TRANSACTIONS
from ml_connector.emulators.infor.m3_programs import CallContext, Record
from ml_connector.emulators.infor.models import InforBackend

TRANSACTIONS = {
    program: BASE_TRANSACTIONS.get(program, {}) | LEDGER_TRANSACTIONS.get(program, {})
    for program in BASE_TRANSACTIONS.keys() | LEDGER_TRANSACTIONS.keys()
}
TRANSACTIONS |= MNS100_TRANSACTIONS
TRANSACTIONS |= CRS055_TRANSACTIONS
TRANSACTIONS["MRS001MI"] = mrs001_transactions(TRANSACTIONS)
# ASSUMPTION: without `maxrecs` the server returns at most 100 records, like the SDK's default.
DEFAULT_MAXRECS = 100


def m3_router(tenant: str, backend: InforBackend) -> APIRouter:
    """Routes of the M3 product line under `/{ti}/M3/m3api-rest/v2/execute` (and the v1 `/execute`)."""
    router = APIRouter(prefix=f"/{tenant}/M3/m3api-rest")

    @router.get("/v2/execute/{program}/{rest:path}")
    def execute(program: str, rest: str, request: Request) -> Response:
        transaction, result = _single_call(backend, program, rest, request)
        if isinstance(result, M3Error):
            # ASSUMPTION: malformed requests (missing required field, unknown program, bad option) answer 400
            # with the error at the top level; a NOK from the program logic answers 200 with it in results[0].
            if result.request_level:
                return m3_request_error(result)
            return JSONResponse(_envelope([_failed(transaction, result)]))
        return JSONResponse(_envelope([result]))

    @router.get("/execute/{program}/{rest:path}")
    def execute_v1(program: str, rest: str, request: Request) -> Response:
        """The legacy v1 answer (infor.md 2.3): `MIRecord[].NameValue[]`, errors as `@code/@field/@type`."""
        transaction, result = _single_call(backend, program, rest, request)
        if isinstance(result, M3Error):
            # ASSUMPTION: v1 reports a NOK with HTTP 200 and the error object as the body.
            status = 400 if result.request_level else 200
            error = {"@code": result.code, "@field": result.field, "@type": result.kind, "Message": result.message}
            return JSONResponse(error, status_code=status)
        records = result["records"]
        names = list(dict.fromkeys(name for rec in records for name in rec))
        body: dict[str, Any] = {"Program": program.split(";")[0], "Transaction": transaction}
        if _split_matrix(rest)[1].get("metadata", request.query_params.get("metadata", "true")) != "false":
            body["Metadata"] = {"Field": _metadata(program.split(";")[0], transaction, names)}
        body["MIRecord"] = [
            {"RowIndex": i, "NameValue": [{"Name": k, "Value": v} for k, v in rec.items()]}
            for i, rec in enumerate(records)
        ]
        return JSONResponse(body)

    @router.post("/v2/execute")
    async def bulk(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return m3_request_error(M3Error("Request body is not valid JSON", "XJS0001", request_level=True))
        if not isinstance(body, dict) or not isinstance(body.get("transactions"), list):
            return m3_request_error(M3Error("Body must hold program and transactions", "XJS0002", request_level=True))
        program = str(body.get("program", ""))
        try:
            ctx = _context(backend, str(body.get("cono", "")), str(body.get("divi", "")))
            if program not in TRANSACTIONS:
                raise M3Error(f"Program {program} does not exist", "XPG0001", "program", request_level=True)
            maxrecs = _int_option(str(body.get("maxReturnedRecords", DEFAULT_MAXRECS)), "maxReturnedRecords")
        except M3Error as exc:
            return m3_request_error(exc)
        results = []
        for item in body["transactions"]:
            item = item if isinstance(item, dict) else {}
            name = str(item.get("transaction", ""))
            record = {str(k): str(v) for k, v in (item.get("record") or {}).items()}
            columns = [str(c) for c in item.get("selectedColumns") or []]
            try:
                results.append(_run(ctx, program, name, record, maxrecs, columns, bool(body.get("excludeEmptyValues"))))
            except M3Error as exc:
                # ASSUMPTION: in a bulk call a failing transaction is reported in its own result and the others still
                # run (wasTerminated stays false).
                results.append(_failed(name, exc))
        return JSONResponse(_envelope(results))

    return router


def _metadata(program: str, transaction: str, names: list[str]) -> list[dict[str, Any]]:
    """v1 `Metadata.Field[]`: each field's documented type, length and description (infor.md 2.3, appendix B)."""
    known = output_fields(program, transaction) or {}
    out = []
    for name in names:
        field = known.get(name)
        if field is None:
            # ASSUMPTION: a field the notes do not describe (MRS001MI's own, CSI-style extras) is alphanumeric, its
            # length unknown (0).
            out.append({"@name": name, "@type": "A", "@length": 0, "@description": name})
        else:
            out.append({"@name": name, "@type": field.type, "@length": field.length, "@description": field.description})
    return out


def _single_call(
    backend: InforBackend, program: str, rest: str, request: Request
) -> tuple[str, dict[str, Any] | M3Error]:
    """Run `GET .../execute/{PGM};opts/{TRN};opts?FIELDS`: matrix options, then lower-case query options."""
    transaction, options = _split_matrix(rest)
    program, program_opts = _split_matrix(program)
    options = program_opts | options
    inputs: Record = {}
    for key, value in request.query_params.items():
        if key == key.lower():
            options.setdefault(key, value)
        else:
            inputs[key] = value
    try:
        ctx = _context(backend, options.get("cono") or inputs.get("CONO", ""), options.get("divi", ""))
        maxrecs = _int_option(options.get("maxrecs", str(DEFAULT_MAXRECS)), "maxrecs")
        columns = [c for c in options.get("returncols", "").split(",") if c]
        return transaction, _run(
            ctx, program, transaction, inputs, maxrecs, columns, options.get("excludempty") == "true"
        )
    except M3Error as exc:
        return transaction, exc


def _split_matrix(segment: str) -> tuple[str, dict[str, str]]:
    name, *params = segment.split(";")
    options = {}
    for param in params:
        key, _, value = param.partition("=")
        options[key.strip().lower()] = value
    return name, options


def _context(backend: InforBackend, company: str, division: str) -> CallContext:
    company = company.strip() or backend.company
    if company != backend.company:
        raise M3Error(f"Not authorized for company {company}", "XAU0008", "CONO", request_level=True)
    division = division.strip()
    if division and division not in backend.division_codes():
        raise M3Error(f"Division {division} does not exist", "WDI0103", "DIVI", request_level=True)
    return CallContext(backend, company, division)


def _int_option(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise M3Error(f"Option {name}={text} is invalid", "XOP0001", name, request_level=True) from None
    if value < 0:
        raise M3Error(f"Option {name}={text} is invalid", "XOP0001", name, request_level=True)
    return value


def _run(
    ctx: CallContext,
    program: str,
    transaction: str,
    inputs: Record,
    maxrecs: int,
    columns: list[str],
    exclude_empty: bool,
) -> dict[str, Any]:
    handler = TRANSACTIONS.get(program, {}).get(transaction)
    if program not in TRANSACTIONS:
        raise M3Error(f"Program {program} does not exist", "XPG0001", "program", request_level=True)
    if handler is None:
        raise M3Error(
            f"Transaction {transaction} does not exist in {program}", "XTR0001", "transaction", request_level=True
        )
    records = handler(replace(ctx, maxrecs=maxrecs), inputs)
    if maxrecs:
        records = records[:maxrecs]
    if columns:
        # ASSUMPTION: returncols naming a field the transaction does not output is ignored rather than refused.
        records = [{c: r[c] for c in columns if c in r} for r in records]
    if exclude_empty:
        records = [{k: v for k, v in r.items() if v != ""} for r in records]
    return {"transaction": transaction, "records": records}


def _failed(transaction: str, exc: M3Error) -> dict[str, Any]:
    return {"transaction": transaction, "records": []} | exc.keys()


def _envelope(results: list[dict[str, Any]]) -> dict[str, Any]:
    failed = sum(1 for r in results if "errorMessage" in r)
    return {
        "results": results,
        "wasTerminated": False,
        "nrOfSuccessfullTransactions": len(results) - failed,
        "nrOfFailedTransactions": failed,
    }
