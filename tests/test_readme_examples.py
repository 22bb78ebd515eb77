"""The README's configuration example loads as written, and a plan-return flow missing what it needs is
reported by setting name before any network call."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ml_connector import config as config_module
from ml_connector.errors import ConfigurationError

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_config() -> str:
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found
    return found.group(1)


def test_the_readme_configuration_loads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "ml-connector.toml"
    path.write_text(readme_config(), encoding="utf-8")
    loaded = config_module.load(path)
    flow = loaded.flow("plan-return-oracle")
    assert flow.mapping == "oracle" and flow.revisions == "reverse" and flow.flip_signs == ["revenue"]
    assert (flow.post_as, flow.budget_name) == ("budget", "Budget")


@pytest.mark.parametrize(
    ("remove", "named"),
    [
        ('balancing_cost_center = "3900"\n', "flows.plan-return-oracle.balancing_cost_center"),
        ("[connections.oracle.fixed_segments]      # segment values", "connections.oracle.fixed_segments"),
    ],
)
def test_a_missing_return_setting_is_named(tmp_path: Path, remove: str, named: str) -> None:
    text = readme_config().replace('post_as = "budget"', 'post_as = "journal"')
    if remove.startswith("[connections"):
        text = text.split(remove, 1)[0]
    else:
        text = text.replace(remove, "")
    path = tmp_path / "ml-connector.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        config_module.load(path)
    assert named in info.value.message


def test_budget_route_is_refused_for_csi_by_name(tmp_path: Path) -> None:
    text = readme_config().replace('product = "m3"', 'product = "csi"')
    text = text.replace('target = "oracle"\nworkspace', 'target = "infor"\nworkspace', 1)
    assert 'post_as = "budget"' in text
    path = tmp_path / "ml-connector.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        config_module.load(path)
    assert "flows.plan-return-oracle.post_as" in info.value.message


def test_init_examples_load_once_uncommented(tmp_path: Path) -> None:
    """The commented flows `init` writes are valid settings once uncommented next to their connections."""
    text = config_module.skeleton("sqlite:///x.db", "x.key")
    setting = re.compile(r"^(\[|[A-Za-z0-9_]+ = )")
    kept = []
    for line in text.splitlines():
        plain = line[2:] if line.startswith("# ") else line
        if not line.startswith("#") or setting.match(plain):
            kept.append(plain)
    body = "\n".join(kept) + "\n"
    connections = (
        '[connections.anaplan]\nsystem = "anaplan"\nuser = "u"\n'
        '[connections.oracle]\nsystem = "oracle"\npod_url = "https://acme.fa.em2.oraclecloud.com"\nuser = "u"\n'
    )
    path = tmp_path / "ml-connector.toml"
    path.write_text(body.replace("[service]", connections + "[service]", 1), encoding="utf-8")
    loaded = config_module.load(path)
    assert loaded.flow("plan-return-oracle").balancing_cost_center == "3900"


def test_the_readme_csi_connection_example_loads_with_a_journal_plan_return(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    csi = next(b for b in blocks if "csi_plan_journal" in b)
    flow = (
        '[connections.anaplan]\nsystem = "anaplan"\nuser = "u"\n'
        '[flows.plan-return-csi]\nkind = "plan-return"\nsource = "anaplan"\ntarget = "infor-csi"\nmodel = "FP&A"\n'
        'export = "Export Approved Budget"\nbalancing_account = "1000"\nbalancing_cost_center = "1900"\n'
    )
    path = tmp_path / "ml-connector.toml"
    path.write_text(textwrap.dedent(csi) + flow, encoding="utf-8")
    loaded = config_module.load(path)
    assert loaded.flow("plan-return-csi").post_as == "journal"  # CSI has no budget route
    assert loaded.connection("infor-csi").options()["csi_plan_journal"] == "PLAN"
    assert loaded.connection("infor-fsm").options()["fsm_plan_system"] == "PL"


def test_the_readme_bulk_extract_example_loads(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("**Bulk extracts (Oracle actuals).**", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found
    path = tmp_path / "ml-connector.toml"
    path.write_text(readme_config() + "\n" + found.group(1), encoding="utf-8")
    loaded = config_module.load(path)
    flow = loaded.flow("actuals-oracle-large")
    assert flow.extract == "auto" and flow.bulk_above_lines == 100_000
    assert loaded.flow("actuals-oracle").extract == "rest"  # the default
