"""`build_app()`: the Anaplan emulator as one ASGI app serving auth, OAuth and the Integration API.

Example (tests)::

    emu = build_app(task_seconds=0.05)
    server = start_in_thread(emu)
    facts = emu.facts(server.url)     # base_url, auth_url, api_url, user, password, workspace, model, ...
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ml_connector.emulators.anaplan import (
    routes_actions,
    routes_auth,
    routes_bulk,
    routes_calendar,
    routes_more,
    routes_transactional,
    routes_users,
    routes_views,
)
from ml_connector.emulators.anaplan.admin import add_admin_routes
from ml_connector.emulators.anaplan.admin_oauth import add_oauth_client_routes
from ml_connector.emulators.anaplan.auth import DEFAULT_TOKEN_TTL, Credentials
from ml_connector.emulators.anaplan.certs import CertificatePair, make_certificate
from ml_connector.emulators.anaplan.definition import TenantDef
from ml_connector.emulators.anaplan.exceptions import (
    ApiError,
    AuthError,
    OAuthError,
    api_error_body,
    api_error_response,
    auth_error_response,
    injected_fault_body,
    oauth_error_response,
)
from ml_connector.emulators.anaplan.models import DEFAULT_TASK_SECONDS, AnaplanBackend
from ml_connector.emulators.anaplan.volume import add_lines
from ml_connector.emulators.common import EmulatorKit
from ml_connector.emulators.common.admin import Receive, Scope, Send
from ml_connector.emulators.common.volume import add_volume_route

DEFAULT_USER = "integration@acme-components.example"
DEFAULT_PASSWORD = "Emulator-Pass-1"  # noqa: S105 - the emulator's documented seeded credential
DEFAULT_OAUTH_CLIENT_ID = "5f3c2a1b9d8e4f60a7b1c2d3e4f5a6b7"
DEFAULT_REFRESH_TOKEN = "emulator-seeded-refresh-token-0001"  # noqa: S105 - seeded, for local tests only
MODEL_PREFIXES = ("/2/0/workspaces/{workspaceId}/models/{modelId}", "/2/0/models/{modelId}")


class AnaplanEmulator:
    """The emulator: an ASGI app (call it like one) plus its backend, admin kit and certificate."""

    def __init__(self, backend: AnaplanBackend, kit: EmulatorKit, app: FastAPI, certificate: CertificatePair) -> None:
        self.backend = backend
        self.kit = kit
        self.fastapi = app
        self.certificate = certificate
        self._asgi = kit.install(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            # Anaplan's own docs write some paths with a trailing slash (`.../imports/`); serve both forms.
            trimmed = path.rstrip("/") or "/"
            scope = {**scope, "path": trimmed, "raw_path": trimmed.encode()}
        await self._asgi(scope, receive, send)

    def facts(self, base_url: str, cert_dir: Path | None = None) -> dict[str, Any]:
        """What a client needs to connect, as the `emulate` command prints it."""
        base = base_url.rstrip("/")
        backend = self.backend
        first = backend.tenant.models[0]
        out: dict[str, Any] = {
            "system": "anaplan",
            "base_url": base,
            "auth_url": base,
            "api_url": f"{base}/2/0",
            "oauth_url": base,
            "oauth_token_url": f"{base}/oauth/token",
            "user": backend.creds.user,
            "password": backend.creds.password,
            "workspace": backend.tenant.workspace_name,
            "workspace_id": backend.workspace_id,
            "model": first.name,
            "model_id": first.id,
            "models": {m.name: m.id for m in backend.tenant.models},
            "oauth_client_id": backend.creds.oauth_client_id,
            "refresh_token": backend.seeded_refresh_token,
            "token_ttl_seconds": backend.tokens.token_ttl,
            "task_seconds": backend.task_seconds,
        }
        if cert_dir is not None:
            cert_path, key_path = self.certificate.write(cert_dir)
            out.update(certificate=str(cert_path), private_key=str(key_path))
        return out


def build_app(
    *,
    definition: TenantDef | Path | str | None = None,
    user: str = DEFAULT_USER,
    password: str = DEFAULT_PASSWORD,
    token_ttl: float = DEFAULT_TOKEN_TTL,
    task_seconds: float = DEFAULT_TASK_SECONDS,
    oauth_client_id: str = DEFAULT_OAUTH_CLIENT_ID,
    refresh_token: str = DEFAULT_REFRESH_TOKEN,
    certificate: CertificatePair | None = None,
) -> AnaplanEmulator:
    """Build the emulator from a definition file (default: the seeded FP&A tenant)."""
    certificate = certificate or make_certificate(user)
    creds = Credentials(
        user=user, password=password, certificate_pem=certificate.certificate_pem, oauth_client_id=oauth_client_id
    )
    backend = AnaplanBackend(
        definition=definition,
        creds=creds,
        token_ttl=token_ttl,
        task_seconds=task_seconds,
        seeded_refresh_token=refresh_token,
    )
    app = FastAPI(title="Anaplan emulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.backend = backend
    kit = EmulatorKit(
        "anaplan", on_reset=backend.reset, on_expire_tokens=_expire(backend), error_body=injected_fault_body
    )
    backend.on_auth = kit.stats.record_auth
    add_admin_routes(kit.router, backend)
    add_oauth_client_routes(kit.router, backend)
    add_volume_route(kit.router, lambda count, seed: add_lines(backend, count, seed))
    app.include_router(routes_auth.router)
    app.include_router(routes_bulk.tenant_router)
    app.include_router(routes_users.router)
    # Order matters: the generic /{kind} routes of actions come after files, lists and modules.
    for prefix in MODEL_PREFIXES:
        app.include_router(routes_bulk.model_router, prefix=prefix)
        app.include_router(routes_transactional.router, prefix=prefix)
        app.include_router(routes_views.router, prefix=prefix)
        app.include_router(routes_calendar.router, prefix=prefix)
        app.include_router(routes_more.router, prefix=prefix)
        app.include_router(routes_actions.router, prefix=prefix)
    _add_error_handlers(app)
    _add_rate_limit(app, backend)
    return AnaplanEmulator(backend, kit, app, certificate)


def _expire(backend: AnaplanBackend) -> Any:
    def expire() -> None:
        with backend.lock:
            backend.tokens.expire_all()

    return expire


def _add_rate_limit(app: FastAPI, backend: AnaplanBackend) -> None:
    # ASSUMPTION: Anaplan publishes no limit; a third-party profile says 600 requests/minute per tenant.
    # Off by default; `PUT /_emulator/settings {"rate_limit_per_minute": 600}` turns it on.
    @app.middleware("http")
    async def rate_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith("/_emulator"):
            return await call_next(request)
        wait = backend.over_rate_limit(time.time())
        if wait is not None:
            return JSONResponse(
                api_error_body(429, None, request.url.path),
                status_code=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        return await call_next(request)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return api_error_response(request, exc)

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, exc: AuthError) -> JSONResponse:
        return auth_error_response(exc)

    @app.exception_handler(OAuthError)
    async def oauth_error(request: Request, exc: OAuthError) -> JSONResponse:
        return oauth_error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown routes and wrong methods get the same envelope as every other error.
        return JSONResponse(api_error_body(exc.status_code, None, request.url.path), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(api_error_body(400, "Bad Request", request.url.path), status_code=400)
