"""An M3 connection with `divisions` reads those divisions only: the seeded company has US divisions in USD and
Monterrey (MX1) in MXN, and a US connection used to read Monterrey's pesos too (they then met dollars in the
supplier spend cells). Each division's lines carry its own local currency (MNS100MI LOCD)."""

from __future__ import annotations

from ml_connector.records import LedgerLine
from tests.systems.infor.conftest import Emulator


def test_divisions_limit_gl_lines_and_invoices(emulator: Emulator) -> None:
    client = emulator.client("m3", divisions=("US1", "US2"))
    lines = [r for r in client.ledger_lines() if isinstance(r, LedgerLine)]
    invoices = [r for r in client.invoices() if isinstance(r, LedgerLine)]
    assert {ln.ledger for ln in lines} == {"US1", "US2"}
    assert {ln.ledger for ln in invoices} == {"US1", "US2"}
    assert {ln.currency for ln in lines + invoices} == {"USD"}


def test_each_division_books_in_its_local_currency(emulator: Emulator) -> None:
    everything = [r for r in emulator.client("m3").ledger_lines() if isinstance(r, LedgerLine)]
    by_division: dict[str, set[str]] = {ln.ledger: set() for ln in everything}
    for ln in everything:
        by_division[ln.ledger].add(ln.currency)
    assert by_division == {"US1": {"USD"}, "US2": {"USD"}, "MX1": {"MXN"}}
    mexico = [r for r in emulator.client("m3", division="MX1").ledger_lines() if isinstance(r, LedgerLine)]
    assert mexico and {ln.currency for ln in mexico} == {"MXN"}


def test_rates_are_read_for_the_divisions_named(emulator: Emulator) -> None:
    """Monterrey's CRS055MI rates are against pesos: MXN to USD comes from its USD rate (multiply, ARAT pesos per
    dollar); a US-only connection asks no rate at all for USD."""
    pesos = emulator.client("m3", division="MX1").currency_rates("USD", "1")
    assert pesos and {(r.from_currency, r.to_currency) for r in pesos} == {("MXN", "USD")}
    assert emulator.client("m3", divisions=("US1", "US2")).currency_rates("USD", "1") == []
