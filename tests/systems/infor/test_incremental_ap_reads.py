"""Invoices and payments are read incrementally on every Infor product: with `since`, only what changed since
is asked for (M3: the AP ledger's change date, then APS200MI per invoice; CSI: IDO filter on RecordDate; FSM:
list filter on UpdateStamp), counted from the emulator's own request record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ml_connector.records import LedgerLine, RejectedRecord
from tests.systems.infor.conftest import Emulator


def requests(emulator: Emulator) -> int:
    return int(emulator.stats()["total"])


def keys(records: list[LedgerLine | RejectedRecord]) -> set[str]:
    return {r.source_key for r in records}


@pytest.mark.parametrize("product", ["m3", "csi", "fsm"])
def test_only_invoices_changed_since_are_read(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    backend = emulator.app.backend
    client.ping()  # the token, once
    everything = list(client.invoices(None))
    # The CSI connection reads its site (US1) only.
    invoices = [inv for inv in backend.invoices if inv.changed and (product != "csi" or inv.division == "US1")]
    stamps = sorted(inv.changed for inv in invoices if inv.changed)
    since = stamps[len(stamps) * 3 // 4]
    if product == "m3":  # the AP ledger's change date is a day
        expected = sum(1 for inv in invoices if inv.changed and inv.changed.date() >= since.date())
    else:
        expected = sum(1 for inv in invoices if inv.changed and inv.changed >= since)
    before = requests(emulator)
    recent = list(client.invoices(since))
    made = requests(emulator) - before
    assert 0 < len(recent) == expected < len(everything)
    assert keys(recent) <= keys(everything)
    # One list call, plus (M3) one APS200MI GetInvoice per changed invoice.
    assert made == (1 + expected if product == "m3" else 1)


@pytest.mark.parametrize("product", ["m3", "csi", "fsm"])
def test_no_payment_changed_costs_one_call(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    client.ping()
    assert list(client.payments(None))
    later = max(p.changed for p in emulator.app.backend.payments if p.changed) + timedelta(days=1)
    before = requests(emulator)
    assert list(client.payments(later)) == []
    assert requests(emulator) - before == 1


def test_m3_payments_are_read_again_when_one_changed(emulator: Emulator) -> None:
    """APS130MI has no change date: when the AP ledger shows a payment changed, every proposal is read again,
    in bulk calls, and the engine's de-duplication keeps the ones read before unchanged."""
    client = emulator.client("m3")
    client.ping()
    everything = list(client.payments(None))
    latest = max(p.changed for p in emulator.app.backend.payments if p.changed)
    before = requests(emulator)
    again = list(client.payments(latest.replace(hour=0, minute=0) - timedelta(minutes=1)))
    assert keys(again) == keys(everything)
    assert requests(emulator) - before <= 4  # the change check and the bulk calls, not one call per proposal
    assert latest <= datetime.now(UTC)
