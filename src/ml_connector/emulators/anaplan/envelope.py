"""The Integration API's response envelope (`meta`, `status`, paging) and its token check."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ml_connector.emulators.anaplan.auth import Token
from ml_connector.emulators.anaplan.exceptions import ApiError, BadRequest
from ml_connector.emulators.anaplan.models import AnaplanBackend, ModelState

MAX_PAGE = 5000


def backend_of(request: Request) -> AnaplanBackend:
    backend: AnaplanBackend = request.app.state.backend
    return backend


def require_token(request: Request) -> Token:
    """The caller's live token from `AnaplanAuthToken <t>` or `Bearer <t>`, else 401."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    backend = backend_of(request)
    if scheme not in ("AnaplanAuthToken", "Bearer") or not value.strip():
        raise ApiError(401)
    with backend.lock:
        token = backend.tokens.live(value.strip())
    if token is None:
        # ASSUMPTION: an expired or logged-out token gets the Integration API's own 401 envelope.
        raise ApiError(401)
    return token


def model_of(request: Request, model_id: str) -> ModelState:
    """The model of a model-scoped path, checking the workspace in the `/workspaces/{ws}/models/{m}` form."""
    return backend_of(request).model(model_id, request.path_params.get("workspaceId"))


def schema_url(request: Request, kind: str, model_id: str | None = None) -> str:
    base = str(request.base_url).rstrip("/") + "/2/0"
    return f"{base}/models/{model_id}/objects/{kind}" if model_id else f"{base}/objects/{kind}"


def envelope(request: Request, kind: str, model_id: str | None = None, **payload: Any) -> dict[str, Any]:
    """`{meta: {schema}, status: {code: 200, message: Success}, **payload}`."""
    return {
        "meta": {"schema": schema_url(request, kind, model_id)},
        "status": {"code": 200, "message": "Success"},
        **payload,
    }


def paged(request: Request, kind: str, key: str, items: list[Any], model_id: str | None = None) -> dict[str, Any]:
    """One page of `items` under `key`, per `limit`/`offset`; an empty page leaves `key` out."""
    limit, offset = _int_param(request, "limit", MAX_PAGE), _int_param(request, "offset", 0)
    if limit < 1 or offset < 0:
        # ASSUMPTION: a non-positive limit or negative offset answers 400; no source shows the live answer or its
        # wording.
        raise BadRequest("limit must be positive and offset must not be negative")
    # ASSUMPTION: a limit above the maximum page size is cut to 5000 rather than refused.
    limit = min(limit, MAX_PAGE)
    page = items[offset : offset + limit]
    paging: dict[str, Any] = {"currentPageSize": len(page), "totalSize": len(items), "offset": offset}
    url = request.url
    if offset + limit < len(items):
        paging["next"] = str(url.include_query_params(limit=limit, offset=offset + limit))
    if offset > 0:
        paging["previous"] = str(url.include_query_params(limit=limit, offset=max(0, offset - limit)))
    body = envelope(request, kind, model_id)
    body["meta"]["paging"] = paging
    if page:
        body[key] = page
    return body


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        # ASSUMPTION: a non-numeric limit/offset answers 400 with this wording (undocumented).
        raise BadRequest(f"Invalid value for '{name}': {raw}") from None


def sort_items(
    request: Request, items: list[dict[str, Any]], strict: bool, sortable: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Apply `?sort=(+|-)field`. `strict` (workspaces, models) refuses a sort without its sign or, when
    `sortable` is given, on a field outside it; other lists ignore an unknown field."""
    sort = request.query_params.get("sort")
    if not sort:
        return items
    if sort[0] not in "+-":
        if strict:
            raise BadRequest(
                f"Bad sort order format: '{sort}'. Please follow (-){{column_name_1}},(+){{column_name_2}}.. format"
            )
        sort = "+" + sort
    field_name = sort[1:]
    if strict and sortable and field_name not in sortable:
        # Live Anaplan validates the field on these lists (OAS README, issue #161). ASSUMPTION: an unknown field
        # gets the second documented message; the README does not say which message goes with which mistake.
        raise BadRequest("Failed to parse sort parameter")
    if not items or field_name not in items[0]:
        return items
    # ASSUMPTION: values compare as strings; the docs do not say how live Anaplan orders mixed types.
    return sorted(items, key=lambda x: str(x.get(field_name)), reverse=sort[0] == "-")
