"""The same gateway behaviours and write-retry story on each product line (M3, CSI, FSM)."""

from __future__ import annotations

import httpx
import pytest

from tests.emulators.infor.conftest import TI, Infor

CSI_HEADERS = {"X-Infor-MongooseConfig": f"{TI}_US1"}
READS = {
    "M3": ("/M3/m3api-rest/v2/execute/CRS630MI/LstAccountID;maxrecs=1", {"AITP": "1"}, {}),
    "CSI": ("/CSI/IDORequestService/ido/load/SLCharts", {"recordcap": "1"}, CSI_HEADERS),
    "FSM": ("/FSM/fsm/soap/classes/GeneralLedgerChartAccount/lists/_generic", {"_limit": "1"}, {}),
}


def read(infor: Infor, product: str) -> httpx.Response:
    path, params, headers = READS[product]
    return infor.api.get(path, params=params, headers=headers)


@pytest.mark.parametrize("product", READS)
def test_expired_token_then_fresh_login(infor: Infor, product: str) -> None:
    infor.authorize()
    assert read(infor, product).status_code == 200
    infor.admin.post("/_emulator/expire-tokens").raise_for_status()  # no sleeping on the clock: expire it now
    assert read(infor, product).status_code == 401
    infor.authorize()
    assert read(infor, product).status_code == 200


@pytest.mark.parametrize("product", READS)
def test_429_storm_then_success(infor: Infor, product: str) -> None:
    infor.admin.put("/_emulator/faults", json={"next_429": 5, "retry_after_seconds": 1}).raise_for_status()
    codes = [read(infor, product).status_code for _ in range(6)]
    assert codes == [429] * 5 + [200]
    stats = infor.admin.get("/_emulator/stats").json()
    assert sum(v.get("429", 0) for v in stats["requests"].values()) == 5


@pytest.mark.parametrize("product", READS)
def test_server_errors_and_dropped_connections(infor: Infor, product: str) -> None:
    infor.admin.put("/_emulator/faults", json={"next_5xx": 1, "status_5xx": 502}).raise_for_status()
    assert read(infor, product).status_code == 502
    infor.admin.put("/_emulator/faults", json={"next_drop": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        read(infor, product)
    assert read(infor, product).status_code == 200


def test_csi_insert_retried_after_lost_response_is_found_by_ref(infor: Infor) -> None:
    ref = "PLAN-LOST-CSI-1"
    props = {"TransDate": "20261130", "Acct": "6100", "AcctUnit1": "1100", "DomAmount": "10.00", "Ref": ref}
    change = {"Action": 1, "ItemId": "PBT=[journal]", "Properties": [{"Name": k, "Value": v} for k, v in props.items()]}
    infor.admin.put("/_emulator/faults", json={"next_lost_response": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        infor.api.post("/CSI/IDORequestService/ido/update/SLJournals", json={"Changes": [change]}, headers=CSI_HEADERS)
    found = infor.api.get(
        "/CSI/IDORequestService/ido/load/SLJournals", params={"filter": f"Ref = '{ref}'"}, headers=CSI_HEADERS
    ).json()
    assert len(found["Items"]) == 1  # the write landed: look up before inserting again


def test_fsm_posting_retried_after_lost_responses_does_not_double(infor: Infor) -> None:
    group = "PLANLOSTFSM1"
    body = {
        "_records": [
            {
                "_fields": {
                    "GLTransactionInterface.RunGroup": group,
                    "GLTransactionInterface.SequenceNumber": str(n),
                    "AccountingEntity": "100",
                    "AccountingUnit": "1200",
                    "AccountCode": acct,
                    "PostingDate": "20261130",
                    "TransactionAmount": amount,
                    "Description": group,
                },
                "message": "BatchImport",
            }
            for n, (acct, amount) in enumerate([("6200", "40.00"), ("1000", "-40.00")], 1)
        ]
    }
    create = "/FSM/fsm/soap/classes/GLTransactionInterface/actions/CreateUnreleased/batch"
    journalize = (
        "/FSM/fsm/soap/ldrest/GLTransactionInterface/InterfaceTransactions_InterfaceTransactionsForm_FormOperation"
    )
    infor.admin.put("/_emulator/faults", json={"next_lost_response": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        infor.api.post(create, json=body)
    # Retrying the create is harmless: RunGroup + SequenceNumber already exist.
    assert all("exception" in a for a in infor.api.post(create, json=body).json()[:2])
    infor.admin.put("/_emulator/faults", json={"next_lost_response": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        infor.api.get(journalize, params={"PrmRunGroup": group})
    result = infor.api.get(
        "/FSM/fsm/soap/classes/GLTransactionInterfaceResult/lists/_generic",
        params={"_lplFilter": f'RunGroup = "{group}"'},
    ).json()
    assert result[1]["_fields"]["PassedCount"] == "2"
    assert infor.api.get(journalize, params={"PrmRunGroup": group}).status_code == 400
    assert [j["reference"] for j in infor.admin.get("/_emulator/journals").json()] == [group]
