"""Every `ml-connector` command loads the command line; only `serve`, `worker`, `enqueue`, `demo` and
`emulate` need the web console, the work queue or the emulators. Loaded eagerly they cost every
`run` 0.7 s of start-up and 32 MiB of memory (`ml-connector --version`: 1.7 s and 121 MiB eager,
1.0 s and 89 MiB lazy, on the 2-core CI machine)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "procrastinate", "ml_connector.emulators", "ml_connector.web")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return [name for name in json.loads(out) if name.split(".")[0] in HEAVY or name.startswith(HEAVY)]


def test_the_command_line_loads_no_web_queue_or_emulator() -> None:
    assert _loaded_after("import ml_connector.cli.main") == []


def test_the_emulate_group_loads_an_emulator_when_it_is_asked_for() -> None:
    code = (
        "import click, typer\n"
        "from ml_connector.cli.main import app\n"
        "group = typer.main.get_command(app)\n"
        "ctx = click.Context(group)\n"
        "emulate = group.get_command(ctx, 'emulate')\n"
        "assert emulate.list_commands(ctx) == ['anaplan', 'infor', 'oracle']\n"
        "assert emulate.get_command(ctx, 'oracle').name == 'oracle'\n"
        "assert emulate.get_command(ctx, 'sap') is None\n"
    )
    loaded = _loaded_after(code)
    assert "ml_connector.emulators.oracle.app" in loaded
    assert "ml_connector.emulators.anaplan.app" not in loaded
