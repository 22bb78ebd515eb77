from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.records import EntryKind, LedgerLine
from ml_connector.systems.oracle import OracleClient


def test_ping_names_the_pod_and_ledger(oracle: OracleClient) -> None:
    text = oracle.ping()
    assert text.startswith("Oracle Fusion 127.0.0.1:") and "Acme EU Ledger" in text


def test_discover_lists_ledgers_charts_and_segments(oracle: OracleClient) -> None:
    tree = oracle.discover()
    assert tree["ledgers"][0] | {} == {
        "id": 300000046975971,
        "name": "Acme EU Ledger",
        "currency": "EUR",
        "chart_of_accounts_id": 5201,
        "period_set": "Acme Calendar",
    }
    assert tree["charts_of_accounts"][0]["id"] == 5201
    assert {v["code"] for v in tree["segments"]["value_sets"]} >= {"ACME_EU_COST_CENTER", "ACME_EU_ACCOUNT"}


def test_accounts_and_cost_centers(oracle: OracleClient) -> None:
    accounts = {a.code: a for a in oracle.accounts()}
    assert accounts["1000"].name == "Cash" and accounts["1000"].account_type == "A"
    centers = {c.code: c for c in oracle.cost_centers()}
    assert set(centers) == {"3100", "3200", "3300", "3900", "3999"}
    assert centers["3100"].enabled and not centers["3999"].enabled


def test_unknown_value_set_is_a_configuration_error(make_client: Callable[..., OracleClient]) -> None:
    with pytest.raises(ConfigurationError, match="NOPE"):
        list(make_client(cost_center_value_set="NOPE").cost_centers())


def test_invoices_and_payments_as_ledger_lines(oracle: OracleClient) -> None:
    invoices = list(oracle.invoices())
    payments = list(oracle.payments())
    assert invoices and payments
    assert all(isinstance(x, LedgerLine) and x.kind is EntryKind.INVOICE for x in invoices)
    assert all(isinstance(x, LedgerLine) and x.kind is EntryKind.PAYMENT for x in payments)
    first = invoices[0]
    assert isinstance(first, LedgerLine)
    assert (first.account, first.cost_center, first.supplier) == ("2000", "3100", "5002")
    assert isinstance(first.amount, Decimal)
    keys = [x.source_key for x in invoices + payments]
    assert len(keys) == len(set(keys))


def test_data_access_gap_reads_empty(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/access", json={"invoices": "empty"}).raise_for_status()
    assert list(oracle.invoices()) == []


def test_requests_share_the_tenant_budget(admin: httpx.Client, make_client: Callable[..., OracleClient]) -> None:
    a, b = make_client(), make_client()
    assert a.session.budget is b.session.budget is a._token_session.budget
