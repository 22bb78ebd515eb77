"""Running the real CLI (typer's runner, in this process) against a sandbox's config."""

from __future__ import annotations

from click.testing import Result
from typer.testing import CliRunner

from ml_connector.cli.main import app
from ml_connector.demo.sandbox import Sandbox


def invoke(box: Sandbox, *args: str, width: int | None = None) -> Result:
    """`ml-connector --config <sandbox> ARGS...`; `width` widens the terminal so tables do not wrap."""
    return CliRunner().invoke(app, ["--config", str(box.config_path), *args], terminal_width=width)
