"""Oracle Fusion's error answers, in one place.

Two families:

- REST (`/fscmRestApi/...`): the body depends on `REST-Framework-Version`. Below 4 it is a bare
  `text/plain` message; from 4 on it is `application/vnd.oracle.adf.error+json` with
  `title`, `status` and `o:errorDetails[]`. A 500 carries no details at all.
- Identity (`/oauth2/v1/token`): the OAuth 2 JSON error (`error`, `error_description`).
"""

from __future__ import annotations

import json

from starlette.responses import Response

ERROR_MEDIA_TYPE = "application/vnd.oracle.adf.error+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


# ASSUMPTION: the application error codes used below (27500 for bad requests, 27008 for read-only
# attributes, 27504 for stale ETags, POZ-/GL- codes) are stand-ins; no public page lists Fusion's codes.


class OracleRestError(Exception):
    """A REST failure the emulator answers with Oracle's error body.

    `code` is the application error code (`o:errorCode`), `path` the offending field (`o:errorPath`).
    """

    def __init__(self, status: int, detail: str, *, code: str | None = None, path: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.path = path


def bad_request(detail: str, *, code: str = "27500", path: str | None = None) -> OracleRestError:
    """400 with the message ADF uses for invalid requests."""
    return OracleRestError(400, detail, code=code, path=path)


def invalid_operation(operation: str) -> OracleRestError:
    """400 for a method the resource does not offer; the wording is the documented ADF message."""
    # ASSUMPTION: Fusion answers an unsupported operation with 400 "Invalid operation <op> for the specified
    # resource." (the typical 400 the notes quote), not 405; <op> is the ADF operation name (create, update,
    # delete, get), not the HTTP verb.
    return bad_request(f"Invalid operation {operation} for the specified resource.")


def not_found(detail: str = "The requested resource does not exist.") -> OracleRestError:
    return OracleRestError(404, detail)


def error_payload(err: OracleRestError) -> dict[str, object]:
    """The framework >= 4 JSON body; also used for failed parts of a batch request."""
    return {
        "type": "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
        "title": _TITLES.get(err.status, "Error"),
        "status": str(err.status),
        "o:errorDetails": [{"detail": err.detail, "o:errorCode": err.code, "o:errorPath": err.path}],
    }


def render_error(err: OracleRestError, framework_version: int) -> Response:
    """Oracle's error answer for `err` under the caller's `REST-Framework-Version`."""
    if err.status >= 500:
        # 500s carry no details since ADF 12.2.1.4 (security change), whatever the version.
        return Response(status_code=err.status)
    if framework_version >= 4:
        body = json.dumps(error_payload(err)).encode()
        return Response(body, status_code=err.status, media_type=ERROR_MEDIA_TYPE)
    return Response(err.detail, status_code=err.status, media_type="text/plain")


def unauthorized(bearer: bool) -> Response:
    """401 for a missing, wrong or expired credential."""
    # ASSUMPTION: Fusion answers 401 with an empty body; the challenge names the scheme that was tried.
    challenge = 'Bearer error="invalid_token"' if bearer else 'Basic realm="Oracle Fusion Applications"'
    return Response(status_code=401, headers={"WWW-Authenticate": challenge})


def fault_body(status: int) -> tuple[bytes, str]:
    """Body for faults injected by the admin kit (429 storms, 503/504)."""
    # ASSUMPTION: throttling and gateway errors come from the front end (OHS / load balancer), not from
    # ADF, so they are plain text whatever framework version the caller asked for.
    return f"{status} {_TITLES.get(status, 'Error')}".encode(), "text/plain"


def idcs_error(status: int, error: str, description: str) -> Response:
    """An OAuth 2 error from the identity domain's token endpoint."""
    body = json.dumps({"error": error, "error_description": description}).encode()
    return Response(body, status_code=status, media_type="application/json")
