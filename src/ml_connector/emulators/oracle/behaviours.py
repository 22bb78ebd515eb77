"""The Oracle emulator's conformance list (see `emulators/common/conformance.py`); sources are oracle.md sections
and Oracle's own pages. `probe_client(url)` gives a client logged in as the seeded Fusion user (Basic)."""

from __future__ import annotations

import base64

import httpx

from ml_connector.emulators.common.conformance import Behaviour, expect
from ml_connector.emulators.oracle.tokens import Credentials

REST = "/fscmRestApi/resources/11.13.18.05"
V2 = {"REST-Framework-Version": "2"}


def probe_client(url: str) -> httpx.Client:
    creds = Credentials()
    auth = base64.b64encode(f"{creds.user}:{creds.password}".encode()).decode()
    return httpx.Client(base_url=url, headers={"Authorization": f"Basic {auth}"}, timeout=30)


def _currency_rates(c: httpx.Client) -> None:
    q = "ToCurrency='USD' and UserConversionType='Spot'"
    items = c.get(f"{REST}/currencyRates", params={"q": q, "onlyData": "true"}, headers=V2).json()["items"]
    expect(len(items) == 1 and items[0]["FromCurrency"] == "EUR", "currencyRates filters by q")
    expect({"ConversionDate", "ConversionRate", "ConversionType"} <= set(items[0]), "a daily rate's attributes")


def _tree_nodes(c: httpx.Client) -> None:
    q = "TreeStructureCode='GL_ACCT_FLEX' and TreeCode='ACME_EU_ACCOUNT_HIERARCHY' and ParentPk1Value='OPEX'"
    items = c.get(f"{REST}/fndTreeNodes", params={"q": q, "onlyData": "true"}, headers=V2).json()["items"]
    expect({i["Pk1StartValue"] for i in items} >= {"6000", "6100"}, "fndTreeNodes lists the children of a parent")
    expect(all(i["Depth"] == 2 and i["ParentTreeNodeId"] for i in items), "a child node names its parent node")


def _collection_envelope(c: httpx.Client) -> None:
    body = c.get(f"{REST}/suppliers", params={"limit": "2"}).json()
    expect({"items", "count", "hasMore", "limit", "offset"} <= set(body), "collection envelope keys")
    expect(body["count"] == 2 and body["hasMore"] is True, "count is the page size, hasMore true")


def _journal_errors_and_logs(c: httpx.Client) -> None:
    batch = c.get(f"{REST}/journalBatches", params={"limit": "1", "onlyData": "true"}).json()["items"][0]
    for child in ("journalErrors", "journalActionLogs"):
        answer = c.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/{child}")
        expect(answer.status_code == 200 and "items" in answer.json(), f"{child} is a collection")


def _qbe_star(c: httpx.Client) -> None:
    items = c.get(f"{REST}/suppliers", params={"q": "Supplier LIKE 'Rhein*'"}).json()["items"]
    expect([i["Supplier"] for i in items] == ["Rheinstahl Werkstoffe GmbH"], "v1 * wildcard matches")


def _v1_form_fails_under_v2(c: httpx.Client) -> None:
    answer = c.get(f"{REST}/suppliers", params={"q": "SupplierNumber=5004;Supplier=x"}, headers=V2)
    expect(answer.status_code == 400, "v1 ';' form under v2 is a 400")
    ok = c.get(f"{REST}/suppliers", params={"q": "SupplierNumber='5004' or SupplierNumber='5005'"}, headers=V2)
    expect(ok.status_code == 200 and ok.json()["count"] == 2, "v2 or-expression")


def _unknown_field_fails(c: httpx.Client) -> None:
    expect(c.get(f"{REST}/invoices", params={"fields": "InvoiceId,Nope"}).status_code == 400, "unknown field 400")


def _documented_attributes(c: httpx.Client) -> None:
    described = c.get(f"{REST}/invoices/describe").json()["Resources"]["invoices"]["attributes"]
    names = {a["name"] for a in described}
    expect({"PurchaseOrderNumber", "InvoiceReceivedDate", "PayGroup"} <= names, "invoices attributes described")
    answer = c.get(f"{REST}/payablesPayments", params={"fields": "CheckId,PaperDocumentNumber", "limit": "1"})
    expect(answer.status_code == 200, "payablesPayments PaperDocumentNumber in fields=")


def _supplier_attributes(c: httpx.Client) -> None:
    supplier = c.get(f"{REST}/suppliers", params={"limit": "1", "fields": "SupplierId"}).json()["items"][0]
    fields = "SupplierId,CreationSourceCode,RegistryId;sites:SitePurposePrimaryPayFlag,PayGroup;contacts:MobileNumber"
    answer = c.get(f"{REST}/suppliers/{supplier['SupplierId']}", params={"fields": fields})
    expect(answer.status_code == 200, "supplier, site and contact attributes of a live pod in fields=")
    described = c.get(f"{REST}/suppliers/describe").json()["Resources"]["suppliers"]["children"]
    expect(
        {"AddressPurposeRFQOrBiddingFlag", "Status"} <= {a["name"] for a in described["addresses"]["attributes"]},
        "addresses describe their documented attributes",
    )


