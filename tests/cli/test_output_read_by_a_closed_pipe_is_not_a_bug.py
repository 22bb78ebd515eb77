"""`ml-connector ... | head`: when the reader of the output goes away, the command stops quietly
(exit 141, as a shell reports SIGPIPE) instead of calling it a bug in ml-connector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).parent / "ml-connector")


def test_a_listing_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    # The read end is closed before the command writes anything: its first write finds no reader.
    child = subprocess.Popen(  # noqa: S603 - our own CLI
        [CLI, "emulate", "oracle", "--list-behaviours"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "ML_CONNECTOR_CRASH_DIR": str(tmp_path / "crashes")},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    errors = child.stderr.read().decode()
    child.stderr.close()
    assert child.wait(timeout=120) == 141
    assert errors == ""
    assert not (tmp_path / "crashes").exists()
