"""`post_as` defaults to the ERP's budget route where there is one (Oracle, Infor M3) and to journals for review
elsewhere (CSI, FSM); what each choice needs is named before any network call."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_connector import config as config_module
from ml_connector.errors import ConfigurationError

CONNECTIONS = {
    "oracle": 'system = "oracle"\npod_url = "https://acme.fa.em2.oraclecloud.com"\nuser = "u"\n'
    '[connections.erp.fixed_segments]\n1 = "300"\n',
    "m3": 'system = "infor"\nproduct = "m3"\ncompany = "100"\n',
    "csi": 'system = "infor"\nproduct = "csi"\n',
    "fsm": 'system = "infor"\nproduct = "fsm"\n',
}


def write(tmp_path: Path, erp: str, flow: str) -> Path:
    text = (
        '[connections.anaplan]\nsystem = "anaplan"\nuser = "u"\n'
        f"[connections.erp]\n{CONNECTIONS[erp]}"
        '[flows.plan]\nkind = "plan-return"\nsource = "anaplan"\ntarget = "erp"\nmodel = "FP&A"\n'
        f'export = "Export Approved Budget"\n{flow}'
    )
    path = tmp_path / "ml-connector.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("erp", "flow", "expected"),
    [
        ("oracle", "", "budget"),
        ("m3", 'budget_name = "PLN"\n', "budget"),
        ("m3", 'budget_name = "FC26"\n', "budget"),  # BVER is A4 (GLS215MI outputs, infor.md appendix B)
        ("csi", 'balancing_account = "1000"\nbalancing_cost_center = "1900"\n', "journal"),
        ("fsm", 'balancing_account = "1000"\nbalancing_cost_center = "1900"\n', "journal"),
        ("oracle", 'post_as = "journal"\nbalancing_account = "1000"\nbalancing_cost_center = "3900"\n', "journal"),
        ("m3", 'post_as = "journal"\nbalancing_account = "1000"\nbalancing_cost_center = "1900"\n', "journal"),
    ],
)
def test_the_default_is_the_budget_route_where_the_erp_has_one(
    tmp_path: Path, erp: str, flow: str, expected: str
) -> None:
    assert config_module.load(write(tmp_path, erp, flow)).flow("plan").post_as == expected


def test_journals_by_default_on_csi_still_need_their_balancing_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        config_module.load(write(tmp_path, "csi", ""))
    assert "flows.plan.balancing_account" in info.value.message
    assert "flows.plan.balancing_cost_center" in info.value.message


def test_budgets_on_oracle_need_no_balancing_line(tmp_path: Path) -> None:
    loaded = config_module.load(write(tmp_path, "oracle", ""))
    assert loaded.flow("plan").balancing_account == ""


def test_an_m3_budget_needs_a_budget_version_the_default_version_is_not_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        config_module.load(write(tmp_path, "m3", ""))
    message = info.value.message
    assert "flows.plan.budget_name" in message and "'Budget'" in message and 'post_as = "journal"' in message


def test_a_budget_name_too_long_for_m3_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        config_module.load(write(tmp_path, "m3", 'budget_name = "PLAN26"\n'))
    assert "flows.plan.budget_name" in info.value.message and "'PLAN26'" in info.value.message


@pytest.mark.parametrize("erp", ["csi", "fsm"])
def test_budget_is_refused_by_name_where_the_erp_has_no_route(tmp_path: Path, erp: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        config_module.load(write(tmp_path, erp, 'post_as = "budget"\n'))
    assert "flows.plan.post_as" in info.value.message
