"""The HTTP adapter: the IDCS token endpoint and `/fscmRestApi/resources/{version}/...` over the backend.

Thin on purpose: it reads headers and query parameters, checks credentials, calls `OracleBackend` and
renders. Authentication is Basic (the seeded Fusion user) or a Bearer token from `/oauth2/v1/token`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from ml_connector.emulators.common import EmulatorKit
from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.balances import balance_rows
from ml_connector.emulators.oracle.batch import run_batch
from ml_connector.emulators.oracle.bulk_export import export_bulk_data, output_document
from ml_connector.emulators.oracle.describe import DESCRIBE_TYPE, describe
from ml_connector.emulators.oracle.exceptions import (
    OracleRestError,
    bad_request,
    fault_body,
    idcs_error,
    invalid_operation,
    not_found,
    render_error,
    unauthorized,
)
from ml_connector.emulators.oracle.journal_import import finish_due_jobs, import_bulk_data, job_item
from ml_connector.emulators.oracle.models import OracleBackend, Target
from ml_connector.emulators.oracle.rendering import (
    DEFAULT_LIMIT,
    View,
    parse_expand,
    parse_fields,
    render_collection,
    render_item,
)

VERSIONS = ("11.13.18.05", "latest")
ROOT = "/fscmRestApi/resources"
ITEM_TYPE = "application/vnd.oracle.adf.resourceitem+json"
COLLECTION_TYPE = "application/vnd.oracle.adf.resourcecollection+json"
BATCH_TYPE = "application/vnd.oracle.adf.batch+json"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The ADF operation behind each HTTP method, as named in "Invalid operation <op> ..." errors.
ADF_OPERATIONS = {"GET": "get", "POST": "create", "PATCH": "update", "DELETE": "delete"}


def _json(body: Any, status: int = 200, media_type: str = ITEM_TYPE, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body).encode(), status_code=status, media_type=media_type, headers=headers)


def framework_version(request: Request) -> int:
    """`REST-Framework-Version` (1 when absent); anything outside 1-9 is a 400."""
    raw = request.headers.get("REST-Framework-Version", "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 9:
        # ASSUMPTION: a version outside the documented 1-9 answers 400 with this wording; no source shows the live
        # answer.
        raise bad_request(f"The REST framework version {raw} is not supported.")
    return int(raw)


def _basic(header: str) -> tuple[str, str] | None:
    try:
        user, _, password = base64.b64decode(header, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    parts = assertion.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def add_routes(app: FastAPI, backend: OracleBackend, kit: EmulatorKit) -> None:
    """Mount the token endpoint and the REST resources on `app`."""
    creds = backend.credentials

    def caller(request: Request) -> str | Response:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic":
            pair = _basic(value.strip())
            if pair == (creds.user, creds.password):
                return creds.user
            return unauthorized(bearer=False)
        if scheme.lower() == "bearer":
            subject = backend.tokens.subject(value.strip()) or backend.trusted_issuers.subject(value.strip())
            # A client-signed JWT speaks for a user; ASSUMPTION: only the seeded Fusion user exists on this pod.
            if subject is not None and subject in (creds.user, creds.client_id):
                return subject
            return unauthorized(bearer=True)
        # ASSUMPTION: a missing or unknown Authorization scheme is answered like a failed Basic login.
        return unauthorized(bearer=False)

    @app.post("/oauth2/v1/token")
    async def token(request: Request) -> Response:
        kit.stats.record_auth()
        form = await request.form()
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        client = _basic(value.strip()) if scheme.lower() == "basic" else None
        if client is None:
            # ASSUMPTION: client credentials in the form body are accepted as well as in the Basic header (RFC 6749
            # 2.3.1 allows both; the docs show Basic).
            client = (str(form.get("client_id") or ""), str(form.get("client_secret") or ""))
        if client != (creds.client_id, creds.client_secret):
            # ASSUMPTION: IDCS answers a bad client with 401 invalid_client (RFC 6749 5.2); the description wording is
            # ours.
            return idcs_error(401, "invalid_client", "Client authentication failed.")
        grant, scope = str(form.get("grant_type") or ""), str(form.get("scope") or "")
        if grant not in ("client_credentials", JWT_BEARER):
            # ASSUMPTION: only the two documented server-to-server grants are emulated (no refresh-token or password
            # grant).
            return idcs_error(400, "unsupported_grant_type", f"Grant type {grant!r} is not supported.")
        # ASSUMPTION: the scope must name this pod's Fusion instance (the concatenated urn:opc scope).
        if creds.scope not in scope:
            return idcs_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        subject = creds.client_id
        if grant == JWT_BEARER:
            # ASSUMPTION: the assertion's signature is not checked (no trusted certificate is set up);
            # its subject must be the seeded Fusion user and it must not have expired.
            claims = _jwt_claims(str(form.get("assertion") or ""))
            if claims is None or str(claims.get("sub", "")).upper() != creds.user.upper():
                return idcs_error(400, "invalid_grant", "The JWT assertion is invalid.")
            if "exp" in claims and float(claims["exp"]) < backend.now().timestamp():
                return idcs_error(400, "invalid_grant", "The JWT assertion has expired.")
            subject = creds.user
        access = backend.tokens.issue(subject, scope)
        return _json(
            {"access_token": access, "token_type": "Bearer", "expires_in": backend.tokens.token_ttl},
            200,
            "application/json",
        )

    @app.get(ROOT)
    @app.get(ROOT + "/")
    def versions(request: Request) -> Response:
        base = str(request.base_url).rstrip("/") + ROOT
        items = [
            {
                "version": "11.13.18.05",
                "isLatest": True,
                "adf:extension": {
                    # ASSUMPTION: the version item carries a self link like other items. The default of 1 is documented
                    # (the doc's sample shows "3" for a pod configured otherwise).
                    "defaultFrameworkVersion": "1",
                    "allowedFrameworkVersions": [str(i) for i in range(1, 10)],
                },
                "links": [{"rel": "self", "href": f"{base}/11.13.18.05", "name": "11.13.18.05", "kind": "item"}],
            }
        ]
        return _json({"items": items}, media_type="application/json")

    def handle(request: Request, work: Callable[[int, str], Response]) -> Response:
        fv = 1
        try:
            fv = framework_version(request)
            who = caller(request)
            if isinstance(who, Response):
                return who
            wait = backend.admit()
            if wait is not None:
                text, media = fault_body(429)
                return Response(text, status_code=429, media_type=media, headers={"Retry-After": str(wait)})
            with backend.lock:
                finish_due_jobs(backend)
                return work(fv, who)
        except OracleRestError as err:
            return render_error(err, fv)

    @app.post(ROOT + "/{version}")
    async def batch(version: str, request: Request) -> Response:
        body = await request.body()

        def work(fv: int, who: str) -> Response:
            _check_version(version)
            if request.headers.get("Content-Type", "").split(";")[0].strip() != BATCH_TYPE:
                raise OracleRestError(415, f"Batch requests need Content-Type {BATCH_TYPE}.")  # ASSUMPTION
            status, out = run_batch(backend, _payload(body), View(framework=fv), _base(request, version), who)
            return _json(out, status, BATCH_TYPE)

        return handle(request, work)

    @app.api_route(ROOT + "/{version}/{path:path}", methods=["GET", "POST", "PATCH", "DELETE"])
    async def resource(version: str, path: str, request: Request) -> Response:
        body = await request.body()

        # Clients behind proxies that only pass GET and POST send PATCH/DELETE as an override header.
        method = request.method
        if method == "POST" and request.headers.get("X-HTTP-Method-Override", "").upper() in ("PATCH", "DELETE"):
            method = request.headers["X-HTTP-Method-Override"].upper()

        def work(fv: int, who: str) -> Response:
            _check_version(version)
            segments = [s for s in path.split("/") if s]
            base = _base(request, version)
            if segments and segments[0] == "erpintegrations":
                return _erp_integrations(backend, request, segments, body, fv, who)
            if len(segments) == 2 and segments[1] == "describe" and segments[0] in res.TOP_LEVEL:
                return _json(describe(res.TOP_LEVEL[segments[0]]), media_type=DESCRIBE_TYPE)
            target = backend.resolve(segments)
            href = f"{base}/{path.strip('/')}"
            if method == "GET":
                return _get(backend, request, target, href, fv)
            if method == "POST" and target.item is None:
                _check_json(request)
                upsert = request.headers.get("Upsert-Mode", "false").strip().lower() == "true"
                item, created = backend.create(target, _payload(body), upsert=upsert, user=who)
                item_href = f"{href}/{item.key}"
                view = View(framework=fv)
                headers = {"Location": item_href, "ETag": item.change_indicator}
                # ASSUMPTION: an upsert that updated an existing item answers 200, a create 201.
                return _json(render_item(item, item_href, view), 201 if created else 200, headers=headers)
            if method == "PATCH" and target.item is not None:
                _check_json(request)
                item = backend.update(target, _payload(body), if_match=request.headers.get("If-Match"), user=who)
                return _json(render_item(item, href, View(framework=fv)), headers={"ETag": item.change_indicator})
            if method == "DELETE" and target.item is not None:
                backend.delete(target)
                return Response(status_code=204)
            raise invalid_operation(ADF_OPERATIONS.get(method, method.lower()))

        return handle(request, work)


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        # ASSUMPTION: an unknown version segment answers 404 like any unknown URL.
        raise not_found()


def _base(request: Request, version: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{ROOT}/{version}"


def _check_json(request: Request) -> None:
    media = request.headers.get("Content-Type", "").split(";")[0].strip()
    if media not in ("application/json", ITEM_TYPE, "application/vnd.oracle.adf.action+json"):
        # ASSUMPTION: 415 is a documented status for media-type errors; the wording is ours.
        raise OracleRestError(415, f"The media type {media or '(none)'} is not supported.")


def _payload(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:
        # ASSUMPTION: a payload that is not JSON answers 400 with this wording (undocumented).
        raise bad_request("The request payload is not valid JSON.") from exc


def view_from(request: Request, spec: res.ResourceSpec, fv: int) -> View:
    """The `fields` / `expand` / `onlyData` the caller asked for (`fields` wins over `expand`)."""
    qp = request.query_params
    view = View(framework=fv, only_data=qp.get("onlyData", "false").lower() == "true")
    if "fields" in qp:
        view.fields = parse_fields(spec, qp["fields"])
    elif "expand" in qp:
        view.expand = parse_expand(spec, qp["expand"])
    return view


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        # ASSUMPTION: a non-numeric limit/offset answers 400, worded like the notes' sample q error.
        raise bad_request(f"URL request parameter {name} with value '{raw}' is invalid.")
    return int(raw)


def _get(backend: OracleBackend, request: Request, target: Target, href: str, fv: int) -> Response:
    view = view_from(request, target.spec, fv)
    if target.item is not None:
        return _json(render_item(target.item, href, view), headers={"ETag": target.item.change_indicator})
    qp = request.query_params
    finder = qp.get("finder")
    source = target.collection
    if target.spec is res.LEDGER_BALANCES:
        source, finder = balance_rows(backend, finder), None
    rows = backend.select(
        target.spec,
        source,
        q=qp.get("q"),
        finder=finder,
        order_by=qp.get("orderBy"),
        framework=fv,
    )
    # Over-limit values are capped silently, as documented ("only the first 499/500 are returned").
    # ASSUMPTION: limit=0 is read as 1.
    limit = max(1, min(_int_param(request, "limit", DEFAULT_LIMIT), backend.quirks.limit_cap))
    offset = _int_param(request, "offset", 0)
    total = qp.get("totalResults", "false").lower() == "true"
    body = render_collection(rows, href, view, limit, offset, total_results=total, quirks=backend.quirks)
    return _json(body, media_type=COLLECTION_TYPE)


def _erp_integrations(
    backend: OracleBackend, request: Request, segments: list[str], body: bytes, fv: int, who: str
) -> Response:
    base = str(request.url).split("?")[0]
    if request.method == "POST" and len(segments) == 1:
        _check_json(request)
        payload = _payload(body)
        operation = payload.get("OperationName") if isinstance(payload, dict) else None
        if operation not in ("importBulkData", "exportBulkData"):
            # ASSUMPTION: only importBulkData and exportBulkData are emulated; other operations
            # (submitESSJobRequest, uploadFileToUCM) answer 400.
            raise bad_request("OperationName must be importBulkData or exportBulkData.", path="OperationName")
        assert isinstance(payload, dict)  # noqa: S101 - checked just above
        job = (
            export_bulk_data(backend, payload)
            if operation == "exportBulkData"
            else import_bulk_data(backend, payload, who)
        )
        out = {k: payload.get(k) for k in res.ERP_INTEGRATIONS.attrs}
        # ASSUMPTION: the 201 echoes the request attributes with ReqstId set and the (large) DocumentContent blanked.
        out.update({"ReqstId": job["ReqstId"], "DocumentContent": None})
        return _json(out, 201, headers={"Location": f"{base}/{operation}"})
    if request.method != "GET" or len(segments) != 1:
        raise invalid_operation(ADF_OPERATIONS.get(request.method, request.method.lower()))
    finder = request.query_params.get("finder", "")
    name, _, rest = finder.partition(";")
    variables = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
    if name not in ("ESSJobStatusRF", "ESSJobExecutionDetailsRF") or not variables.get("requestId", "").isdigit():
        # ASSUMPTION: any other finder, or a non-numeric requestId, answers 400; an unknown requestId answers an empty
        # collection.
        raise bad_request(f"URL request parameter finder with value '{finder}' is invalid.")
    found = backend.jobs.get(int(variables["requestId"]))
    items = []
    if found is not None:
        details = name == "ESSJobExecutionDetailsRF"
        file_type = variables.get("fileType", "LOG").upper()
        item = job_item(found, with_log=details, file_type=file_type)
        if details and file_type in ("OUT", "ALL") and found.get("output") is not None:
            # ASSUMPTION: OUT (and ALL) answer the job's output zip, the file exportBulkData uploads to UCM.
            item["DocumentContent"] = output_document(backend, found)
            item["FileName"] = found.get("output_name")
        items.append(item)
    listing: dict[str, Any] = {
        "items": items,
        "count": len(items),
        "hasMore": False,
        "limit": DEFAULT_LIMIT,
        "offset": 0,
    }
    if request.query_params.get("onlyData", "false").lower() != "true":
        listing["links"] = [{"rel": "self", "href": base, "name": "erpintegrations", "kind": "collection"}]
    return _json(listing, media_type=COLLECTION_TYPE)
