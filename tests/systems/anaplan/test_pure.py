"""Pure parts: settings validation, id formats, paging decisions, the poller, counts and dump parsing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ApiError, ConfigurationError
from ml_connector.systems.anaplan import AnaplanSettings, TaskPoller
from ml_connector.systems.anaplan.ids import check_hex_id, check_object_id
from ml_connector.systems.anaplan.imports import parse_dump
from ml_connector.systems.anaplan.paging import next_offset, paged_items
from ml_connector.systems.anaplan.tasks import row_counts


def test_settings_list_every_problem_at_once() -> None:
    with pytest.raises(ConfigurationError) as caught:
        AnaplanSettings.parse({"auth": "basic", "api_url": "http://api.example.com/2/0", "chunk_size_mb": 60})
    text = str(caught.value)
    for expected in ("user: required", "password: required", "api_url", "must use https", "chunk_size_mb"):
        assert expected in text


def test_settings_hosts() -> None:
    ok = AnaplanSettings.parse(
        {"user": "u@x.com", "password": "pw-123456", "api_url": "https://eu3.api.anaplan.com/2/0"}
    )
    assert ok.requests_per_minute == 600 and ok.gzip and ok.chunk_size_mb == 10
    with pytest.raises(ConfigurationError, match="not an anaplan.com host"):
        AnaplanSettings.parse({"user": "u", "password": "pw-123456", "auth_url": "https://anaplan.com.evil.example"})
    local = AnaplanSettings.parse(
        {"user": "u", "password": "pw-123456", "api_url": "http://127.0.0.1:1/2/0", "allow_any_url": True}
    )
    assert "pw-123456" not in repr(local)


def test_settings_other_kinds(tmp_path: Any) -> None:
    with pytest.raises(ConfigurationError, match="oauth_client_id: required.*refresh_token: required"):
        AnaplanSettings.parse({"auth": "oauth"})
    with pytest.raises(ConfigurationError, match="certificate_path: no file at"):
        AnaplanSettings.parse(
            {"auth": "certificate", "certificate_path": str(tmp_path / "x.pem"), "private_key_pem": "k"}
        )


def test_id_formats() -> None:
    assert check_hex_id("model", "4C2A9E7B1D5F48A3B6E0C9D8F7A61B52")
    with pytest.raises(ConfigurationError, match="expected 32 hexadecimal characters"):
        check_hex_id("workspace", "8a81b09d5e8c6f27015ea9c4f2a4001")
    assert check_object_id("file", "113000000003")
    with pytest.raises(ConfigurationError, match="expected 12 digits starting with 118"):
        check_object_id("process", "117000000000")


def page(items: list[int], offset: int, limit: int, total: int | None) -> dict[str, Any]:
    chunk = items[offset : offset + limit]
    paging: dict[str, Any] = {"currentPageSize": len(chunk), "offset": offset}
    if total is not None:
        paging["totalSize"] = total
    if offset + limit < len(items):
        paging["next"] = "more"
    body: dict[str, Any] = {"meta": {"paging": paging}}
    if chunk:
        body["things"] = [{"n": n} for n in chunk]
    return body


@given(n=st.integers(0, 300), limit=st.integers(1, 60), with_total=st.booleans())
def test_paging_reads_every_item_once(n: int, limit: int, with_total: bool) -> None:
    items = list(range(n))
    calls: list[dict[str, int]] = []

    def fetch(params: dict[str, int]) -> dict[str, Any]:
        calls.append(params)
        return page(items, params["offset"], params["limit"], n if with_total else None)

    got = [x["n"] for x in paged_items(fetch, "things", limit)]
    assert got == items
    assert len(calls) <= n // limit + 2


def test_paging_refuses_a_server_that_repeats_a_page() -> None:
    def fetch(params: dict[str, int]) -> dict[str, Any]:
        body = page(list(range(10)), 0, 5, None)  # always the first page, whatever was asked
        body["meta"]["paging"]["next"] = "more"
        del body["meta"]["paging"]["offset"]
        return body

    with pytest.raises(ApiError, match="same page twice"):
        list(paged_items(fetch, "things", 5))

    def wrong_offset(params: dict[str, int]) -> dict[str, Any]:
        return page(list(range(10)), 0, 5, 10)

    with pytest.raises(ApiError, match="answered offset 0 under 'things' when asked for 5"):
        list(paged_items(wrong_offset, "things", 5))


@given(received=st.integers(0, 100), offset=st.integers(0, 10_000), total=st.integers(0, 20_000))
def test_next_offset_moves_forward_or_stops(received: int, offset: int, total: int) -> None:
    body = {"meta": {"paging": {"totalSize": total}}, "things": [{}] * received}
    following = next_offset(body, "things", offset, 100)
    assert following is None or (following == offset + received and following < total)


@given(
    initial=st.floats(0.01, 10),
    factor=st.floats(1.0, 3.0),
    extra=st.floats(0, 100),
    polls=st.integers(0, 1000),
    elapsed=st.floats(0, 1e6),
    progress=st.none() | st.floats(0, 1),
)
def test_poller_stays_within_bounds(
    initial: float, factor: float, extra: float, polls: int, elapsed: float, progress: float | None
) -> None:
    poller = TaskPoller(initial, factor, initial + extra)
    wait = poller.next_interval(polls, elapsed, progress)
    assert initial <= wait <= initial + extra
    # Backing off: without progress, a later poll never waits less than an earlier one.
    assert poller.next_interval(polls + 1, elapsed) >= poller.next_interval(polls, elapsed)


def test_poller_defaults_start_short_then_follow_anaplan_guidance() -> None:
    poller = TaskPoller()
    assert poller.next_interval(0) == 0.2  # a 0.2 s import is not waited on for a second, let alone 5
    assert poller.next_interval(1, elapsed=0.2) == pytest.approx(0.3)
    # The first 10 s take about a dozen status calls: short waits, backing off.
    waited, polls = 0.0, 0
    while waited < 10.0:
        waited += poller.next_interval(polls, waited)
        polls += 1
    assert 8 <= polls <= 12
    assert poller.next_interval(2, elapsed=12.0) == 5.0  # past 10 s: "no more than once every 5 seconds"
    assert poller.next_interval(100, elapsed=500) == 60.0
    # Nearly done: the wait shrinks towards the floor, never below it.
    assert poller.next_interval(10, elapsed=100, progress=0.99) == 5.0


def test_row_counts_and_dump() -> None:
    result = {
        "details": [
            {
                "type": "hierarchyRowsProcessed",
                "values": ["hierarchyName", "GL", "successRowCount", "90", "failedCount", "5"],
            }
        ]
    }
    assert row_counts(result) == {"successRowCount": 90, "failedCount": 5}
    dump = (
        '"_Status_","Code","Name","_Line_","_Error_1_","_Error_2_"\n'
        '"E","X1","Bad, name","3","Invalid parent",""\n'
        '"W","X2","","7","Name blank","Code reused"\n'
    )
    rows = parse_dump(dump)
    assert [(r.line, r.row, r.error, r.status) for r in rows] == [
        (3, {"Code": "X1", "Name": "Bad, name"}, "Invalid parent", "E"),
        (7, {"Code": "X2", "Name": ""}, "Name blank; Code reused", "W"),
    ]
    assert parse_dump("") == []
