"""The README's hierarchy example runs as written on the demo emulators: on Oracle from its account
hierarchy trees, and on Infor M3 with the parents file it shows."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks() -> tuple[str, str]:
    section = README.read_text(encoding="utf-8").split("**Hierarchies.**", 1)[1].split("\n**", 1)[0]
    (toml,) = re.findall(r"```toml\n(.*?)```", section, re.S)
    (parents,) = re.findall(r"```csv\n(.*?)```", section, re.S)
    return toml, parents


def parents_of(sandbox: Sandbox, list_name: str) -> dict[str, str]:
    url = f"{sandbox.url('anaplan')}/_emulator/models/FP&A/lists/{list_name}/items"
    return {m["code"]: m["parent"] for m in httpx.get(url, timeout=10).json()}


def test_the_oracle_example_sends_the_trees_parents(sandbox: Sandbox) -> None:
    toml, _ = blocks()
    text = sandbox.config_path.read_text(encoding="utf-8")
    trees = 'account_tree = "ACME_EU_ACCOUNT_HIERARCHY"\ncost_center_tree = "ACME_EU_COST_CENTER_HIERARCHY"\n'
    text = text.replace('ledger_name = "Acme EU Ledger"\n', 'ledger_name = "Acme EU Ledger"\n' + trees, 1)
    sandbox.config_path.write_text(text + "\n" + toml, encoding="utf-8")
    result = invoke(sandbox, "run", "reference-oracle-tree")
    assert result.exit_code == 0, result.output
    assert parents_of(sandbox, "GL Accounts")["6100"] == "OPEX"
    assert parents_of(sandbox, "Cost Centers")["3900"] == "EUAD"
    assert set(parents_of(sandbox, "Account Groups")) == {"TBS", "TREV", "COGS", "OPEX"}


def test_the_parents_file_example_serves_infor(sandbox: Sandbox) -> None:
    toml, parents = blocks()
    toml = toml.replace('source = "oracle"', 'source = "infor"').replace('mapping = "oracle"', 'mapping = "infor"')
    toml = toml.replace('# parents_file = "parents.csv"', 'parents_file = "parents.csv"')
    (sandbox.folder / "parents.csv").write_text(parents, encoding="utf-8")
    text = sandbox.config_path.read_text(encoding="utf-8")
    sandbox.config_path.write_text(text + "\n" + toml, encoding="utf-8")
    result = invoke(sandbox, "run", "reference-oracle-tree")
    assert result.exit_code == 0, result.output
    assert parents_of(sandbox, "GL Accounts")["6100"] == "OPEX"
    assert parents_of(sandbox, "Cost Centers")["1100"] == "US-PLANTS"
