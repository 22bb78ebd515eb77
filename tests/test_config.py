from __future__ import annotations

from pathlib import Path

import pytest

from ml_connector import config
from ml_connector.errors import ConfigurationError
from ml_connector.root import Root

GOOD = """
[store]
url = "sqlite:///x.db"

[connections.plan]
system = "anaplan"
api_url = "https://api.anaplan.com/2/0"

[connections.erp]
system = "oracle"
pod_url = "https://acme.fa.us2.oraclecloud.com"

[flows.actuals]
kind = "actuals"
source = "erp"
target = "plan"
workspace = "Acme Finance"
model = "FP&A"
schedule = "0 6 * * *"
"""


def test_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    cfg = config.load(path)
    assert cfg.flow("actuals").actuals_import == "Load Actuals"
    assert cfg.connection("erp").options() == {"pod_url": "https://acme.fa.us2.oraclecloud.com"}


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        GOOD.replace('source = "erp"', 'source = "plan"').replace('schedule = "0 6 * * *"', 'schedule = "daily"')
        + '\n[flows.back]\nkind = "plan-return"\nsource = "plan"\ntarget = "nowhere"\nmodel = "FP&A"\n'
    )
    with pytest.raises(ConfigurationError) as info:
        config.load(path)
    text = str(info.value)
    assert "flows.actuals.schedule" in text
    path.write_text(
        GOOD.replace('source = "erp"', 'source = "plan"') + '\n[flows.back]\nkind = "plan-return"\n'
        'source = "plan"\ntarget = "nowhere"\nmodel = "FP&A"\n'
    )
    with pytest.raises(ConfigurationError) as info:
        config.load(path)
    text = str(info.value)
    assert "flows.actuals.source: 'plan' is anaplan" in text
    assert "flows.back.target: no connection named 'nowhere'" in text
    assert "flows.back.export" in text and "flows.back.balancing_account" in text


def test_env_overrides_store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    monkeypatch.setenv("ML_CONNECTOR_STORE_URL", "postgresql+psycopg://u@h/db")
    assert config.load(path).store.url == "postgresql+psycopg://u@h/db"


def test_invalid_toml_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[store\nurl=1")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        config.load(path)


def test_unknown_names_list_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    cfg = config.load(path)
    with pytest.raises(ConfigurationError, match="known: actuals"):
        cfg.flow("nope")


def test_the_lease_time_comes_from_the_file_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ML_CONNECTOR_LEASE_TTL_SECONDS", raising=False)
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    assert config.load(path).store.lease_ttl_seconds == 30.0
    path.write_text(GOOD.replace('url = "sqlite:///x.db"', 'url = "sqlite:///x.db"\nlease_ttl_seconds = 4.5'))
    root = Root(config.load(path))
    try:
        assert root.lease_ttl == 4.5
    finally:
        root.close()
    monkeypatch.setenv("ML_CONNECTOR_LEASE_TTL_SECONDS", "2")
    root = Root(config.load(path))
    try:
        assert root.lease_ttl == 2.0
        explicit = Root(config.load(path), root.store, lease_ttl=9)
        assert explicit.lease_ttl == 9  # an explicit one wins
        explicit.close()
    finally:
        root.close()
