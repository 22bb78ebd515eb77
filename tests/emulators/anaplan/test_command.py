"""`ml-connector emulate anaplan` prints one JSON line and serves until terminated (with any extra volume)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ml_connector.emulators.common.server import free_port


def test_emulate_command_prints_connection_facts(tmp_path: Path) -> None:
    port = free_port()
    cmd = [
        str(Path(sys.executable).parent / "ml-connector"),
        "emulate",
        "anaplan",
        "--port",
        str(port),
        "--token-ttl",
        "60",
        "--cert-out",
        str(tmp_path),
        "--extra-lines",
        "300",
        "--seed",
        "5",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        facts = json.loads(proc.stdout.readline())
        assert facts["api_url"] == f"http://127.0.0.1:{port}/2/0" and facts["workspace"] == "Acme Finance"
        assert facts["model"] == "FP&A" and Path(facts["certificate"]).exists()
        for _ in range(200):
            try:
                health = httpx.get(f"{facts['base_url']}/_emulator/health")
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert health.json()["system"] == "anaplan" and facts["extra_lines"] == 300
        cells = httpx.get(f"{facts['base_url']}/_emulator/models/FP&A/modules/Actuals/cells").json()
        assert sum(1 for row in cells if row["Cost Centers"].startswith("V")) == 300
        login = httpx.post(f"{facts['auth_url']}/token/authenticate", auth=(facts["user"], facts["password"]))
        assert login.status_code == 201
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
