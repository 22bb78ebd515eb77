from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ml_connector.emulators.common.server import free_port
from tests.emulators.oracle.conftest import CLIENT_ID, REST


def test_emulate_oracle_prints_connection_facts_and_serves() -> None:
    port = free_port()
    cmd = [
        str(Path(sys.executable).parent / "ml-connector"),
        "emulate",
        "oracle",
        "--port",
        str(port),
        "--token-ttl",
        "5",
    ]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        _check(proc, port)


def _check(proc: subprocess.Popen[str], port: int) -> None:
    try:
        assert proc.stdout is not None
        facts = json.loads(proc.stdout.readline())
        assert facts["base_url"] == f"http://127.0.0.1:{port}"
        assert facts["token_url"] == f"http://127.0.0.1:{port}/oauth2/v1/token"
        assert facts["client_id"] == CLIENT_ID and facts["user"] and facts["password"] and facts["client_secret"]
        deadline = time.monotonic() + 15
        while True:
            try:
                health = httpx.get(f"{facts['base_url']}/_emulator/health")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert health.json()["system"] == "oracle"
        token = httpx.post(
            facts["token_url"],
            data={"grant_type": "client_credentials", "scope": facts["scope"]},
            auth=(facts["client_id"], facts["client_secret"]),
        ).json()
        assert token["expires_in"] == 5
        got = httpx.get(f"{facts['base_url']}{REST}/ledgersLOV", auth=(facts["user"], facts["password"]))
        assert got.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_emulate_oracle_with_extra_lines_serves_them() -> None:
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "ml-connector"), "emulate", "oracle", "--port", str(port)]
    cmd += ["--extra-lines", "300", "--seed", "5"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            facts = json.loads(proc.stdout.readline())
            assert facts["extra_lines"] == 300
            deadline = time.monotonic() + 15
            while True:
                try:
                    got = httpx.get(
                        f"{facts['base_url']}{REST}/journalBatches",
                        params={"q": "BatchName LIKE 'Volume *'", "totalResults": "true", "limit": "1"},
                        auth=(facts["user"], facts["password"]),
                    )
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert got.status_code == 200 and got.json()["totalResults"] > 10
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
