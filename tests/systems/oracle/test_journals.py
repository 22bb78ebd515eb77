from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.records import LedgerLine, RejectedRecord
from ml_connector.systems.oracle import OracleClient, SegmentLayout
from ml_connector.systems.oracle.amounts import net_amount, parse_amount, parse_id, period_from_name, q_timestamp
from ml_connector.systems.oracle.journals import line_record

BATCH = {"JeBatchId": 1, "BatchName": "B", "Status": "P", "LastUpdateDate": "2026-01-02T03:04:05.000+00:00"}
HEADER = {"JeHeaderId": 2, "LedgerName": "L", "LedgerCurrencyCode": "EUR", "PeriodName": "Jan-26"}
HEADER |= {"DefaultEffectiveDate": "2026-01-31"}


def _line(**fields: Any) -> dict[str, Any]:
    return {"JeLineNumber": 1, "AccountCombination": "300-3100-6100", "LastUpdateDate": None, **fields}


def test_a_line_becomes_a_ledger_line_with_decimal_amount_and_segments() -> None:
    record = line_record("k", BATCH, HEADER, _line(AccountedDr=Decimal("10.50")), SegmentLayout())
    assert isinstance(record, LedgerLine)
    assert (record.account, record.cost_center, record.amount) == ("6100", "3100", Decimal("10.50"))
    assert (record.period, record.currency, record.ledger) == ("2026-01", "EUR", "L")
    assert record.updated_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "fields",
    [{"AccountedDr": "12,5"}, {"AccountedCr": "n/a"}, {}, {"AccountedDr": True}],
)
def test_bad_or_missing_amounts_are_rejected_not_raised(fields: dict[str, Any]) -> None:
    record = line_record("k", BATCH, HEADER, _line(**fields), SegmentLayout())
    assert isinstance(record, RejectedRecord)
    assert record.source_key == "k" and record.hint


def test_a_short_combination_is_rejected() -> None:
    record = line_record("k", BATCH, HEADER, _line(AccountCombination="300.3100", AccountedDr=1), SegmentLayout())
    assert isinstance(record, RejectedRecord) and "segment" in record.reason


def test_layout_follows_the_configured_order_and_delimiter() -> None:
    assert SegmentLayout(".", cost_center=3, account=2).split("01.6100.3100.000") == ("6100", "3100")


AMOUNTS = st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False, places=2)


@given(AMOUNTS, st.booleans())
def test_amounts_round_trip_as_decimal(amount: Decimal, as_text: bool) -> None:
    value: Any = str(amount) if as_text else amount
    assert parse_amount(value) == amount
    assert net_amount(value, None) == amount and net_amount(None, value) == -amount


def test_ids_and_periods_and_q_literals() -> None:
    assert parse_id("300100700220001") == 300100700220001 and parse_id(7) == 7
    with pytest.raises(ValueError, match="not an integer"):
        parse_id("3e5")
    assert period_from_name("Nov-25") == "2025-11" and period_from_name("P13") is None
    assert q_timestamp(datetime(2026, 1, 1, 2, tzinfo=UTC)) == "'2026-01-01T02:00:00.000+00:00'"
    with pytest.raises(ValueError, match="aware"):
        q_timestamp(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def _posted_line_keys(admin: httpx.Client) -> set[str]:
    """Every line of every posted batch of the EU ledger, read straight from the emulator with Basic auth."""
    rest = "/fscmRestApi/resources/11.13.18.05"
    auth = ("ACME.INTEGRATION", "Welcome1!")
    batches = admin.get(f"{rest}/journalBatches", params={"limit": 500, "onlyData": "true"}, auth=auth).json()
    keys = set()
    for b in batches["items"]:
        if b["Status"] != "P":
            continue
        headers = admin.get(f"{rest}/journalBatches/{b['JeBatchId']}/child/journalHeaders", auth=auth).json()
        for h in headers["items"]:
            if h["LedgerName"] != "Acme EU Ledger":  # the connection's ledger only (the seed has a second)
                continue
            link = next(x["href"] for x in h["links"] if x["rel"] == "self")
            lines = admin.get(f"{link}/child/journalLines", params={"limit": 500}, auth=auth).json()
            keys |= {f"oracle:{b['JeBatchId']}:{h['JeHeaderId']}:{x['JeLineNumber']}" for x in lines["items"]}
    return keys


def test_all_posted_lines_are_read_once(admin: httpx.Client, make_client: Callable[..., OracleClient]) -> None:
    records = list(make_client(page_size=7).ledger_lines())
    keys = [r.source_key for r in records]
    assert len(keys) == len(set(keys))
    assert all(isinstance(r, LedgerLine) for r in records)
    assert set(keys) == _posted_line_keys(admin)
    assert all(isinstance(r.amount, Decimal) for r in records if isinstance(r, LedgerLine))


def test_since_reads_only_recent_batches_and_until_caps(oracle: OracleClient) -> None:
    everything = [r for r in oracle.ledger_lines() if isinstance(r, LedgerLine)]
    stamps = sorted({r.updated_at for r in everything if r.updated_at})
    middle = stamps[len(stamps) // 2]
    recent = list(oracle.ledger_lines(since=middle))
    assert 0 < len(recent) < len(everything)
    capped = list(oracle.ledger_lines(since=middle, until=middle + timedelta(days=40)))
    assert len(capped) <= len(recent)


def test_records_updated_during_paging_are_not_skipped(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    expected = _posted_line_keys(admin)
    oracle = make_client(page_size=5)
    stream = oracle.ledger_lines()
    seen = {next(stream).source_key}
    # Someone edits the oldest journals while we page: they move in LastUpdateDate order but not in ours.
    admin.post("/_emulator/journals/touch", json={"count": 8}).raise_for_status()
    seen |= {r.source_key for r in stream}
    assert seen == expected
