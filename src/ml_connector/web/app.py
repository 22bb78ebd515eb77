"""The operator's console: FastAPI + Jinja2 pages over the store, behind a sign-in.

Viewers read every page; operators also add mapping rules and replay runs. Every text a page shows
passes the composition root's redactor; every form carries the session's CSRF token; a bad id is a
404 page and a bad filter a 400 page, never a traceback."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse, RedirectResponse, Response

from ml_connector.accounts import Accounts, SignInRefused
from ml_connector.flows.context import FlowContext
from ml_connector.http.redaction import Redactor
from ml_connector.store.database import Store
from ml_connector.store.schema import is_current
from ml_connector.web.actions import add_actions
from ml_connector.web.console import Console
from ml_connector.web.metrics import store_registry
from ml_connector.web.overview import add_overview
from ml_connector.web.pages import add_pages
from ml_connector.web.reconciliation import add_reconciliation
from ml_connector.web.security import (
    SESSION_COOKIE,
    SESSION_HOURS,
    BadToken,
    ConsoleSecurity,
    NotAllowed,
    NotSignedIn,
    check_csrf,
    sign_in,
    sign_out,
)

log = logging.getLogger(__name__)


def build_app(
    store: Store, redactor: Redactor, *, flows: FlowContext | None = None, security: ConsoleSecurity | None = None
) -> FastAPI:
    """The console over `store`; every text its pages show passes `redactor` (the root's). With `flows`
    (a flow context of the same root) operators can add mapping rules and replay; without, it only reads."""
    security = security or ConsoleSecurity()
    app = FastAPI(title="ml-connector", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=security.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=security.https,
    )
    accounts = Accounts(store, lock_after=security.lock_after, lock_for=security.lock_for, hasher=security.hasher)
    app.state.accounts = accounts
    console = Console.build(store, redactor, flows)
    app.state.console = console

    def error_page(request: Request, status: int, message: str) -> Response:
        return console.page(request, "error.html", {"status": status, "message": message}, None, status)

    @app.exception_handler(NotSignedIn)
    def _sign_in_first(request: Request, exc: NotSignedIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(NotAllowed)
    def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        return error_page(request, 403, "Your role is viewer: only an operator can do this.")

    @app.exception_handler(BadToken)
    def _bad_token(request: Request, exc: BadToken) -> Response:
        return error_page(request, 403, "The form's security token is missing or stale. Reload the page and try again.")

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code, redactor.redact(str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return error_page(request, 400, redactor.redact(f"bad input: {problems}"))

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("console error on %s: %s", request.url.path, redactor.redact(f"{type(exc).__name__}: {exc}"))
        return error_page(request, 500, "Something went wrong on the server; its log has the details.")

    @app.get("/login")
    def login_page(request: Request, next: str = "/") -> Response:
        return console.page(request, "login.html", {"next": _local(next), "error": ""}, None)

    @app.post("/login")
    def login(
        request: Request,
        username: str = Form("", max_length=200),
        password: str = Form("", max_length=1000),
        next: str = Form("/"),
        csrf_token: str = Form(""),
    ) -> Response:
        check_csrf(request, csrf_token)
        try:
            user = accounts.authenticate(username, password)
        except SignInRefused as refused:
            time.sleep(security.login_delay)  # every failure waits: guessing is slow
            context = {"next": _local(next), "error": str(refused), "username": username}
            return console.page(request, "login.html", context, None, 401)
        sign_in(request, user)
        return RedirectResponse(_local(next), status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        check_csrf(request, csrf_token)
        sign_out(request)
        return RedirectResponse("/login", status_code=303)

    @app.get("/health")
    def health() -> Response:
        try:
            current = is_current(store)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the store is "unhealthy"
            return JSONResponse({"status": "down", "store": redactor.redact(type(exc).__name__)}, status_code=503)
        if not current:
            return JSONResponse({"status": "down", "store": "not migrated: run `ml-connector db upgrade`"}, 503)
        return JSONResponse({"status": "ok", "store": "ok"})

    registry = store_registry(store)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    add_pages(app, console)
    add_overview(app, console)
    add_reconciliation(app, console)
    add_actions(app, console)
    return app


def _local(target: str) -> str:
    """Only a path on this console may follow a sign-in (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
