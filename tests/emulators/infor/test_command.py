"""`ml-connector emulate infor` writes a working `.ionapi` file, prints one JSON line and serves until terminated."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ml_connector.emulators.common.server import free_port


def test_emulate_infor_prints_facts_and_the_ionapi_file_works(tmp_path: Path) -> None:
    port = free_port()
    ionapi = tmp_path / "acme.ionapi"
    cmd = [
        str(Path(sys.executable).parent / "ml-connector"),
        "emulate",
        "infor",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ionapi-out",
        str(ionapi),
        "--token-ttl",
        "30",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        facts = json.loads(proc.stdout.readline())
        ion = json.loads(ionapi.read_text())
        assert facts["base_url"] == f"{ion['iu']}/{ion['ti']}" == f"http://127.0.0.1:{port}/ACME_TST"
        assert facts["token_url"] == ion["pu"] + ion["ot"] and facts["ionapi"] == str(ionapi.resolve())
        for _ in range(200):
            try:
                httpx.get(f"{facts['admin_url']}/health")
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        form = {"grant_type": "password", "username": ion["saak"], "password": ion["sask"]}
        token = httpx.post(facts["token_url"], data=form, auth=(ion["ci"], ion["cs"])).json()
        assert token["expires_in"] == 30
        r = httpx.get(
            f"{facts['base_url']}/M3/m3api-rest/v2/execute/CRS630MI/LstAccountID;maxrecs=2",
            params={"AITP": "2"},
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
        assert [rec["AITM"] for rec in r.json()["results"][0]["records"]] == ["1100", "1200"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
