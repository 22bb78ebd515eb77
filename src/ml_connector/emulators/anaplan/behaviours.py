"""The Anaplan emulator's conformance list (see `emulators/common/conformance.py`); sources are anaplan.md sections.
`probe_client(url)` logs in with Basic auth as the seeded user and sends `AnaplanAuthToken`."""

from __future__ import annotations

import httpx

from ml_connector.emulators.anaplan.app import DEFAULT_PASSWORD, DEFAULT_USER
from ml_connector.emulators.common.conformance import Behaviour, expect


def probe_client(url: str) -> httpx.Client:
    answer = httpx.post(f"{url}/token/authenticate", auth=(DEFAULT_USER, DEFAULT_PASSWORD), timeout=30)
    token = answer.json()["tokenInfo"]["tokenValue"]
    return httpx.Client(base_url=url, headers={"Authorization": f"AnaplanAuthToken {token}"}, timeout=30)


def _model(c: httpx.Client) -> tuple[str, str]:
    model = c.get("/2/0/models").json()["models"][0]
    return str(model["currentWorkspaceId"]), str(model["id"])


def _envelope(c: httpx.Client) -> None:
    body = c.get("/2/0/users/me").json()
    expect(body["status"]["code"] == 200 and "schema" in body["meta"], "meta/status envelope")
    expect(bool(body["user"].get("lastLoginDate")), "users/me carries lastLoginDate")


def _workspace_model_405(c: httpx.Client) -> None:
    ws, model = _model(c)
    expect(c.get(f"/2/0/workspaces/{ws}/models/{model}").status_code == 405, "use /models/{m}")


def _sort_needs_sign(c: httpx.Client) -> None:
    answer = c.get("/2/0/models", params={"sort": "name"})
    expect(answer.status_code == 400 and "Bad sort order format" in answer.text, "sort without +/- is a 400")


def _export_file(c: httpx.Client) -> None:
    ws, model = _model(c)
    exports = c.get(f"/2/0/workspaces/{ws}/models/{model}/exports").json()["exports"]
    files = {f["id"]: f["name"] for f in c.get(f"/2/0/workspaces/{ws}/models/{model}/files").json()["files"]}
    expect(all(files.get(e["id"]) == e["name"] for e in exports), "export file: same id and name as the export")


def _read_request(c: httpx.Client) -> None:
    ws, model = _model(c)
    lists = c.get(f"/2/0/workspaces/{ws}/models/{model}/lists").json()["lists"]
    path = f"/2/0/workspaces/{ws}/models/{model}/lists/{lists[0]['id']}/readRequests"
    request_id = c.post(path).json()["listReadRequest"]["requestId"]
    status = c.get(f"{path}/{request_id}").json()["listReadRequest"]
    expect(status["requestState"] == "COMPLETE" and status["availablePages"] >= 1, "read request completes")
    page = c.get(f"{path}/{request_id}/pages/0")
    expect(page.headers["content-type"].startswith("text/csv"), "pages are CSV")
    c.delete(f"{path}/{request_id}")


def _line_item_dimensions(c: httpx.Client) -> None:
    ws, model = _model(c)
    item = c.get(f"/2/0/models/{model}/lineItems").json()["items"][0]
    dims = c.get(f"/2/0/workspaces/{ws}/models/{model}/lineItems/{item['id']}/dimensions").json()["dimensions"]
    expect(len(dims) >= 1 and {"id", "name"} <= set(dims[0]), "line-item dimensions")


def _list_parent(c: httpx.Client) -> None:
    ws, model = _model(c)
    path = f"/2/0/workspaces/{ws}/models/{model}/lists"
    lists = {x["name"]: x["id"] for x in c.get(path).json()["lists"]}
    meta = c.get(f"{path}/{lists['GL Accounts']}").json()["metadata"]
    expect(meta.get("parent") == {"id": lists["Account Groups"], "name": "Account Groups"}, "a list names its parent")


def _oauth_reuse(c: httpx.Client) -> None:
    answer = c.post("/oauth/token", data={"grant_type": "refresh_token", "client_id": "x", "refresh_token": "y"})
    expect(answer.status_code in (400, 401) and "error" in answer.json(), "OAuth errors use RFC 6749 bodies")


BEHAVIOURS = [
    Behaviour(
        "Integration API answers carry meta/status; users/me has lastLoginDate",
        "anaplan.md 1.3 and 2.1; anaplan-sdk User model",
        _envelope,
    ),
    Behaviour("GET /workspaces/{ws}/models/{m} answers 405", "anaplan.md 2.1 (OAS README)", _workspace_model_405),
    Behaviour("sort on /models needs its +/- sign", "anaplan.md 1.3 (sort errors)", _sort_needs_sign),
    Behaviour("An export's output file has the export's id and name", "anaplan.md 2.2 and 2.4", _export_file),
    Behaviour("Large list read requests complete and serve CSV pages", "anaplan.md 5.1 (readRequests)", _read_request),
    Behaviour(
        "Line items list their dimensions",
        "anaplan.md 5.3; anaplan-sdk get_line_item_dimensions",
        _line_item_dimensions,
    ),
    Behaviour("OAuth token errors are RFC 6749 bodies", "anaplan.md 4", _oauth_reuse),
    Behaviour(
        "A list's metadata names its parent list (the level above it in the hierarchy)",
        "anaplan.md 5.1 (GET lists/{l}: parent {id, name}); HELP examples of imports into lists",
        _list_parent,
    ),
]
