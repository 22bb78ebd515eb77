"""The tenant's authorization server: `pu + ot` (token) and `pu + or` (revoke), with `pu = {base}/{ti}/as/`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ml_connector.emulators.infor.exceptions import oauth_error
from ml_connector.emulators.infor.tokens import Credentials, TokenStore

TOKEN_PATH = "token.oauth2"  # noqa: S105 - a URL path, not a secret
REVOKE_PATH = "revoke_token.oauth2"
AUTHORIZE_PATH = "authorization.oauth2"


def oauth_router(creds: Credentials, tokens: TokenStore, record_auth: Callable[[], None]) -> APIRouter:
    """Routes of the authorization server for the one emulated tenant."""
    router = APIRouter(prefix=f"/{creds.tenant}/as")

    @router.post(f"/{TOKEN_PATH}")
    async def token(request: Request) -> Response:
        record_auth()
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        client = _client_auth(request, fields)
        if client is None or client != (creds.client_id, creds.client_secret):
            # ASSUMPTION: token-endpoint errors follow RFC 6749 5.2 (the notes infer this; no Infor source shows one):
            # a bad client is 401 invalid_client with a Basic challenge.
            return oauth_error(401, "invalid_client", "Client authentication failed.", {"WWW-Authenticate": "Basic"})
        grant = fields.get("grant_type", "")
        if grant in ("password", "client_credentials"):
            # Both are service (backend) authentications and count against the per-minute peak.
            wait = tokens.login_wait()
            if wait:
                # ASSUMPTION: the usage limit answers 429 with an RFC 6749-style body and Retry-After.
                return oauth_error(
                    429,
                    "too_many_requests",
                    "Service account authentication limit exceeded; reuse the access token.",
                    {"Retry-After": str(wait)},
                )
            if grant == "password" and (fields.get("username"), fields.get("password")) != (
                creds.service_key,
                creds.service_secret,
            ):
                # ASSUMPTION: wrong service-account keys are 400 invalid_grant (RFC 6749), with our wording.
                return oauth_error(400, "invalid_grant", "Invalid service account credentials.")
        elif grant == "refresh_token":
            # ASSUMPTION: a refresh is not a service-account authentication, so it does not count against the limit.
            if not tokens.use_refresh(fields.get("refresh_token", "")):
                return oauth_error(400, "invalid_grant", "Refresh token is invalid, expired or revoked.")
        elif not grant:
            return oauth_error(400, "invalid_request", "Missing grant_type.")
        else:
            # ASSUMPTION: only the backend grants (password, client_credentials, refresh_token) are emulated; the
            # interactive ones need a browser.
            return oauth_error(400, "unsupported_grant_type", f"Grant type {grant!r} is not supported.")
        access, expires_in, refresh = tokens.issue()
        body: dict[str, str | int] = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in}
        if refresh is not None:
            body["refresh_token"] = refresh
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @router.api_route(f"/{REVOKE_PATH}", methods=["GET", "POST"])
    async def revoke(request: Request) -> Response:
        fields = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            fields |= {k: v for k, v in form.items() if isinstance(v, str)}
        client = _client_auth(request, fields)
        # ASSUMPTION: client auth is checked when sent; the Go sample revokes with a bare GET ?token=.
        if client is not None and client != (creds.client_id, creds.client_secret):
            return oauth_error(401, "invalid_client", "Client authentication failed.")
        if not fields.get("token"):
            # ASSUMPTION: revocation follows RFC 7009: 400 without a token, 200 with an empty body otherwise (also for
            # unknown tokens).
            return oauth_error(400, "invalid_request", "Missing token.")
        tokens.revoke(fields["token"])
        return Response(status_code=200)

    return router


def _client_auth(request: Request, fields: dict[str, str]) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return ("", "")
        return user, secret
    if "client_id" in fields:
        return fields["client_id"], fields.get("client_secret", "")
    return None
