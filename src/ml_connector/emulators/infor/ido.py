"""CSI Mongoose IDO REST v2 routes: `ido/load/{IDO}`, `ido/update/{IDO}`, `ido/info/{IDO}`, `configurations`.

Through the ION API every call needs `X-Infor-MongooseConfig` (infor.md 3.1). One configuration per
site, `{ti}_{site}`, sees that site's rows; the configuration named as the tenant sees every site
(ASSUMPTION: a convenience for a company-wide reader; real tenants may have one per site only).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ml_connector.emulators.infor.exceptions import IdoError, ido_error
from ml_connector.emulators.infor.filters import FilterError, compare_values, parse_filter
from ml_connector.emulators.infor.ido_views import VIEWS, IdoView, Row, item_id
from ml_connector.emulators.infor.ido_writes import apply_changes
from ml_connector.emulators.infor.models import InforBackend

CONFIG_HEADER = "x-infor-mongooseconfig"


def ido_router(tenant: str, backend: InforBackend) -> APIRouter:
    """Routes of the CSI product line under `/{ti}/CSI/IDORequestService/ido`."""
    router = APIRouter(prefix=f"/{tenant}/CSI/IDORequestService/ido")
    configs = {f"{tenant}_{code}": {code} for code in backend.division_codes()} | {
        tenant: set(backend.division_codes())
    }

    def sites(request: Request) -> tuple[str, set[str]]:
        name = request.headers.get(CONFIG_HEADER, "")
        if not name:
            # ASSUMPTION: a missing or unknown configuration answers Success false (HTTP 200) with our wording; the
            # header being required is documented.
            raise IdoError("The X-Infor-MongooseConfig header is required when calling through the ION API.")
        if name not in configs:
            raise IdoError(f"Configuration {name} does not exist.")
        return name, configs[name]

    def view(ido: str) -> IdoView:
        if ido not in VIEWS:
            raise IdoError(f"IDO {ido} does not exist.")
        return VIEWS[ido]

    @router.get("/configurations")
    def configurations() -> dict[str, Any]:
        # ASSUMPTION: the configurations list comes under "Configurations"; the guide names the endpoint, not its
        # body.
        return {"Message": None, "Success": True, "Configurations": sorted(configs)}

    @router.get("/load/{ido}")
    def load(ido: str, request: Request) -> Response:
        try:
            _, site_set = sites(request)
            return JSONResponse(_load(backend, view(ido), site_set, dict(request.query_params)))
        except IdoError as exc:
            return ido_error(exc, load=True)

    @router.get("/info/{ido}")
    def info(ido: str, request: Request) -> Response:
        try:
            sites(request)
            v = view(ido)
        except IdoError as exc:
            return ido_error(exc, load=True)
        props = [
            # ASSUMPTION: every property is described as a writable String (the emulator does not model types); keys
            # are required.
            {"Name": p, "DataType": "String", "ClrTypeName": "String", "Required": p in v.keys, "ReadOnly": False}
            for p in v.properties
        ]
        body = {"Message": None, "Success": True, "Keys": list(v.keys), "Properties": props, "SubCollections": []}
        return JSONResponse(body)

    @router.post("/update/{ido}")
    async def update(ido: str, request: Request) -> Response:
        try:
            _, site_set = sites(request)
            v = view(ido)
            try:
                body = await request.json()
            except ValueError:
                raise IdoError("Request body is not valid JSON.") from None
            refresh = request.query_params.get("refresh", "false").lower() == "true"
            refreshed = apply_changes(backend, v, site_set, body)
        except IdoError as exc:
            return ido_error(exc, load=False)
        # "Delete returns RefreshItems: null"; nothing to refresh answers null as well.
        # ASSUMPTION: without refresh=true the answer carries RefreshItems null.
        items = refreshed if refresh and refreshed else None
        return JSONResponse({"Message": None, "Success": True, "RefreshItems": items})

    return router


_ORDER = re.compile(r"^\s*(\w+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)
_BOOKMARK_VALUE = re.compile(r"<v>(.*?)</v>")


def _load(backend: InforBackend, view: IdoView, sites: set[str], params: dict[str, str]) -> dict[str, Any]:
    props = _properties(view, params.get("properties", ""))
    try:
        # GETDATE() and DATEADD() are the functions the IDO guide allows in a filter.
        predicate = parse_filter(params.get("filter", ""), view.properties, backend.clock)
    except FilterError as exc:
        raise IdoError(f"IllegalFilterException: {exc}") from None
    order = _order(view, params.get("orderby", ""))
    cap = _record_cap(params.get("recordcap", "-1"))
    with backend.lock:
        rows = [r for r in view.rows(backend, sites) if predicate(r)]
    rows = _sorted(rows, order)
    load_type = params.get("loadtype", "FIRST").upper()
    mark = params.get("bookmark", "")
    # ASSUMPTION: NEXT/PREV read the documented bookmark's <L>/<F> values as the anchor (keys appended to orderby);
    # NEXT/PREV without a bookmark act as FIRST, LAST returns the final recordcap rows.
    if load_type in ("NEXT", "PREV") and mark:
        part = re.search(r"<L>(.*?)</L>" if load_type == "NEXT" else r"<F>(.*?)</F>", mark)
        if part is None:
            raise IdoError("Invalid bookmark.")
        values = [_unescape(v) for v in _BOOKMARK_VALUE.findall(part.group(1))]
        anchor = [(p, v) for (p, _), v in zip(order, values, strict=False)]
        wanted = 1 if load_type == "NEXT" else -1
        rows = [r for r in rows if _position(r, anchor, order) == wanted]
    more = bool(cap) and len(rows) > cap
    if cap and load_type in ("LAST", "PREV"):
        page = rows[-cap:]
        more = len(rows) > cap
    else:
        page = rows[:cap] if cap else rows
    readonly = params.get("readonly", "false").lower() == "true"
    items = []
    for row in page:
        item = {p: row.get(p, "") for p in props}
        if not readonly:
            item["_ItemId"] = item_id(view, row)
        items.append(item)
    bookmark = _bookmark(order, page[0], page[-1]) if page else None
    return {"Items": items, "Bookmark": bookmark, "MoreRowsExist": more, "Success": True, "Message": None}


def _properties(view: IdoView, text: str) -> list[str]:
    if not text.strip() or text.strip() == "*":
        return list(view.properties)
    names = {p.lower(): p for p in view.properties}
    out = []
    for name in (n.strip() for n in text.split(",") if n.strip()):
        if name.lower() not in names:
            # ASSUMPTION: property names match case-insensitively and an unknown one fails the load (Success false,
            # our wording).
            raise IdoError(f"Property {name} is not a valid property of {view.name}.")
        out.append(names[name.lower()])
    return out


def _order(view: IdoView, text: str) -> list[tuple[str, bool]]:
    names = {p.lower(): p for p in view.properties}
    order: list[tuple[str, bool]] = []
    for part in (p for p in text.split(",") if p.strip()):
        match = _ORDER.match(part)
        if not match or match.group(1).lower() not in names:
            raise IdoError(f"Invalid orderby {part.strip()!r} for {view.name}.")
        order.append((names[match.group(1).lower()], (match.group(2) or "").upper() == "DESC"))
    # The keys go last so the order is total and a bookmark names exactly one row.
    order += [(k, False) for k in view.keys if k not in {p for p, _ in order}]
    return order


def _record_cap(text: str) -> int:
    try:
        cap = int(text)
    except ValueError:
        # ASSUMPTION: a non-numeric recordcap fails the load (undocumented).
        raise IdoError(f"Invalid recordcap {text!r}.") from None
    # "-1 returns 200 records. 0 returns all records. Any other number specifies the number of records."
    return 200 if cap < 0 else cap


def _sorted(rows: list[Row], order: list[tuple[str, bool]]) -> list[Row]:
    for prop, desc in reversed(order):
        rows = _stable_sort(rows, prop, desc)
    return rows


def _stable_sort(rows: list[Row], prop: str, desc: bool) -> list[Row]:
    def cmp(a: Row, b: Row) -> int:
        return compare_values(a.get(prop, ""), b.get(prop, ""))

    return sorted(rows, key=functools.cmp_to_key(cmp), reverse=desc)


def _position(row: Row, anchor: list[tuple[str, str]], order: list[tuple[str, bool]]) -> int:
    """1 if `row` sorts after the anchor values, -1 if before, 0 if it is the anchor row."""
    for (prop, value), (_, desc) in zip(anchor, order, strict=False):
        c = compare_values(row.get(prop, ""), value)
        if c:
            return -c if desc else c
    return 0


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _bookmark(order: list[tuple[str, bool]], first: Row, last: Row) -> str:
    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    props = "".join(f"<p>{p}</p>" for p, _ in order)
    desc = "".join(f"<f>{'true' if d else 'false'}</f>" for _, d in order)
    f_vals = "".join(f"<v>{esc(first.get(p, ''))}</v>" for p, _ in order)
    l_vals = "".join(f"<v>{esc(last.get(p, ''))}</v>" for p, _ in order)
    return f"<B><P>{props}</P><D>{desc}</D><F>{f_vals}</F><L>{l_vals}</L></B>"
