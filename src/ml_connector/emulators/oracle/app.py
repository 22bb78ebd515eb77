"""`build_app(...)`: the Oracle Fusion emulator as an ASGI app, admin API included.

Oracle-specific admin calls, next to the common kit's (`/_emulator/health|reset|faults|stats|expire-tokens`):

- `GET  /_emulator/journals`         journals created through journal import, with the caller's
                                      references (REFERENCE1 in `BatchName`, GROUP_ID, REFERENCE6)
- `GET  /_emulator/budgets`          budget balances loaded by GL budget balance import (erpintegrations)
- `POST /_emulator/journals/post`    a reviewer posts every imported batch still unposted (Status U -> P)
- `POST /_emulator/journals/touch`   `{"count": n}`: the n least recently updated journal lines (with
                                      their header and batch) get `LastUpdateDate` = now
- `GET  /_emulator/suppliers`        every supplier with its sites and addresses
- `GET|PUT /_emulator/paging`        `{"has_more": "normal"|"true_on_last_page"|"false_when_full",
                                      "limit_cap": 500}` (omitted fields reset)
- `PUT  /_emulator/access`           `{"suppliers": "forbidden", "invoices": "empty"}`: role gaps (403)
                                      and data-access gaps (200, no rows) per top-level resource
- `POST /_emulator/journals/hidden`  `{"period": "Mar-26", "account_combination": "300-3100-6300", "amount": 99.5}`:
                                      a posted line journals do not show (a data-access gap) that
                                      ledgerBalances counts
- `GET  /_emulator/jobs`             ESS jobs so far (request id, status, log, batches created, job name)
- `GET|PUT /_emulator/trusted-issuers` `{"issuer": name, "public_key": PEM}`: trust client-signed JWTs (Bearer)
- `PUT  /_emulator/volume`          `{"extra_lines": n, "seed": s}`: n more posted journal lines (oracle/volume.py)
- `PUT  /_emulator/ess`              `{"seconds": s}`: how long an ESS job stays RUNNING (default 0.5);
                                      with `"end_running": true` the jobs running now end too
- `PUT  /_emulator/exports`          `{"fail": n, "corrupt": m}`: the next n exportBulkData jobs end in ERROR,
                                      the next m output downloads break off halfway (a zip that cannot open)
- `PUT  /_emulator/throttle`         `{"per_minute": n}` (or null): a per-pod request quota; calls over it
                                      get 429 with `Retry-After` = seconds until the window frees
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ml_connector.emulators.common import EmulatorKit
from ml_connector.emulators.common.admin import ASGIApp
from ml_connector.emulators.common.volume import add_volume_route
from ml_connector.emulators.oracle.budget_import import budget_readout
from ml_connector.emulators.oracle.exceptions import fault_body
from ml_connector.emulators.oracle.journal_import import finish_due_jobs
from ml_connector.emulators.oracle.models import OracleBackend
from ml_connector.emulators.oracle.rendering import PagingQuirks
from ml_connector.emulators.oracle.responses import add_routes
from ml_connector.emulators.oracle.tokens import Credentials
from ml_connector.emulators.oracle.trusted_issuers import IssuerError
from ml_connector.emulators.oracle.volume import add_lines

HAS_MORE_MODES = ("normal", "true_on_last_page", "false_when_full")


@dataclass
class OracleEmulator:
    """The pieces of one emulator: `asgi` to serve, `backend` and `kit` for in-process inspection."""

    asgi: ASGIApp
    backend: OracleBackend
    kit: EmulatorKit


def build_emulator(
    credentials: Credentials | None = None, token_ttl: int = 3600, ess_seconds: float = 0.5
) -> OracleEmulator:
    """A fresh emulator holding the seeded company."""
    backend = OracleBackend(credentials, token_ttl=token_ttl, ess_seconds=ess_seconds)
    kit = EmulatorKit(
        "oracle", on_reset=backend.reset, on_expire_tokens=backend.tokens.expire_all, error_body=fault_body
    )
    app = FastAPI(title="Oracle Fusion Cloud ERP emulator", docs_url=None, redoc_url=None, openapi_url=None)
    add_routes(app, backend, kit)
    _admin_routes(kit, backend)
    add_volume_route(kit.router, lambda count, seed: add_lines(backend, count, seed))
    return OracleEmulator(kit.install(app), backend, kit)


def build_app(
    *,
    client_id: str = Credentials.client_id,
    client_secret: str = Credentials.client_secret,
    user: str = Credentials.user,
    password: str = Credentials.password,
    instance_id: str = Credentials.instance_id,
    token_ttl: int = 3600,
    ess_seconds: float = 0.5,
) -> ASGIApp:
    """The ASGI app to serve (`start_in_thread(build_app())` in tests, uvicorn in the CLI)."""
    creds = Credentials(client_id, client_secret, user, password, instance_id)
    return build_emulator(creds, token_ttl, ess_seconds).asgi


def _admin_routes(kit: EmulatorKit, backend: OracleBackend) -> None:
    r = kit.router

    @r.get("/journals")
    def journals() -> list[dict[str, Any]]:
        return backend.journal_readouts()

    @r.post("/journals/touch")
    async def touch(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        count = body.get("count", 1) if isinstance(body, dict) else 1
        if not isinstance(count, int) or count < 0:
            return JSONResponse({"error": "count must be a non-negative integer"}, status_code=400)
        return JSONResponse({"touched": backend.touch_journal_lines(count)})

    @r.get("/budgets")
    def budgets() -> list[dict[str, Any]]:
        return budget_readout(backend)

    @r.post("/journals/post")
    def post_journals() -> dict[str, Any]:
        return {"posted": backend.post_imported_batches()}

    @r.get("/suppliers")
    def suppliers() -> list[dict[str, Any]]:
        return backend.supplier_readouts()

    @r.get("/paging")
    def get_paging() -> dict[str, Any]:
        return {"has_more": backend.quirks.has_more, "limit_cap": backend.quirks.limit_cap}

    @r.put("/paging")
    async def put_paging(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        mode = body.get("has_more", "normal") if isinstance(body, dict) else None
        cap = body.get("limit_cap", 500) if isinstance(body, dict) else None
        if mode not in HAS_MORE_MODES or not isinstance(cap, int) or cap < 1:
            return JSONResponse({"error": f"has_more must be one of {HAS_MORE_MODES}; limit_cap >= 1"}, 400)
        with backend.lock:
            backend.quirks = PagingQuirks(has_more=mode, limit_cap=cap)
        return JSONResponse({"has_more": mode, "limit_cap": cap})

    @r.get("/trusted-issuers")
    def trusted_issuers() -> dict[str, Any]:
        return {"issuers": backend.trusted_issuers.names()}

    @r.put("/trusted-issuers")
    async def put_trusted_issuer(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        issuer = body.get("issuer") if isinstance(body, dict) else None
        pem = body.get("public_key") if isinstance(body, dict) else None
        if not isinstance(issuer, str) or not isinstance(pem, str):
            return JSONResponse({"error": 'send {"issuer": name, "public_key": PEM key or certificate}'}, 400)
        try:
            backend.trusted_issuers.register(issuer, pem)
        except IssuerError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"issuers": backend.trusted_issuers.names()})

    @r.put("/ess")
    async def put_ess(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if not isinstance(seconds, int | float) or seconds < 0:
            return JSONResponse({"error": "seconds must be a number >= 0"}, 400)
        with backend.lock:
            backend.ess_seconds = float(seconds)
            if body.get("end_running") is True:
                now = time.monotonic()
                for job in backend.jobs.values():
                    job["due"] = min(job["due"], now)
                finish_due_jobs(backend)
        return JSONResponse({"seconds": float(seconds)})

    @r.put("/exports")
    async def put_exports(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        if not isinstance(body, dict) or any(
            k not in ("fail", "corrupt") or not isinstance(v, int) or v < 0 for k, v in body.items()
        ):
            return JSONResponse({"error": 'send {"fail": n, "corrupt": m} with counts >= 0'}, 400)
        with backend.lock:
            backend.export_faults = {"fail": body.get("fail", 0), "corrupt": body.get("corrupt", 0)}
        return JSONResponse(backend.export_faults)

    @r.put("/throttle")
    async def put_throttle(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        per_minute = body.get("per_minute") if isinstance(body, dict) else None
        if per_minute is not None and (not isinstance(per_minute, int) or per_minute < 1):
            return JSONResponse({"error": "per_minute must be a positive integer or null"}, 400)
        with backend.lock:
            backend.per_minute = per_minute
            backend.reset_quota()
        return JSONResponse({"per_minute": per_minute})

    @r.put("/access")
    async def put_access(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        if not isinstance(body, dict) or any(v not in ("forbidden", "empty") for v in body.values()):
            return JSONResponse({"error": 'values must be "forbidden" or "empty"'}, 400)
        with backend.lock:
            backend.access = {str(k): str(v) for k, v in body.items()}
        return JSONResponse(backend.access)

    @r.post("/journals/hidden")
    async def add_hidden_line(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        try:
            line = (str(body["period"]), str(body["account_combination"]), Decimal(str(body["amount"])))
        except (KeyError, TypeError, ArithmeticError):
            return JSONResponse({"error": 'give {"period": "Mar-26", "account_combination": ..., "amount": ...}'}, 400)
        with backend.lock:
            backend.hidden_lines.append(line)
        return JSONResponse({"hidden": len(backend.hidden_lines)})

    @r.get("/jobs")
    def jobs() -> list[dict[str, Any]]:
        with backend.lock:
            finish_due_jobs(backend)
            return [
                {
                    "ReqstId": j["ReqstId"],
                    "RequestStatus": j["RequestStatus"],
                    "log": j["log"],
                    "JeBatchIds": j["batches"],
                    "JobName": j.get("JobName", ""),
                }
                for j in backend.jobs.values()
            ]
