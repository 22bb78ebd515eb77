"""The client's bulk route: the golden extract read as the REST reader reads lines, the base64 answer
decoded as a stream (property-tested), and the whole route against the emulator over real HTTP."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.emulators.common import RunningServer
from ml_connector.records import LedgerLine
from ml_connector.systems.oracle import OracleClient
from ml_connector.systems.oracle.bulk import check_zip, extract_rows, records_of, spool_document
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import BulkExtractError
from tests.golden.files import JOURNAL_LINES_EXTRACT
from tests.systems.oracle.conftest import settings_for

LAYOUT = SegmentLayout("-", 2, 3)


def golden_zip(folder: Path) -> Path:
    path = folder / "extract.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(JOURNAL_LINES_EXTRACT, "JournalLinesExtract_910001.csv")
    return path


def test_the_golden_extract_reads_as_the_rest_reader_would(tmp_path: Path) -> None:
    path = golden_zip(tmp_path)
    member = check_zip(path)
    records = list(records_of(extract_rows(path, member), LAYOUT, "Acme EU Ledger", None))
    assert all(isinstance(r, LedgerLine) for r in records)
    lines = [r for r in records if isinstance(r, LedgerLine)]
    # The unposted batch is not actuals; the posted one's three lines are, keyed like REST lines.
    assert [r.source_key for r in lines] == [f"oracle:300100700220981:300100700390001:{n}" for n in (1, 2, 3)]
    assert [r.amount for r in lines] == [Decimal("1200.0"), Decimal("799.5"), Decimal("-1999.5")]
    assert [(r.cost_center, r.account, r.period, r.currency) for r in lines][0] == ("3100", "6100", "2026-01", "EUR")
    assert lines[0].description == 'Paper, toner and "premium" pens'
    assert sum(r.amount for r in lines) == 0


def test_an_extract_without_a_key_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.csv", "JE_BATCH_ID,JE_LINE_NUM\n1,1\n")
    with pytest.raises(ValueError, match="JE_HEADER_ID"):
        list(extract_rows(path, check_zip(path)))


def answer(document: bytes, *, escape_slashes: bool, before: bool) -> bytes:
    text = base64.b64encode(document).decode()
    if escape_slashes:
        text = text.replace("/", "\\/")
    item = '{"ReqstId":"910001","DocumentContent":"' + text + '","FileType":"OUT"}'
    if before:
        item = '{"FileType":"OUT","ReqstId":"910001","DocumentContent":"' + text + '"}'
    return ('{"items":[' + item + '],"count":1,"hasMore":false}').encode()


@given(
    document=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=1, max_value=200), max_size=40),
    escape_slashes=st.booleans(),
    before=st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_the_document_decodes_whatever_the_chunking(
    document: bytes, cuts: list[int], escape_slashes: bool, before: bool
) -> None:
    body = answer(document, escape_slashes=escape_slashes, before=before)
    chunks, at = [], 0
    for size in cuts:
        chunks.append(body[at : at + size])
        at += size
    chunks.append(body[at:])
    out = io.BytesIO()
    assert spool_document(iter(chunks), out) == len(document)
    assert out.getvalue() == document


@given(document=st.binary(min_size=10, max_size=500), keep=st.floats(min_value=0.05, max_value=0.95))
@settings(max_examples=60, deadline=None)
def test_an_answer_that_breaks_off_is_an_error(document: bytes, keep: float) -> None:
    body = answer(document, escape_slashes=False, before=False)
    cut = body[: body.index(b'"DocumentContent"') + 20 + int(len(document) * keep)]
    with pytest.raises(ValueError):
        spool_document(iter([cut]), io.BytesIO())


def test_an_answer_without_a_document_is_an_error() -> None:
    with pytest.raises(ValueError, match="no output"):
        spool_document(iter([json.dumps({"items": [{"DocumentContent": None}]}).encode()]), io.BytesIO())
    with pytest.raises(ValueError, match="no DocumentContent"):
        spool_document(iter([b'{"items":[]}']), io.BytesIO())


def keyed(records: object) -> dict[str, LedgerLine]:
    return {r.source_key: r for r in records if isinstance(r, LedgerLine)}  # type: ignore[attr-defined]


def test_bulk_lines_equal_rest_lines(server: RunningServer, admin: httpx.Client) -> None:
    admin.put("/_emulator/volume", json={"extra_lines": 150, "seed": 11}).raise_for_status()
    with OracleClient(settings_for(server)) as oracle:
        rest = list(oracle.ledger_lines())
        bulk = list(oracle.bulk_ledger_lines())
        assert oracle.estimate_lines() > 150
    assert len(bulk) == len(rest)
    assert keyed(bulk) == keyed(rest)
    assert {r.source_key for r in bulk} == {r.source_key for r in rest}  # rejected ones too


def test_a_job_that_keeps_failing_is_a_clear_error(server: RunningServer, admin: httpx.Client) -> None:
    admin.put("/_emulator/exports", json={"fail": 2}).raise_for_status()
    with OracleClient(settings_for(server, bulk_attempts=2)) as oracle, pytest.raises(BulkExtractError) as caught:
        next(iter(oracle.bulk_ledger_lines()))
    assert "failed 2 times" in str(caught.value) and "ended ERROR" in str(caught.value)
    assert "Scheduled Processes" in (caught.value.hint or "")
