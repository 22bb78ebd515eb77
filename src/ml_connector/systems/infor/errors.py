"""Infor's error bodies → our error tree.

- M3 MI v2: HTTP 400 with `errorMessage`/`errorCode`/`errorField` at the top level, or HTTP 200 with them
  in `results[i]` (infor.md 2.2; `hasErrors = wasTerminated || nrOfFailedTransactions > 0`).
- Mongoose IDO: `{"Success": false, "Message": ...}`, often with HTTP 200 (infor.md 3.3, inferred).
- FSM Landmark: a list whose elements may carry `exception` (infor.md 4).
"""

from __future__ import annotations

from typing import Any

from ml_connector.errors import ApiContext, ApiError, NotFoundError
from ml_connector.http import Redactor

SYSTEM = "infor"


class M3TransactionError(ApiError):
    """An MI transaction answered NOK; `code` and `field` as M3 gave them (e.g. XRE0104, KEY1)."""

    def __init__(self, message: str, *, code: str = "", field: str = "", context: ApiContext | None = None) -> None:
        super().__init__(message, context=context)
        self.code = code
        self.field = field


def m3_error(
    program: str, transaction: str, body: dict[str, Any], context: ApiContext | None, redactor: Redactor
) -> M3TransactionError:
    """The error of an MI answer that failed (at the top level or in its first failed result), redacted."""
    source = body
    if "errorMessage" not in body:
        source = next((r for r in body.get("results") or [] if isinstance(r, dict) and "errorMessage" in r), body)
    message = str(source.get("errorMessage") or source.get("terminationReason") or "transaction failed")
    code = str(source.get("errorCode") or "")
    field = str(source.get("errorField") or "")
    text = redactor.redact(f"M3 {program}/{transaction} failed: {message.strip()}")
    if code:
        text += f" [{code}{' on ' + field if field else ''}]"
    return M3TransactionError(text, code=code, field=field, context=context)


def m3_failed(body: Any) -> bool:
    if not isinstance(body, dict):
        return True
    if "errorMessage" in body or body.get("wasTerminated"):
        return True
    failed = body.get("nrOfFailedTransactions") or 0
    return bool(failed) or any(isinstance(r, dict) and "errorMessage" in r for r in body.get("results") or [])


def ido_error(ido: str, body: Any, context: ApiContext | None, redactor: Redactor) -> ApiError:
    message = str(body.get("Message") if isinstance(body, dict) else "answer is not a JSON object")
    text = redactor.redact(f"CSI IDO {ido} failed: {message}")
    if "does not exist" in message and ("IDO" in message or "Configuration" in message):
        return NotFoundError(text, context=context, hint="Check the IDO name and the Mongoose configuration.")
    return ApiError(text, context=context)


def fsm_exception(body: Any, redactor: Redactor) -> str | None:
    """The first `exception` text in an FSM answer, if any, redacted."""
    items = body if isinstance(body, list) else [body]
    for item in items:
        if isinstance(item, dict) and item.get("exception"):
            return redactor.redact(str(item["exception"]))
    return None
