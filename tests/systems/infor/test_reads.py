from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ml_connector.records import EntryKind, LedgerLine, RejectedRecord
from tests.systems.infor.conftest import Emulator

PRODUCTS = ("m3", "csi", "fsm")


def _lines(items: list[LedgerLine | RejectedRecord]) -> list[LedgerLine]:
    return [i for i in items if isinstance(i, LedgerLine)]


@pytest.mark.parametrize("product", PRODUCTS)
def test_gl_lines_are_canonical_and_unique(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    items = list(client.ledger_lines())
    lines = _lines(items)
    assert len(lines) > 100
    keys = [i.source_key for i in items]
    assert len(keys) == len(set(keys))
    assert all(k.startswith(f"{product}:") for k in keys)
    for line in lines:
        assert line.kind is EntryKind.GL
        assert isinstance(line.amount, Decimal)
        assert line.updated_at is None or line.updated_at.tzinfo is not None
        assert line.period == f"{line.posted_on.year:04d}-{line.posted_on.month:02d}"
    assert {line.cost_center for line in lines} >= {"1100"}
    client.close()


@pytest.mark.parametrize("product", ["m3", "fsm"])
def test_non_numeric_amount_becomes_a_rejected_record(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    rejected = [i for i in client.ledger_lines() if isinstance(i, RejectedRecord)]
    assert len(rejected) == 1
    assert "12O.50" in rejected[0].reason and rejected[0].hint
    assert rejected[0].payload
    client.close()


def test_csi_rejects_the_bad_amount_on_its_site(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST_US2", csi_site="US2")
    rejected = [i for i in client.ledger_lines() if isinstance(i, RejectedRecord)]
    assert [r.reason for r in rejected] == ["DomAmount '12O.50' is not a number"]


def test_product_lines_agree_on_the_same_ledger(emulator: Emulator) -> None:
    def shape(product: str) -> Counter[tuple[object, ...]]:
        client = emulator.client(product)
        lines = _lines(list(client.ledger_lines()))
        client.close()
        return Counter((x.posted_on, x.account, x.cost_center, x.amount, x.currency) for x in lines)

    assert shape("m3") == shape("fsm")
    csi = Counter()
    for site in ("US1", "MX1", "US2"):
        client = emulator.client("csi", mongoose_config=f"ACME_TST_{site}", csi_site=site)
        csi += Counter(
            (x.posted_on, x.account, x.cost_center, x.amount, x.currency) for x in _lines(list(client.ledger_lines()))
        )
        client.close()
    assert csi == shape("m3")


@pytest.mark.parametrize("product", PRODUCTS)
def test_small_pages_give_the_same_records(emulator: Emulator, product: str) -> None:
    big = emulator.client(product, page_size=5000)
    small = emulator.client(product, page_size=7)
    for read in ("ledger_lines", "invoices", "accounts", "suppliers", "cost_centers"):
        assert sorted(getattr(small, read)(), key=repr) == sorted(getattr(big, read)(), key=repr), read
    assert small.auth.logins == 1
    big.close()
    small.close()


@pytest.mark.parametrize("product", PRODUCTS)
def test_since_narrows_the_read(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    everything = _lines(list(client.ledger_lines()))
    cut = datetime(2026, 6, 1, tzinfo=UTC)
    recent = _lines(list(client.ledger_lines(since=cut)))
    assert 0 < len(recent) < len(everything)
    for line in recent:
        assert line.updated_at is not None and line.updated_at.date() >= cut.date()
    older = _lines(list(client.ledger_lines(until=cut)))
    assert {x.source_key for x in older} | {x.source_key for x in recent} == {x.source_key for x in everything}
    client.close()


@pytest.mark.parametrize("product", PRODUCTS)
def test_reference_data_and_documents(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    accounts = list(client.accounts())
    assert len(accounts) == 14 and accounts[0].code == "1000" and accounts[0].name == "Cash"
    assert [c.code for c in client.cost_centers()] == ["1100", "1200", "1300", "1900"]
    suppliers = list(client.suppliers())
    assert len(suppliers) == 12 and suppliers[0].number == "S10001" and suppliers[0].tax_id
    invoices = list(client.invoices())
    payments = list(client.payments())
    assert invoices and all(isinstance(i, LedgerLine) and i.kind is EntryKind.INVOICE for i in invoices)
    assert payments and all(isinstance(p, LedgerLine) and p.kind is EntryKind.PAYMENT for p in payments)
    assert all(isinstance(i, LedgerLine) and i.supplier for i in invoices)
    assert client.ping().startswith("Infor")
    tree = client.discover()
    assert tree["system"] == "infor" and tree["companies"]
    client.close()
