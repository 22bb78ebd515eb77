"""`build_app(...)`: the Infor emulator as one ASGI app, plus `write_ionapi(...)` for a matching `.ionapi` file.

Layout of the served paths (one tenant, `ti`; `iu` = the server's base URL, `pu` = `iu/ti/as/`):

- `POST {ti}/as/token.oauth2`, `GET|POST {ti}/as/revoke_token.oauth2`  (authorization server)
- `{ti}/M3/m3api-rest/v2/execute/...`        M3 MI programs          (behind the gateway)
- `{ti}/CSI/IDORequestService/ido/...`       CSI Mongoose IDOs        (behind the gateway)
- `{ti}/FSM/fsm/soap/...`                    FSM Landmark classes     (behind the gateway)
- `{ti}/DATAFABRIC/compass/v2/...`           Data Lake Compass queries (behind the gateway; `compass.py`)
- `/_emulator/...` admin: health, reset, faults, stats, expire-tokens (common kit) and `journals`,
  `suppliers`, `gateway` (slow target / 504, quota), `auth` (token lifetime, login limit), `ionapi`,
  `m3/review` (POST: a reviewer updates every validated GLS840 batch into the GL), `m3/budgets` (BUS100MI lines),
  `csi/review` (POST: a reviewer posts every SLJournals entry into the ledger),
  `ledger/change` (POST: a posted line changed in place, with a new change date),
  `datalake` (GET/PUT: delay_minutes, job_seconds, fail_jobs, break_pages; POST `datalake/catch-up`) and
  `ledger` (POST: a person books a journal in the ERP, `{"division", "lines": [{account, cost_center, amount}]}`),
  `m3/hidden` (POST: a line in the GLS215MI balances that no GLS200MI list shows).

Example (tests):

    app = build_app(token_ttl=2, logins_per_minute=5)
    server = start_in_thread(app)
    path = write_ionapi(tmp_path / "acme.ionapi", server.url)
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ml_connector.emulators.common import EmulatorKit
from ml_connector.emulators.common.volume import add_volume_route
from ml_connector.emulators.infor.compass import compass_router
from ml_connector.emulators.infor.datalake import DataLake
from ml_connector.emulators.infor.datalake_admin import add_datalake_routes
from ml_connector.emulators.infor.exceptions import gateway_body, gateway_error
from ml_connector.emulators.infor.fsm import fsm_router
from ml_connector.emulators.infor.gateway import GatewayMiddleware, GatewaySettings, GatewayState
from ml_connector.emulators.infor.ido import ido_router
from ml_connector.emulators.infor.ido_writes import post_journals
from ml_connector.emulators.infor.m3 import m3_router
from ml_connector.emulators.infor.m3_programs import CallContext, upd_batch
from ml_connector.emulators.infor.models import HiddenLine, InforBackend
from ml_connector.emulators.infor.oauth import AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH, oauth_router
from ml_connector.emulators.infor.readouts import journals_readout, suppliers_readout
from ml_connector.emulators.infor.tokens import Credentials, TokenPolicy, TokenStore
from ml_connector.emulators.infor.volume import add_lines


class InforApp:
    """The ASGI app with handles on its parts (backend, tokens, kit) for in-process tests."""

    def __init__(self, credentials: Credentials, policy: TokenPolicy, gateway_timeout: float) -> None:
        self.credentials = credentials
        self.backend = InforBackend()
        self.lake = DataLake(self.backend)
        self.tokens = TokenStore(policy=policy)
        self.gateway = GatewayState(GatewaySettings(timeout_seconds=gateway_timeout))
        self._default_policy = TokenPolicy(**asdict(policy))
        self._default_gateway = self.gateway.settings
        self.kit = EmulatorKit(
            "infor", on_reset=self.reset, on_expire_tokens=self.tokens.expire_all, error_body=gateway_body
        )
        api = FastAPI(title="Infor ION API emulator", openapi_url=None, docs_url=None, redoc_url=None)
        api.include_router(oauth_router(credentials, self.tokens, self.kit.stats.record_auth))
        api.include_router(m3_router(credentials.tenant, self.backend))
        api.include_router(ido_router(credentials.tenant, self.backend))
        api.include_router(fsm_router(credentials.tenant, self.backend))
        api.include_router(compass_router(credentials.tenant, self.lake))
        api.add_exception_handler(StarletteHTTPException, _gateway_http_error)
        self._add_admin_routes()
        api.add_middleware(GatewayMiddleware, tenant=credentials.tenant, tokens=self.tokens, state=self.gateway)
        self._asgi = self.kit.install(api)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._asgi(scope, receive, send)

    def reset(self) -> None:
        """Seeded data back, gateway and auth settings back to the built ones. Issued tokens stay valid."""
        self.backend.reset()
        self.lake.reset()
        self.gateway.configure(self._default_gateway)
        self.tokens.policy = TokenPolicy(**asdict(self._default_policy))
        self.tokens.clear_logins()

    def _add_admin_routes(self) -> None:
        r = self.kit.router
        add_volume_route(r, lambda count, seed: add_lines(self.backend, count, seed))
        add_datalake_routes(r, self.lake)

        @r.get("/journals")
        def journals() -> list[dict[str, Any]]:
            return journals_readout(self.backend)

        @r.post("/ledger/change")
        async def change_ledger_line(request: Request) -> JSONResponse:
            """Change one posted line in place: `{"line": n, "amount": "12.50", "changed": "2026-11-21T00:00Z"}`
            (amount and changed optional). Its change date (LMDT / RecordDate / UpdateStamp) becomes `changed`
            or now, so incremental reads see it again."""
            body = await request.json()
            if not isinstance(body, dict) or not isinstance(body.get("line"), int):
                return JSONResponse({"error": 'body must be {"line": <index>, "amount": "<text>"}'}, status_code=400)
            amount = body.get("amount")
            try:
                when = (
                    datetime.fromisoformat(str(body["changed"]).replace("Z", "+00:00")) if "changed" in body else None
                )
            except ValueError:
                return JSONResponse({"error": "changed must be an ISO-8601 time"}, status_code=400)
            if when is not None and when.tzinfo is None:
                return JSONResponse({"error": "changed must carry a time zone (e.g. Z)"}, status_code=400)
            try:
                line = self.backend.change_line(body["line"], None if amount is None else str(amount), when)
            except IndexError:
                return JSONResponse({"error": f"there is no line {body['line']}"}, status_code=404)
            return JSONResponse(
                {
                    "division": line.division,
                    "year": line.year,
                    "journal_no": line.journal_no,
                    "journal_seq": line.journal_seq,
                    "amount": line.amount,
                    "changed": line.changed.isoformat() if line.changed else None,
                }
            )

        @r.get("/m3/budgets")
        def m3_budgets() -> list[dict[str, Any]]:
            """BUS100MI budget lines: division, budget number and version, account, cost center, period, amount."""
            with self.backend.lock:
                return [
                    dict(DIVI=k[0], BUNO=k[1], BVER=k[2], AIT1=k[4], AIT2=k[5], BUPE=k[11], BCUA=f"{v:f}")
                    for k, v in sorted(self.backend.m3_budget_lines.items())
                ]

        @r.post("/m3/review")
        def review_m3_batches() -> dict[str, Any]:
            """A reviewer updates every validated GLS840 batch into the GL (GLS840 option 9)."""
            with self.backend.lock:
                checked = [b for b in self.backend.m3_batches.values() if b.status == "checked"]
                for batch in checked:
                    ctx = CallContext(self.backend, self.backend.company, batch.division)
                    upd_batch(ctx, {"CONO": self.backend.company, "DIVI": batch.division, "KEY1": batch.key})
            return {"updated": [b.description for b in checked]}

        @r.post("/csi/review")
        def review_csi_journals() -> dict[str, Any]:
            """A reviewer posts every SLJournals entry into the ledger (CSI Journal Posting)."""
            return {"posted": post_journals(self.backend)}

        @r.post("/m3/hidden")
        async def add_hidden_line(request: Request) -> JSONResponse:
            """A line in the GLS215MI balances that GLS200MI never lists (a data-access gap)."""
            body = await request.json() if await request.body() else {}
            try:
                year, month = (int(x) for x in str(body["period"]).split("-"))
                line = HiddenLine(
                    str(body["division"]),
                    (year, month),
                    str(body["account"]),
                    str(body["cost_center"]),
                    Decimal(str(body["amount"])),
                )
            except (KeyError, TypeError, ValueError, ArithmeticError):
                hint = (
                    '{"division": "US1", "period": "2026-03", "account": "6300", "cost_center": "1100", "amount": 99.5}'
                )
                return JSONResponse({"error": f"give {hint}"}, 400)
            with self.backend.lock:
                self.backend.m3_hidden_lines.append(line)
                return JSONResponse({"hidden": len(self.backend.m3_hidden_lines)})

        @r.get("/suppliers")
        def suppliers() -> list[dict[str, Any]]:
            return suppliers_readout(self.backend)

        @r.get("/gateway")
        def get_gateway() -> dict[str, Any]:
            return self.gateway.settings.model_dump()

        @r.put("/gateway")
        async def put_gateway(request: Request) -> JSONResponse:
            body = await request.json()
            if not isinstance(body, dict):
                return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
            try:
                # Omitted fields fall back to the built settings (e.g. the gateway timeout given to build_app).
                settings = GatewaySettings.model_validate(self._default_gateway.model_dump() | body)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            self.gateway.configure(settings)
            return JSONResponse(settings.model_dump())

        @r.get("/auth")
        def get_auth() -> dict[str, Any]:
            return asdict(self.tokens.policy)

        @r.put("/auth")
        async def put_auth(request: Request) -> JSONResponse:
            body = await request.json()
            fields = set(asdict(self.tokens.policy))
            if not isinstance(body, dict) or not set(body) <= fields:
                return JSONResponse({"error": f"body must be an object with keys among {sorted(fields)}"}, 400)
            try:
                self.tokens.policy = TokenPolicy(**(asdict(self.tokens.policy) | body))
            except TypeError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(asdict(self.tokens.policy))

        @r.get("/ionapi")
        def ionapi(request: Request) -> dict[str, str]:
            return ionapi_content(str(request.base_url).rstrip("/"), self.credentials)


async def _gateway_http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths (404) and wrong methods (405) answer with the gateway's own body."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    return gateway_error(status)


def build_app(
    credentials: Credentials | None = None,
    *,
    token_ttl: int = 7200,
    issue_refresh_tokens: bool = True,
    refresh_ttl: int = 8 * 3600,
    logins_per_minute: int = 20,
    logins_per_day: int = 1000,
    gateway_timeout: float = 60.0,
) -> InforApp:
    """The emulator for one tenant. `token_ttl` in seconds (the product offers 1-24 h; tests use seconds)."""
    policy = TokenPolicy(
        access_ttl=token_ttl,
        issue_refresh_tokens=issue_refresh_tokens,
        refresh_ttl=refresh_ttl,
        logins_per_minute=logins_per_minute,
        logins_per_day=logins_per_day,
    )
    return InforApp(credentials or Credentials(), policy, gateway_timeout)


def ionapi_content(
    base_url: str, credentials: Credentials | None = None, *, service_account: bool = True
) -> dict[str, str]:
    """The `.ionapi` JSON for an emulator at `base_url` (`iu`); without the service account for client credentials."""
    c = credentials or Credentials()
    content = {
        "ti": c.tenant,
        "cn": c.client_name,
        "dt": "12",
        "ci": c.client_id,
        "cs": c.client_secret,
        "iu": base_url.rstrip("/"),
        "pu": f"{base_url.rstrip('/')}/{c.tenant}/as/",
        "oa": AUTHORIZE_PATH,
        "ot": TOKEN_PATH,
        "or": REVOKE_PATH,
        "ev": "U000000001",
        "v": "1.0",
    }
    if service_account:
        content |= {"saak": c.service_key, "sask": c.service_secret}
    return content


def write_ionapi(
    path: str | Path, base_url: str, credentials: Credentials | None = None, *, service_account: bool = True
) -> Path:
    """Write a `.ionapi` file that works against the emulator at `base_url`; returns the path."""
    target = Path(path)
    target.write_text(json.dumps(ionapi_content(base_url, credentials, service_account=service_account), indent=2))
    return target
