"""HTTP routes of the Authentication API (`/token/...`) and the OAuth token endpoint (`/oauth/token`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ml_connector.emulators.anaplan.auth import Token
from ml_connector.emulators.anaplan.envelope import backend_of
from ml_connector.emulators.anaplan.exceptions import AuthError, OAuthError

router = APIRouter()


def _meta(request: Request) -> dict[str, str]:
    return {"validationUrl": str(request.base_url).rstrip("/") + "/token/validate"}


def _token_header(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme == "Bearer":
        raise AuthError(400, "FAILURE_BAD_HEADER", "Invalid header. Verify the header.")
    if scheme != "AnaplanAuthToken" or not value.strip():
        # ASSUMPTION: the status FAILURE_BAD_CREDENTIAL is documented for 401s; the statusMessage wording here and
        # below is ours (no source quotes it for a bad or missing token).
        raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Token is invalid or has expired.")
    return value.strip()


def _token_body(request: Request, token: Token, message: str) -> dict[str, Any]:
    return {"meta": _meta(request), "status": "SUCCESS", "statusMessage": message, "tokenInfo": token.info()}


@router.post("/token/authenticate")
async def authenticate(request: Request) -> JSONResponse:
    backend = backend_of(request)
    backend.kit_record_auth()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme == "Basic":
        with backend.lock:
            token = backend.tokens.authenticate_basic(value.strip())
    elif scheme == "CACertificate":
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            # ASSUMPTION: a certificate login with a body that is not JSON is treated as a malformed request
            # (FAILURE_BAD_HEADER); no source shows this case.
            raise AuthError(400, "FAILURE_BAD_HEADER", "The body must be JSON.") from None
        if not isinstance(body, dict):
            raise AuthError(400, "FAILURE_BAD_HEADER", "The body must be a JSON object.")
        with backend.lock:
            token = backend.tokens.authenticate_certificate(
                value.strip(), body.get("encodedData"), body.get("encodedSignedData")
            )
    else:
        raise AuthError(400, "FAILURE_BAD_HEADER", "Invalid header. Verify the header.")
    # Live Anaplan answers 201 here (the Postman docs say 200).
    return JSONResponse(_token_body(request, token, "Login successful"), status_code=201)


@router.post("/token/refresh")
def refresh(request: Request) -> JSONResponse:
    # A refresh extends a token rather than issuing one, so it is not counted as an authentication.
    backend = backend_of(request)
    with backend.lock:
        token = backend.tokens.refresh(_token_header(request))
    return JSONResponse(_token_body(request, token, "Token refreshed"))


@router.get("/token/validate")
def validate(request: Request) -> JSONResponse:
    backend = backend_of(request)
    with backend.lock:
        token = backend.tokens.validate(_token_header(request))
    creds = backend.creds
    return JSONResponse(
        {
            "meta": _meta(request),
            "status": "SUCCESS",
            "statusMessage": "Token validated",
            "tokenInfo": {"expiresAt": int(token.expires_at * 1000), "tokenId": token.token_id},
            "userInfo": {"userGuid": creds.user_guid, "userId": creds.user, "customerGuid": creds.customer_guid},
        }
    )


@router.post("/token/logout")
def logout(request: Request) -> Response:
    backend = backend_of(request)
    scheme = request.headers.get("authorization", "").partition(" ")[0]
    if scheme == "Bearer":
        raise AuthError(401, "FAILURE_BAD_CREDENTIAL", "Token is invalid or has expired.")
    with backend.lock:
        backend.tokens.logout(_token_header(request))
    return Response(status_code=204)


@router.post("/oauth/token")
async def oauth_token(request: Request) -> JSONResponse:
    backend = backend_of(request)
    backend.kit_record_auth()
    raw = await request.body()
    # Anaplan's docs send JSON; oauthlib-based clients send a form. Both are accepted.
    if "json" in request.headers.get("content-type", ""):
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            raise OAuthError(400, "invalid_request", "The body is not valid JSON.") from None
        params = {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
    else:
        params = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    grant = params.get("grant_type", "")
    if grant != "refresh_token":
        # ASSUMPTION: only the refresh-token grant is emulated; the interactive grants need a browser.
        raise OAuthError(400, "unsupported_grant_type", f"Grant type '{grant}' is not supported here.")
    if not params.get("refresh_token") or not params.get("client_id"):
        # ASSUMPTION: missing parameters answer 400 invalid_request (RFC 6749 5.2); Anaplan's docs list the code but
        # not this case.
        raise OAuthError(400, "invalid_request", "client_id and refresh_token are required.")
    with backend.lock:
        answer = backend.tokens.oauth_refresh(params["client_id"], params["refresh_token"])
    return JSONResponse(answer)
