"""The error answers of the emulated Infor services, in one place.

- Authorization server (PingFederate-style, RFC 6749): `{"error": ..., "error_description": ...}`.
- ION API gateway (401, 429, 5xx, 504): no public schema exists (infor.md 5.1), so a small JSON body.
- M3 MI REST v2: 400 with error keys at the top level, or 200 with them in `results[i]`.
- Mongoose IDO REST: `{"Success": false, "Message": ...}`.
- FSM Landmark: a JSON list holding one error element.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

GATEWAY_MESSAGES = {
    401: "OAuth 2.0 inbound bearer token is missing, invalid, or expired.",
    # ASSUMPTION: the 401, 429 and 504 texts paraphrase Infor's "Common error statuses" page; the others are ours.
    404: "No API found for the requested path.",
    405: "Method not allowed for the requested path.",
    429: "You are calling an API with a Quota policy applied to it, and you have exceeded the allowed number of "
    "requests in a given time period.",
    500: "Internal server error.",
    502: "Bad gateway: the target API server returned an invalid response.",
    503: "Service unavailable.",
    504: "The target API server did not respond within the gateway's configured timeout period.",
}


def gateway_body(status: int) -> tuple[bytes, str]:
    """The gateway's own error body for a status; also used by the kit for injected faults."""
    # ASSUMPTION: the gateway's JSON error schema is not published; clients must not depend on it.
    message = GATEWAY_MESSAGES.get(status, "Gateway error.")
    return json.dumps({"status": status, "error": _reason(status), "message": message}).encode(), "application/json"


def gateway_error(status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    body, _ = gateway_body(status)
    return JSONResponse(json.loads(body), status_code=status, headers=headers)


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """RFC 6749 section 5.2 error answer of the token endpoint."""
    base = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=base | (headers or {})
    )


# ASSUMPTION: apart from XAU0008 (M3H5) and WSU0103 (the notes' illustrative NOK), the MI error codes and message
# texts raised in m3*.py follow M3's XXXnnnn pattern but are ours.
class M3Error(Exception):
    """An MI transaction answered NOK. `request_level` errors answer HTTP 400 with the keys at the top level."""

    def __init__(
        self,
        message: str,
        code: str = "",
        field: str = "",
        kind: str = "ServerReturnedNOK",
        request_level: bool = False,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.field, self.kind, self.request_level = message, code, field, kind, request_level

    def keys(self) -> dict[str, Any]:
        return {"errorMessage": self.message, "errorCode": self.code, "errorField": self.field, "errorType": self.kind}


def m3_request_error(error: M3Error) -> JSONResponse:
    """HTTP 400: "For HTTP 400 errors, error info is at the top level" (m3-h5-sdk runtime.ts)."""
    # ASSUMPTION: besides the documented top-level error keys, a 400 carries an empty, terminated v2 envelope.
    body: dict[str, Any] = {"results": [], "wasTerminated": True, "nrOfSuccessfullTransactions": 0}
    body |= {"nrOfFailedTransactions": 1, "terminationReason": error.message, "terminationErrorType": error.kind}
    return JSONResponse(body | error.keys(), status_code=400)


class IdoError(Exception):
    """A Mongoose request failed; answered as `{"Success": false, "Message": ...}`.

    HTTP 200 by default: the Mongoose swagger documents one 200 answer, "See Success and Message in the
    response for result status" (IDO Integration guide, Get IDO Swagger Document).
    """

    def __init__(self, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def ido_error(error: IdoError, load: bool) -> JSONResponse:
    # ASSUMPTION: the failure envelope is the success envelope with Success false (infor.md 3.3).
    body: dict[str, Any] = {"Message": error.message, "Success": False}
    if load:
        body |= {"Items": None, "Bookmark": None, "MoreRowsExist": False}
    else:
        body["RefreshItems"] = None
    return JSONResponse(body, status_code=error.status)


class FsmError(Exception):
    """A Landmark request failed."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def fsm_error(error: FsmError) -> JSONResponse:
    # ASSUMPTION: no public FSM error body; list-shaped like the answers, one element with `exception`.
    return JSONResponse([{"exception": error.message, "status": str(error.status)}], status_code=error.status)


def _reason(status: int) -> str:
    return {
        401: "Unauthorized",
        404: "Not Found",
        405: "Method Not Allowed",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, "Error")
