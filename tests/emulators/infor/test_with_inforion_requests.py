"""The emulator serves the exact requests of public integration code: `inforion` (PyPI 2.26.2.4, Fellow Consulting).

inforion cannot be installed on Python 3.11 (it pins numpy 1.19 and pandas 1.1), so its requests are replayed as
its source sends them, with the `.ionapi` file the emulator writes:

- login, `inforion/ionapi/model/inforlogin.py` `login()`: POST `pu + ot`, form `grant_type=password, username=saak,
  password=sask, client_id=ci, client_secret=cs, redirect_uri=https://localhost/`; reads access_token, expires_in,
  refresh_token, token_type;
- headers, `header()`: the dict below, verbatim (its fixed `Host` included);
- calls, `ionapi/model/__init__.py` `fetchApiData()` and `controller.sendresults()`: POST `{iu}/{ti}/M3/m3api-rest/
  v2/execute`, body `json.dumps({"program", "cono", "transactions": [{"transaction", "record"}]})`; a batch of
  records goes as one body of many transactions (`execute`, chunks of up to 150); `saveresults()` reads
  `results[].transaction`, `records`, `errorMessage`;
- `reconnect()`: POST `pu + ot` with the refresh-token grant and the fields below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from ml_connector.emulators.infor.app import write_ionapi
from tests.emulators.infor.conftest import Infor
from tests.golden.files import gls840_calls


def _ionapi(infor: Infor, tmp_path: Path) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(write_ionapi(tmp_path / "acme.ionapi", infor.iu).read_text())
    return content


def _login(ion: dict[str, Any]) -> dict[str, Any]:
    data = {
        "grant_type": "password",
        "username": ion["saak"],
        "password": ion["sask"],
        "client_id": ion["ci"],
        "client_secret": ion["cs"],
        "redirect_uri": "https://localhost/",
    }
    answer: dict[str, Any] = httpx.post(ion["pu"] + ion["ot"], data=data).json()
    assert {"access_token", "expires_in", "refresh_token", "token_type"} <= set(answer)
    return answer


def _header(ion: dict[str, Any], token: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-TenantId": ion["ti"],
        "Connection": "keep-alive",
        "Host": "mingle-ionapi.eu1.inforcloudsuite.com",
        "Accept-Encoding": "gzip, deflate, br",
        "Cache-Control": "no-cache",
        "User-Agent": "FellowConsultingAGRuntime/7.22.0",
        "X-ClientId": ion["ci"],
        "Accept": "*/*",
        "Authorization": "Bearer " + token,
    }


def _send(ion: dict[str, Any], token: str, data: dict[str, Any]) -> dict[str, Any]:
    url = f"{ion['iu']}/{ion['ti']}/M3/m3api-rest/v2/execute"
    response = httpx.request("POST", url, headers=_header(ion, token), content=json.dumps(data), timeout=65)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_inforion_session_reads_posts_a_batch_and_reconnects(infor: Infor, tmp_path: Path) -> None:
    ion = _ionapi(infor, tmp_path)
    token = _login(ion)
    # fetchApiData: one transaction.
    read = _send(
        ion,
        token["access_token"],
        {
            "program": "CRS620MI",
            "cono": 100,
            "transactions": [{"transaction": "GetBasicData", "record": {"SUNO": "S10001"}}],
        },
    )
    assert read["results"][0]["transaction"] == "GetBasicData"
    assert read["results"][0]["records"][0]["SUNM"].strip() == "Great Lakes Steel Supply"
    # execute: a GLS840MI batch as one body of transactions, as inforion loads a sheet.
    steps = gls840_calls()
    transactions = [{"transaction": s["transaction"], "record": s["inputs"]} for s in steps]
    posted = _send(ion, token["access_token"], {"program": "GLS840MI", "cono": 100, "transactions": transactions})
    assert [r["transaction"] for r in posted["results"]] == [s["transaction"] for s in steps]
    assert not any(r.get("errorMessage") for r in posted["results"]), posted
    journals = infor.admin.get("/_emulator/journals").json()
    assert [(j["reference"], j["status"], len(j["lines"])) for j in journals] == [("PLAN-FY27-0042", "for review", 3)]
    # A failing record is reported in its own result, as saveresults() expects.
    failed = _send(
        ion,
        token["access_token"],
        {
            "program": "CRS620MI",
            "cono": 100,
            "transactions": [{"transaction": "GetBasicData", "record": {"SUNO": "NOPE"}}],
        },
    )
    assert failed["results"][0]["errorMessage"] and failed["nrOfFailedTransactions"] == 1
    # reconnect(): the refresh-token grant with inforion's extra fields.
    data = {
        "grant_type": "refresh_token",
        "refresh_token": token["refresh_token"],
        "username": ion["saak"],
        "password": ion["sask"],
        "client_id": ion["ci"],
        "client_secret": ion["cs"],
        "scope": "",
        "redirect_uri": "https://localhost/",
    }
    again = httpx.post(ion["pu"] + ion["ot"], data=data).json()
    assert "access_token" in again and again["expires_in"]
    assert _send(ion, again["access_token"], {"program": "CRS620MI", "cono": 100, "transactions": []})["results"] == []
