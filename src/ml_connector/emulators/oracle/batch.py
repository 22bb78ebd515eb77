"""The batch endpoint: `POST /fscmRestApi/resources/{version}` with `application/vnd.oracle.adf.batch+json`.

Parts run in order inside one transaction. All or none: if a part fails, nothing is kept and the answer
lists only the failing part ("only the part containing the error is listed in the response").
"""

from __future__ import annotations

from typing import Any

from ml_connector.emulators.oracle.exceptions import OracleRestError, bad_request, error_payload, invalid_operation
from ml_connector.emulators.oracle.models import OracleBackend
from ml_connector.emulators.oracle.rendering import DEFAULT_LIMIT, View, render_collection, render_item

OPERATIONS = ("get", "create", "update", "replace", "delete", "upsert")


class _PartFailed(Exception):
    def __init__(self, part: dict[str, Any], error: OracleRestError) -> None:
        super().__init__(error.detail)
        self.part, self.error = part, error


def _run_part(backend: OracleBackend, part: Any, view: View, base: str, user: str) -> dict[str, Any]:
    if not isinstance(part, dict) or part.get("operation") not in OPERATIONS or not part.get("path"):
        # ASSUMPTION: a malformed part fails the batch with 400 and this wording (undocumented).
        raise bad_request("Each part needs an id, a path and an operation (get, create, update, replace, delete).")
    path = str(part["path"]).split("?")[0].strip("/")
    for prefix in ("fscmRestApi/resources/11.13.18.05/", "fscmRestApi/resources/latest/"):
        path = path.removeprefix(prefix)
    target = backend.resolve(path.split("/"))
    href = f"{base}/{path}"
    operation = part["operation"]
    out: dict[str, Any] = {"id": part.get("id"), "path": part["path"], "operation": operation}
    if operation == "get":
        if target.item is not None:
            out["payload"] = render_item(target.item, href, view)
        else:
            out["payload"] = render_collection(target.collection, href, view, DEFAULT_LIMIT, 0)
    elif operation in ("create", "upsert") and target.item is None:
        item, _ = backend.create(target, part.get("payload") or {}, upsert=operation == "upsert", user=user)
        out["payload"] = render_item(item, f"{href}/{item.key}", view)
    elif operation in ("update", "replace") and target.item is not None:
        if_match = part.get("ifMatch")
        item = backend.update(target, part.get("payload") or {}, if_match=if_match, user=user)
        if if_match is not None:
            # ASSUMPTION: a part may carry "ifMatch"; a part that passed it reports preconditionSucceeded (ADF batch
            # field name, not in our notes).
            out["preconditionSucceeded"] = True
        out["payload"] = render_item(item, href, view)
    elif operation == "delete" and target.item is not None:
        backend.delete(target)
    else:
        raise invalid_operation(operation)
    return out


def run_batch(backend: OracleBackend, body: Any, view: View, base: str, user: str) -> tuple[int, dict[str, Any]]:
    """Run every part or none; (HTTP status, response body)."""
    if not isinstance(body, dict) or not isinstance(body.get("parts"), list):
        # ASSUMPTION: a body without parts answers 400 with this wording (undocumented).
        raise bad_request("The batch request body must be an object with a parts array.")
    try:
        with backend.transaction():
            results = []
            for part in body["parts"]:
                try:
                    results.append(_run_part(backend, part, view, base, user))
                except OracleRestError as err:
                    raise _PartFailed(part if isinstance(part, dict) else {}, err) from err
    except _PartFailed as failed:
        # ASSUMPTION: the failed batch answers with the error part's status (400 for validation) and the
        # part carries the framework-4 style error object under "exception".
        part = failed.part
        failure = {"id": part.get("id"), "path": part.get("path"), "operation": part.get("operation")}
        failure["exception"] = error_payload(failed.error)
        return failed.error.status, {"parts": [failure]}
    return 200, {"parts": results}
