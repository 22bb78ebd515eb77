"""A failpoint kills its own process with SIGKILL where the environment names it, on its Nth pass, once
across processes that share a marker folder; unnamed points do nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ml_connector.failpoints import armed, failpoint

SCRIPT = """
from ml_connector.failpoints import failpoint
for i in range(1, 4):
    print(f"pass {i}", flush=True)
    failpoint("demo.point")
print("survived", flush=True)
"""


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ML_CONNECTOR_FAILPOINTS")}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env={**clean, **env}, capture_output=True, text=True, check=False, timeout=60
    )


def test_an_unnamed_point_does_nothing() -> None:
    assert "demo.point" not in armed()
    failpoint("demo.point")  # this process is still here


def test_a_named_point_kills_its_process_on_the_nth_pass() -> None:
    first = run({"ML_CONNECTOR_FAILPOINTS": "other.point,demo.point"})
    assert first.returncode == -signal.SIGKILL
    assert first.stdout.split() == ["pass", "1"]
    second = run({"ML_CONNECTOR_FAILPOINTS": "demo.point:2"})
    assert second.returncode == -signal.SIGKILL
    assert second.stdout.splitlines() == ["pass 1", "pass 2"]
    untouched = run({"ML_CONNECTOR_FAILPOINTS": "other.point"})
    assert untouched.returncode == 0 and "survived" in untouched.stdout


def test_a_point_fires_once_across_processes_sharing_a_marker_folder(tmp_path: Path) -> None:
    env = {"ML_CONNECTOR_FAILPOINTS": "demo.point", "ML_CONNECTOR_FAILPOINTS_ONCE": str(tmp_path)}
    assert run(env).returncode == -signal.SIGKILL
    assert (tmp_path / "demo.point.fired").exists()
    again = run(env)
    assert again.returncode == 0 and "survived" in again.stdout


@pytest.mark.parametrize("spec", ["", ",", "demo.point:0", "demo.point:x"])
def test_odd_specs_arm_at_most_the_first_pass(spec: str) -> None:
    done = run({"ML_CONNECTOR_FAILPOINTS": spec})
    if "demo.point" in spec:
        assert done.returncode == -signal.SIGKILL and done.stdout.split() == ["pass", "1"]
    else:
        assert done.returncode == 0
