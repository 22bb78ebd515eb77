"""Which route an actuals run reads GL lines by (`extract`), and the README's Data Lake example as written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ml_connector import config as config_module
from ml_connector.config import FlowSection
from ml_connector.errors import ConfigurationError
from ml_connector.flows.extract import AUTO_BULK_WINDOW, gl_route, payables_route, wants_bulk
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord
from tests.test_readme_examples import readme_config

README = Path(__file__).resolve().parents[2] / "README.md"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def flow(**values: Any) -> FlowSection:
    return FlowSection(kind="actuals", source="infor", target="anaplan", **values)


@pytest.mark.parametrize(
    ("extract", "since", "bulk"),
    [
        ("rest", None, False),
        ("rest", NOW - timedelta(days=400), False),
        ("bulk", NOW - timedelta(minutes=5), True),
        ("auto", None, True),  # a first load
        ("auto", NOW - AUTO_BULK_WINDOW - timedelta(seconds=1), True),
        ("auto", NOW - AUTO_BULK_WINDOW, False),
        ("auto", NOW - timedelta(hours=1), False),
    ],
)
def test_the_route_follows_the_extract_setting_and_the_window(extract: str, since: datetime | None, bulk: bool) -> None:
    assert wants_bulk(flow(extract=extract), since, NOW) is bulk


class RestOnly:
    def ledger_lines(self, since: datetime | None = None, until: datetime | None = None) -> Iterator[LedgerLine]:
        return iter(())


class WithLake(RestOnly):
    asked: tuple[datetime | None, datetime | None] = (None, None)
    bulk_route = "one lake query"
    bulk_lags = True

    def bulk_ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]:
        self.asked = (since, until)
        return iter(())


def test_bulk_reads_the_lag_earlier_and_holds_the_watermark_back_by_it() -> None:
    erp = WithLake()
    route = gl_route(erp, flow(extract="bulk", lake_lag_minutes=45), NOW - timedelta(hours=2), NOW)  # type: ignore[arg-type]
    assert route.name == "bulk" and route.holdback == timedelta(minutes=45)
    assert erp.asked == (NOW - timedelta(hours=2, minutes=45), NOW)


class WithExtract(WithLake):
    """A bulk route that reads the ERP itself (Oracle's exportBulkData) and can estimate its lines."""

    bulk_lags = False

    def __init__(self, estimate: int) -> None:
        self.estimate = estimate

    def estimate_lines(self, since: datetime | None = None) -> int:
        return self.estimate


def test_auto_asks_an_erp_that_can_estimate_and_a_bulk_read_of_the_erp_itself_holds_nothing_back() -> None:
    since = NOW - timedelta(hours=2)
    small, large = WithExtract(10), WithExtract(60_000)
    assert gl_route(small, flow(extract="auto"), since, NOW).name == "rest"  # type: ignore[arg-type]
    route = gl_route(large, flow(extract="auto", lake_lag_minutes=45), since, NOW)  # type: ignore[arg-type]
    assert route.name == "bulk" and route.estimate == 60_000 and route.holdback == timedelta(0)
    assert large.asked == (since, NOW)  # no lag: the extract reads the ERP, not a copy behind it


def test_bulk_on_a_source_without_a_bulk_route_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="no bulk route"):
        gl_route(RestOnly(), flow(extract="bulk"), None, NOW)  # type: ignore[arg-type]
    assert gl_route(RestOnly(), flow(extract="auto"), None, NOW).name == "rest"  # type: ignore[arg-type]


def test_an_unknown_extract_value_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        '[flows.a]\nkind = "actuals"\nsource = "infor"\ntarget = "anaplan"\nextract = "lake"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigurationError) as info:
        config_module.load(path)
    assert "flows.a.extract" in info.value.message


def test_the_readme_data_lake_example_loads_as_written(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("**Large Infor ledgers: the Data Lake", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found
    path = tmp_path / "ml-connector.toml"
    path.write_text(readme_config() + "\n" + found.group(1), encoding="utf-8")  # the connections it names
    loaded = config_module.load(path).flow("actuals-infor-lake")
    assert loaded.extract == "bulk" and loaded.lake_lag_minutes == 30


class WithPayables(WithLake):
    """A lake route that also reads invoices and payments (M3), or says it does not (CSI, FSM)."""

    def __init__(self, covered: bool = True) -> None:
        self.bulk_payables = covered
        self.read: list[tuple[str, datetime | None, datetime | None]] = []

    def invoices(self, since: datetime | None = None) -> Iterator[LedgerLine]:
        self.read.append(("rest invoices", since, None))
        return iter(())

    def payments(self, since: datetime | None = None) -> Iterator[LedgerLine]:
        self.read.append(("rest payments", since, None))
        return iter(())

    def bulk_invoices(self, since: datetime | None = None, until: datetime | None = None) -> Iterator[LedgerLine]:
        self.read.append(("bulk invoices", since, until))
        return iter(())

    def bulk_payments(self, since: datetime | None = None, until: datetime | None = None) -> Iterator[LedgerLine]:
        self.read.append(("bulk payments", since, until))
        return iter(())


@pytest.mark.parametrize("kind", [EntryKind.INVOICE, EntryKind.PAYMENT])
def test_invoices_and_payments_take_the_flows_route_with_the_lakes_lag(kind: EntryKind) -> None:
    since = NOW - timedelta(hours=2)
    erp = WithPayables()
    route = payables_route(erp, flow(extract="bulk", lake_lag_minutes=45), kind, since, NOW, None)  # type: ignore[arg-type]
    assert route.name == "bulk" and route.holdback == timedelta(minutes=45)
    assert erp.read == [(f"bulk {kind.value}s", since - timedelta(minutes=45), NOW)]
    rest = WithPayables()
    assert payables_route(rest, flow(extract="rest"), kind, since, NOW, None).name == "rest"  # type: ignore[arg-type]
    assert rest.read == [(f"rest {kind.value}s", since, None)]


def test_auto_reads_invoices_and_payments_by_the_route_chosen_for_the_gl_lines() -> None:
    since = NOW - timedelta(hours=2)  # a short window: alone, auto would take REST
    erp = WithPayables()
    auto = flow(extract="auto")
    assert payables_route(erp, auto, EntryKind.INVOICE, since, NOW, True).name == "bulk"  # type: ignore[arg-type]
    assert payables_route(erp, auto, EntryKind.PAYMENT, since, NOW, False).name == "rest"  # type: ignore[arg-type]
    assert payables_route(erp, auto, EntryKind.PAYMENT, None, NOW, None).name == "bulk"  # type: ignore[arg-type]


def test_a_lake_route_without_invoices_and_payments_reads_them_by_rest_even_on_bulk() -> None:
    erp = WithPayables(covered=False)  # CSI, FSM
    route = payables_route(erp, flow(extract="bulk"), EntryKind.INVOICE, None, NOW, True)  # type: ignore[arg-type]
    assert route.name == "rest" and route.holdback == timedelta(0)
    assert erp.read == [("rest invoices", None, None)]
