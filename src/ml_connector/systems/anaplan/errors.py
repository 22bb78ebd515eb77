"""Anaplan's error answers mapped onto ml-connector's error tree.

The Integration API answers errors as `{"status": {"code", "message"}, "path", "timestamp"}`; the
shared session already raises the typed error by status. Here: a 409 becomes `ModelBusyError` (the
model is held by another action), a 404 says that Anaplan masks "no access" as "not found", and a
failed task carries its outcome so the flow still sees the rejected rows.
"""

from __future__ import annotations

import json
from typing import Any

from ml_connector.errors import ConflictError, ConnectorError, ModelBusyError, NotFoundError, TaskFailedError


def anaplan_message(error: ConnectorError) -> str | None:
    """`status.message` from an Integration API error body, when the excerpt holds it."""
    if error.context is None or not error.context.body_excerpt:
        return None
    try:
        body = json.loads(error.context.body_excerpt)
    except ValueError:
        return None
    status = body.get("status") if isinstance(body, dict) else None
    if isinstance(status, dict) and isinstance(status.get("message"), str):
        return str(status["message"])
    return None


def translate(error: ConnectorError, what: str) -> ConnectorError:
    """The error to raise for `error` met while doing `what` (e.g. "starting import 'Load Actuals'")."""
    detail = anaplan_message(error)
    suffix = f": {detail}" if detail else ""
    if isinstance(error, ConflictError) and not isinstance(error, ModelBusyError):
        return ModelBusyError(f"Anaplan model is busy while {what}{suffix}", context=error.context)
    if isinstance(error, NotFoundError):
        return NotFoundError(
            f"Anaplan found nothing while {what}{suffix}",
            hint="Anaplan answers 404 also when the user has no access to the model; check the id and the user's role.",
            context=error.context,
        )
    return error


class ImportFailedError(TaskFailedError):
    """An import task ended CANCELLED or COMPLETE-but-unsuccessful; `outcome` holds what it reported."""

    def __init__(self, message: str, outcome: Any, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.outcome = outcome