def _site_assignments(c: httpx.Client) -> None:
    supplier = c.get(f"{REST}/suppliers", params={"expand": "sites", "onlyData": "true", "limit": "1"}).json()
    first = supplier["items"][0]
    answer = c.get(f"{REST}/suppliers/{first['SupplierId']}/child/sites", params={"expand": "assignments"})
    expect(answer.status_code == 200, "sites?expand=assignments answers")
    assignments = answer.json()["items"][0]["assignments"]
    expect(bool(assignments) and "BillToBUId" in assignments[0], "each site lists its business unit assignments")


def _no_journal_create(c: httpx.Client) -> None:
    answer = c.post(f"{REST}/journalBatches", json={"BatchName": "x"})
    expect(answer.status_code in (400, 405), "POST journalBatches is refused")


def _client_credentials(c: httpx.Client) -> None:
    creds = Credentials()
    answer = httpx.post(
        str(c.base_url.join("/oauth2/v1/token")),
        data={"grant_type": "client_credentials", "scope": creds.scope},
        auth=(creds.client_id, creds.client_secret),
    ).json()
    expect(answer["token_type"] == "Bearer" and answer["expires_in"] == 3600, "IDCS token answer")  # noqa: S105


def _ess_status_unknown(c: httpx.Client) -> None:
    body = c.get(f"{REST}/erpintegrations", params={"finder": "ESSJobStatusRF;requestId=1"}).json()
    expect(body["items"] == [] and body["count"] == 0, "unknown request lists nothing")


def _export_bulk_data(c: httpx.Client) -> None:
    body = {
        "OperationName": "exportBulkData",
        "JobName": "/oracle/apps/ess/custom/mlconnector,JournalLinesExtract",
        "ParameterList": "#NULL,#NULL,#NULL",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
    }
    answer = c.post(f"{REST}/erpintegrations", json=body)
    expect(answer.status_code == 201 and str(answer.json()["ReqstId"]).isdigit(), "exportBulkData answers ReqstId")
    finder = {"finder": f"ESSJobStatusRF;requestId={answer.json()['ReqstId']}"}
    state = c.get(f"{REST}/erpintegrations", params=finder).json()["items"][0]["RequestStatus"]
    expect(state in ("RUNNING", "SUCCEEDED"), "the extract is an ESS job with a RequestStatus")


BEHAVIOURS = [
    Behaviour(
        "A collection answers items, count, hasMore, limit and offset",
        "oracle.md 1.4 (collection response shape)",
        _collection_envelope,
    ),
    Behaviour(
        "q under framework v1 is query by example; '*' is the wildcard",
        "Oracle Business Object REST API, Framework Versions (v1: query-by-example); oracle.md 2.3",
        _qbe_star,
    ),
    Behaviour(
        "q under v2+ is an expression; the v1 ';' form is a 400",
        "oracle.md 1.2 and 1.5 (v1 vs v2+ q grammars)",
        _v1_form_fails_under_v2,
    ),
    Behaviour(
        "An unknown attribute in fields= fails the whole request",
        "oracle.md 1.5 (fields) and 1.7 (400 on bad input)",
        _unknown_field_fails,
    ),
    Behaviour(
        "invoices and payablesPayments carry their documented attributes; describe lists them",
        "Oracle REST API for Financials op-invoices-get, op-payablespayments-get (oracle.md 5)",
        _documented_attributes,
    ),
    Behaviour(
        "suppliers, addresses, sites and contacts carry the attributes live pods answer; describe lists them",
        "Oracle REST API for Procurement api-suppliers; live captures in dgatti/mule_solutions (suppliers, addresses) "
        "and leon8303-802951/OracleSupplier SupplierSiteReturnModel.cs (sites); contacts POST schema",
        _supplier_attributes,
    ),
    Behaviour(
        "Supplier sites have their business unit assignments (child assignments, expandable)",
        "Oracle REST API for Procurement, Suppliers/Sites/Site Assignments; attribute list from a live capture in "
        "leon8303-802951/OracleSupplier SupplierAssignmentReturnModel.cs",
        _site_assignments,
    ),
    Behaviour(
        "journalBatches has the journalErrors and journalActionLogs children",
        "Oracle REST API for Financials, Journal Batches/Errors and Journal Batches/Action Logs (oracle.md 2.2)",
        _journal_errors_and_logs,
    ),
    Behaviour(
        "journalBatches has no POST create",
        "oracle.md 2.1 (journalBatches: only GET/PATCH/DELETE listed)",
        _no_journal_create,
    ),
    Behaviour(
        "The IDCS token endpoint answers client credentials with a 3600 s Bearer token",
        "oracle.md 6 (Retrieve Bearer Token Using IDCS)",
        _client_credentials,
    ),
    Behaviour(
        "ESSJobStatusRF for an unknown request lists nothing",
        "oracle.md 2.5 (erpintegrations finders)",
        _ess_status_unknown,
    ),
    Behaviour(
        "currencyRates lists the General Ledger daily rates",
        "docs.oracle.com financials farfa op-currencyrates-get (Get all currency rates)",
        _currency_rates,
    ),
    Behaviour(
        "exportBulkData submits an ESS job whose output zip comes from ESSJobExecutionDetailsRF (fileType=OUT)",
        "Oracle REST API for Financials, Export Financials Data (exportBulkData); oracle.md 2.5 and 2.6",
        _export_bulk_data,
    ),
    Behaviour(
        "fndTreeNodes holds the account hierarchies, node by node with the parent value",
        "blogs.clarityconsulting.no 2026-03-06 (GL Account Hierarchies with REST API); FND_TREE_NODE columns",
        _tree_nodes,
    ),
]
