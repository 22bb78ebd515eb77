"""Anaplan's error answers, in one place.

Three families, one per API:

- Integration API: `{"status": {"code", "message"}, "path", "timestamp"}` (`ApiError`).
- Authentication API: `{"status": "FAILURE_BAD_CREDENTIAL", "statusMessage": ...}` (`AuthError`).
- OAuth: `{"error": "invalid_grant", "error_description": ...}` (`OAuthError`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """An Integration API error; the handler renders Anaplan's error envelope."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or _reason(code))
        self.code = code
        self.message = message or _reason(code)


class NotFound(ApiError):
    """404, also used for objects the user may not see (Anaplan masks NO ACCESS as 404)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(404, message)


class BadRequest(ApiError):
    """400 with a human message in `status.message`."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class Conflict(ApiError):
    """409: the model is busy with a bulk action."""

    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class AuthError(Exception):
    """An Authentication API error (`/token/...`)."""

    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


class OAuthError(Exception):
    """An OAuth token-endpoint error (`/oauth/token`)."""

    def __init__(self, code: int, error: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.error = error
        self.description = description


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def api_error_body(code: int, message: str | None, path: str) -> dict[str, object]:
    """The Integration API error envelope."""
    return {"status": {"code": code, "message": message or _reason(code)}, "path": path, "timestamp": _timestamp()}


def api_error_response(request: Request, exc: ApiError) -> JSONResponse:
    """Render an `ApiError` as Anaplan does."""
    return JSONResponse(api_error_body(exc.code, exc.message, request.url.path), status_code=exc.code)


def auth_error_response(exc: AuthError) -> JSONResponse:
    """Render an `AuthError` as the Authentication API does."""
    return JSONResponse({"status": exc.status, "statusMessage": exc.message}, status_code=exc.code)


def oauth_error_response(exc: OAuthError) -> JSONResponse:
    """Render an `OAuthError` as the OAuth service does."""
    return JSONResponse({"error": exc.error, "error_description": exc.description}, status_code=exc.code)


def injected_fault_body(code: int) -> tuple[bytes, str]:
    """Body for faults injected by the admin kit (429, 5xx): the Integration API envelope."""
    # ASSUMPTION: no source shows a 429/5xx body; the documented error envelope is the likely one. The
    # kit does not tell us the path, so it is left empty.
    return json.dumps(api_error_body(code, None, "")).encode(), "application/json"
