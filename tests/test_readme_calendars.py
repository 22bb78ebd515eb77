"""The README's fiscal-calendar examples load as written and place periods as they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ml_connector import config as config_module
from ml_connector.errors import UnmappedError

README = Path(__file__).resolve().parents[1] / "README.md"
ANAPLAN = '[connections.anaplan]\nsystem = "anaplan"\nuser = "u"\n'


def blocks() -> list[str]:
    section = README.read_text(encoding="utf-8").split("**Fiscal calendars.**", 1)[1].split("\n**", 1)[0]
    return re.findall(r"```toml\n(.*?)```", section, re.S)


def test_the_fiscal_calendar_example_loads_and_places_periods(tmp_path: Path) -> None:
    example, table, *_ = blocks()  # then the divisions example
    path = tmp_path / "ml-connector.toml"
    path.write_text(ANAPLAN + example, encoding="utf-8")
    loaded = config_module.load(path)
    mexico, uk = loaded.flow("actuals-mexico").period_mapping(), loaded.flow("actuals-uk").period_mapping()
    assert mexico.calendar == uk.calendar == "erp"
    assert mexico.to_anaplan("2026-P04") == "Apr 26"
    assert (uk.to_anaplan("2026-P04"), uk.to_anaplan("2025-P13")) == ("FY26 P04", "FY25 P13")
    with pytest.raises(UnmappedError, match="period 13 has no month"):
        mexico.to_anaplan("2026-P13")
    # The table, added to the UK flow, with the CSV file its comment shows.
    (tmp_path / "periods.csv").write_text("erp_period,label\n2026-P13,FY26 Wk 49-52\n", encoding="utf-8")
    path.write_text(ANAPLAN + example + table, encoding="utf-8")
    uk = config_module.load(path).flow("actuals-uk").period_mapping()
    assert (uk.to_anaplan("2026-P13"), uk.to_anaplan("2026-P04")) == ("FY26 Wk 49-52", "FY26 Wk 13-17")
    with pytest.raises(UnmappedError, match="not in the flow's period_labels table"):
        uk.to_anaplan("2026-P05")
    assert uk.from_anaplan("FY26 Wk 49-52") == "2026-P13"
