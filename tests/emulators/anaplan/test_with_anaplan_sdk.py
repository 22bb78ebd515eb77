"""The emulator, unchanged, serves an independent public client: `anaplan-sdk` (PyPI, unofficial, Apache-2.0).

Only the SDK's public API is used. The SDK has no base-URL option: `https://auth.anaplan.com` and
`https://api.anaplan.com` are literals in its source. Two documented hooks point it at the emulator:

- `**httpx_kwargs` of `anaplan_sdk.Client` ("additional keyword arguments to pass to the httpx2.Client")
  carries `transport=`, a transport that sends requests for those two hosts to the emulator over real
  HTTP and fails the test on any other host, so nothing can leave the machine.
- The SDK makes its *first* token with a private `httpx2.Client` that no hook reaches, so each client
  gets a stale `token=` together with its credentials. As documented for `token`, the SDK uses it until
  the API rejects it (401) and then authenticates with the credentials, through the client's
  transport. That is the SDK's own Basic / CACertificate login code, run against the emulator.

The one difference it found (GET /workspaces/{id} ignored tenantDetails) is fixed in the emulator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import pytest
from anaplan_sdk import Client

from ml_connector.emulators.anaplan import AnaplanEmulator
from ml_connector.emulators.common import RunningServer

ANAPLAN_HOSTS = {"auth.anaplan.com", "api.anaplan.com"}
# Never issued by the emulator: the first API call gets 401 and the SDK logs in with its credentials.
STALE_TOKEN = "token-from-an-earlier-session"


class EmulatorTransport(httpx2.BaseTransport):
    """Sends the SDK's requests for Anaplan's hosts to the emulator; any other host fails the test."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx2.URL(base_url)
        self._inner = httpx2.HTTPTransport()
        self.hosts_seen: set[str] = set()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        host = request.url.host
        if host not in ANAPLAN_HOSTS:
            raise AssertionError(f"anaplan-sdk called an unexpected host: {request.url}")
        self.hosts_seen.add(host)
        # A copy: the SDK's auth flow sends the same request object again after a 401.
        target = request.url.copy_with(scheme=self._base.scheme, host=self._base.host, port=self._base.port)
        headers = request.headers.copy()
        headers["Host"] = self._base.netloc.decode()
        forwarded = httpx2.Request(
            request.method, target, headers=headers, stream=request.stream, extensions=request.extensions
        )
        return self._inner.handle_request(forwarded)

    def close(self) -> None:
        self._inner.close()


@pytest.fixture()
def facts(served: tuple[AnaplanEmulator, RunningServer], emu: AnaplanEmulator) -> dict[str, Any]:
    """Connection facts of a freshly reset emulator."""
    return emu.facts(served[1].url)


@pytest.fixture()
def transport(facts: dict[str, Any]) -> Iterator[EmulatorTransport]:
    with EmulatorTransport(facts["base_url"]) as t:
        yield t


def sdk_client(facts: dict[str, Any], transport: EmulatorTransport, **credentials: Any) -> Client:
    """An SDK client for the first model; `credentials` are the SDK's own auth keyword arguments."""
    return Client(
        workspace_id=facts["workspace_id"],
        model_id=facts["model_id"],
        token=STALE_TOKEN,
        retry_count=1,  # surface an emulator error at once instead of retrying it
        status_poll_delay=0,  # emulator tasks take 0.05 s
        transport=transport,
        **credentials,
    )


@pytest.fixture()
def client(facts: dict[str, Any], transport: EmulatorTransport) -> Client:
    return sdk_client(facts, transport, user_email=facts["user"], password=facts["password"])


def auth_calls(facts: dict[str, Any]) -> dict[str, int]:
    """Responses of the emulator's token endpoint by status, from its admin stats."""
    stats = httpx.get(f"{facts['base_url']}/_emulator/stats", timeout=10).json()
    calls: dict[str, int] = stats["requests"].get("POST /token/authenticate", {})
    return calls


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_basic_auth_then_workspaces_models_and_actions(
    client: Client, facts: dict[str, Any], transport: EmulatorTransport
) -> None:
    workspaces = client.get_workspaces()
    assert [(w.id, w.name) for w in workspaces] == [(facts["workspace_id"], facts["workspace"])]
    assert auth_calls(facts) == {"201": 1}, "the stale token was replaced by one Basic login"
    assert transport.hosts_seen == ANAPLAN_HOSTS

    models = {m.name: m for m in client.get_models()}
    home = (facts["workspace_id"], facts["workspace"])
    assert {name: m.id for name, m in models.items()} == facts["models"]
    assert {(m.workspace_id, m.workspace_name) for m in models.values()} == {home}
    assert {m.name for m in client.get_models(only_in_workspace=True)} == set(facts["models"])
    assert client.get_model().name == facts["model"]

    imports = {i.name: i for i in client.get_imports()}
    exports = {e.name for e in client.get_exports()}
    files = {f.id: f.name for f in client.get_files()}
    assert {"Load GL Accounts", "Load Cost Centers", "Load Suppliers", "Load Actuals"} <= set(imports)
    assert {"Export Approved Budget", "Export Supplier List", "Export Actuals"} <= exports
    gl_import = imports["Load GL Accounts"]
    assert gl_import.file_id is not None
    assert files[gl_import.file_id] == "gl_accounts.csv"
    assert "Refresh Actuals" in {p.name for p in client.get_processes()}
    assert "Delete Inactive Suppliers" in {a.name for a in client.get_actions()}


def test_get_one_workspace_with_tenant_details(client: Client, facts: dict[str, Any]) -> None:
    workspace = client.get_workspace()

    assert workspace.name == facts["workspace"]
    assert workspace.size_allowance > 0


def test_upload_and_import_gl_accounts_then_read_list_items(client: Client) -> None:
    gl_import = next(i for i in client.get_imports() if i.name == "Load GL Accounts")
    assert gl_import.file_id is not None
    content = "Code,Name\n6600,Insurance\n6700,Training\n"

    task = client.upload_and_import(gl_import.file_id, content, gl_import.id)

    assert task.task_state == "COMPLETE"
    assert task.result is not None and task.result.successful
    gl_list = next(lst for lst in client.tr.get_lists() if lst.name == "GL Accounts")
    items = {item.code: item.name for item in client.tr.get_list_items(gl_list.id)}
    assert items["6600"] == "Insurance"
    assert items["6700"] == "Training"
    assert items["4000"] == "Product revenue", "seeded items stay"


def test_export_and_download_supplier_list(client: Client) -> None:
    export = next(e for e in client.get_exports() if e.name == "Export Supplier List")

    rows = read_csv(client.export_and_download(export.id))

    assert list(rows[0]) == ["Code", "Name", "Tax Id", "Payment Terms", "Status"]
    suppliers = next(lst for lst in client.tr.get_lists() if lst.name == "Suppliers")
    listed = {item.code: item.name for item in client.tr.get_list_items(suppliers.id)}
    assert {row["Code"]: row["Name"] for row in rows} == listed
    assert listed["S10001"] == "Great Lakes Steel Supply"


def test_certificate_auth_with_the_emulator_certificate(
    emu: AnaplanEmulator, facts: dict[str, Any], transport: EmulatorTransport
) -> None:
    client = sdk_client(
        facts,
        transport,
        certificate=emu.certificate.certificate_pem,
        private_key=emu.certificate.private_key_pem,
    )

    assert [w.id for w in client.get_workspaces()] == [facts["workspace_id"]]
    assert auth_calls(facts) == {"201": 1}, "the stale token was replaced by one certificate login"
