from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ml_connector.cli.main import app


class Cli:
    """Runs `ml-connector` in a folder of its own, the way a user would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(
            app, ["--config", str(self.folder / "ml-connector.toml"), *args], input=input, env=env or {}
        )


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    monkeypatch.delenv("ML_CONNECTOR_STORE_URL", raising=False)
    monkeypatch.delenv("ML_CONNECTOR_CONFIG", raising=False)
    yield Cli(tmp_path)
